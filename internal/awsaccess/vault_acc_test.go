//go:build acc

package awsaccess

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
)

// vaultStandIn answers Vault's AWS secrets engine API as Vault documents
// it: GET /v1/<mount>/creds/<role> with an IAM user's keys, PUT (or POST)
// /v1/<mount>/sts/<role> with STS credentials of role_arn, which it gets
// from moto's AssumeRole. It records each request.
type vaultStandIn struct {
	*httptest.Server
	userKey, userSecret string
	motoURL             string

	mu       sync.Mutex
	requests []string // "METHOD path token body"
}

func startVault(t *testing.T, motoURL, key, secret string) *vaultStandIn {
	v := &vaultStandIn{userKey: key, userSecret: secret, motoURL: motoURL}
	v.Server = httptest.NewServer(http.HandlerFunc(v.serve))
	t.Cleanup(v.Close)
	t.Setenv("VAULT_ADDR", v.URL)
	t.Setenv("VAULT_TOKEN", "vault-token-1")
	return v
}

func (v *vaultStandIn) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	v.mu.Lock()
	v.requests = append(v.requests, strings.Join([]string{r.Method, r.URL.Path, r.Header.Get("X-Vault-Token"), string(body)}, " "))
	v.mu.Unlock()
	data := map[string]any{"access_key": v.userKey, "secret_key": v.userSecret, "security_token": nil}
	switch {
	case strings.HasSuffix(r.URL.Path, "/creds/packer") && r.Method == http.MethodGet:
	case strings.HasSuffix(r.URL.Path, "/sts/packer") && (r.Method == http.MethodPut || r.Method == http.MethodPost):
		var in struct {
			RoleARN string `json:"role_arn"`
		}
		_ = json.Unmarshal(body, &in)
		creds, err := v.assume(r.Context(), in.RoleARN)
		if err != nil {
			http.Error(w, `{"errors":["`+err.Error()+`"]}`, http.StatusBadRequest)
			return
		}
		data = map[string]any{"access_key": creds.AccessKeyId, "secret_key": creds.SecretAccessKey, "security_token": creds.SessionToken}
	default:
		http.Error(w, `{"errors":[]}`, http.StatusNotFound)
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"lease_id": "aws/creds/packer/1", "lease_duration": 900, "renewable": false, "data": data})
}

// assume gets role credentials the way Vault's engine does, from STS.
func (v *vaultStandIn) assume(ctx context.Context, role string) (*stsCreds, error) {
	c := sts.New(sts.Options{Region: "us-east-1", BaseEndpoint: aws.String(v.motoURL),
		Credentials: credentials.NewStaticCredentialsProvider(v.userKey, v.userSecret, "")})
	out, err := c.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(role), RoleSessionName: aws.String("vault-packer")})
	if err != nil {
		return nil, err
	}
	return &stsCreds{aws.ToString(out.Credentials.AccessKeyId), aws.ToString(out.Credentials.SecretAccessKey),
		aws.ToString(out.Credentials.SessionToken)}, nil
}

type stsCreds struct{ AccessKeyId, SecretAccessKey, SessionToken string }

func (v *vaultStandIn) seen() []string {
	v.mu.Lock()
	defer v.mu.Unlock()
	return append([]string(nil), v.requests...)
}

// TestVaultAWSEngine: vault_aws_engine gets an IAM user's keys (GET
// creds) or, with role_arn and ttl, a role's STS credentials (a write to
// sts) from Vault, authenticated with VAULT_TOKEN; the build authenticates
// with what Vault returned, and asks Vault once for all regions.
func TestVaultAWSEngine(t *testing.T) {
	e := newCredEnv(t)
	key, secret := e.iamUser(t, "vault-user")
	v := startVault(t, e.moto.URL, key, secret)

	arn, err := whoAmI(t, AccessConfig{VaultAWSEngine: VaultAWSEngineOptions{Name: "packer"}})
	if err != nil || !strings.HasSuffix(arn, ":user/vault-user") {
		t.Fatalf("caller %q, %v: want Vault's IAM user", arn, err)
	}
	if got := v.seen(); len(got) != 1 || got[0] != "GET /v1/aws/creds/packer vault-token-1 " {
		t.Errorf("Vault requests %q, want one GET of aws/creds/packer with the token", got)
	}
	if masked := packersdk.LogSecretFilter.FilterString("secret " + secret); strings.Contains(masked, secret) {
		t.Errorf("the secret key Vault handed out is not masked in logs: %q", masked)
	}

	c := AccessConfig{RawRegion: "us-east-1", VaultAWSEngine: VaultAWSEngineOptions{Name: "packer", EngineName: "aws-ci",
		RoleARN: "arn:aws:iam::123456789012:role/builder", TTL: "900s"}}
	if errs := c.Prepare(); len(errs) > 0 {
		t.Fatal(errs)
	}
	clients := NewClients(&c)
	for _, region := range []string{"us-east-1", "us-west-2"} {
		client, err := clients.STS(context.Background(), region)
		if err != nil {
			t.Fatal(err)
		}
		out, err := client.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
		if err != nil || !strings.Contains(aws.ToString(out.Arn), "assumed-role/builder/vault-packer") {
			t.Fatalf("%s: caller %v, %v: want the role Vault assumed", region, out, err)
		}
	}
	got := v.seen()[1:]
	if len(got) != 1 || !strings.HasPrefix(got[0], "PUT /v1/aws-ci/sts/packer vault-token-1 ") ||
		!strings.Contains(got[0], `"role_arn":"arn:aws:iam::123456789012:role/builder"`) || !strings.Contains(got[0], `"ttl":"900s"`) {
		t.Errorf("Vault requests %q: want one write to aws-ci/sts/packer with role_arn and ttl, for both regions", got)
	}
}
