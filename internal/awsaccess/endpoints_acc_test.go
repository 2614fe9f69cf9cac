//go:build acc

package awsaccess

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2proxy"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2wait"
)

// TestCustomEndpointEC2: custom_endpoint_ec2 wins over the environment's
// EC2 endpoint (here a dead one), for EC2 only.
func TestCustomEndpointEC2(t *testing.T) {
	e := newCredEnv(t)
	t.Setenv("AWS_ENDPOINT_URL_EC2", "http://127.0.0.1:1")
	c := AccessConfig{RawRegion: "us-east-1", AccessKey: "AKIAEXAMPLE", SecretKey: "x", CustomEndpointEC2: e.proxy.URL, MaxRetries: 1}
	if call := e.ec2Call(t, c); call.Action != "DescribeRegions" {
		t.Errorf("call %+v", call)
	}
	c.CustomEndpointEC2 = ""
	_ = c.Prepare()
	client, _ := NewClients(&c).EC2(context.Background(), "us-east-1")
	if _, err := client.DescribeRegions(context.Background(), &ec2.DescribeRegionsInput{}); err == nil {
		t.Error("without custom_endpoint_ec2 the dead AWS_ENDPOINT_URL_EC2 answered")
	}
}

// TestInsecureSkipTLSVerify: an endpoint with a self-signed certificate
// fails certificate verification, unless insecure_skip_tls_verify.
func TestInsecureSkipTLSVerify(t *testing.T) {
	e := newCredEnv(t)
	target, _ := url.Parse(e.proxy.URL)
	tlsFront := httptest.NewTLSServer(httputil.NewSingleHostReverseProxy(target))
	defer tlsFront.Close()
	t.Setenv("AWS_ENDPOINT_URL", tlsFront.URL)
	t.Setenv("AWS_ENDPOINT_URL_STS", tlsFront.URL)
	c := AccessConfig{RawRegion: "us-east-1", AccessKey: "AKIAEXAMPLE", SecretKey: "x", MaxRetries: 1}
	if _, err := whoAmI(t, c); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("verifying the self-signed endpoint: %v, want a certificate error", err)
	}
	c.InsecureSkipTLSVerify = true
	if arn, err := whoAmI(t, c); err != nil || arn == "" {
		t.Errorf("insecure_skip_tls_verify: %q, %v", arn, err)
	}
	if call := e.ec2Call(t, c); call.AccessKey != "AKIAEXAMPLE" {
		t.Errorf("EC2 through the TLS front: %+v", call)
	}
}

// fakeIMDS serves instance-role credentials as EC2's metadata service
// does (IMDSv2 token, then the role's credentials), counting requests.
func fakeIMDS(t *testing.T) *atomic.Int32 {
	var hits atomic.Int32
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		switch p := r.URL.Path; {
		case p == "/latest/api/token" && r.Method == http.MethodPut:
			_, _ = w.Write([]byte("imds-token"))
		case p == "/latest/meta-data/iam/security-credentials/" || p == "/latest/meta-data/iam/security-credentials-extended/":
			_, _ = w.Write([]byte("build-role"))
		case strings.HasSuffix(p, "/build-role"):
			_, _ = w.Write([]byte(`{"Code":"Success","Type":"AWS-HMAC","AccessKeyId":"ASIAFROMIMDS","SecretAccessKey":"s",` +
				`"Token":"t","Expiration":"` + time.Now().Add(time.Hour).UTC().Format(time.RFC3339) + `"}`))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(s.Close)
	t.Setenv("AWS_EC2_METADATA_DISABLED", "")
	t.Setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", s.URL)
	return &hits
}

// TestSkipMetadataAPICheck: without other credentials the SDK asks the
// instance metadata service; skip_metadata_api_check never does.
func TestSkipMetadataAPICheck(t *testing.T) {
	e := newCredEnv(t)
	hits := fakeIMDS(t)
	if call := e.ec2Call(t, AccessConfig{RawRegion: "us-east-1", MaxRetries: 1}); call.AccessKey != "ASIAFROMIMDS" {
		t.Fatalf("without skip_metadata_api_check the call was signed by %q, want the instance role's key", call.AccessKey)
	}
	hits.Store(0)
	c := AccessConfig{RawRegion: "us-east-1", SkipMetadataAPICheck: true, MaxRetries: 1}
	if _, err := whoAmI(t, c); err == nil {
		t.Error("skip_metadata_api_check: credentials were found anyway")
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("skip_metadata_api_check: the metadata service got %d requests", n)
	}
}

// TestDecodeAuthorizationMessages: an UnauthorizedOperation with an encoded
// message is decoded by sts:DecodeAuthorizationMessage when asked; the
// error keeps its code, so "access denied" handling still sees it.
func TestDecodeAuthorizationMessages(t *testing.T) {
	e := newCredEnv(t)
	e.proxy.Use(answer(func(c *ec2proxy.Call) *ec2proxy.Answer {
		switch c.Action {
		case "DescribeRegions":
			return ec2proxy.ErrorAnswer(http.StatusForbidden, "UnauthorizedOperation",
				"You are not authorized to perform this operation. Encoded authorization failure message: ENCODED-42")
		case "DecodeAuthorizationMessage":
			if c.Params.Get("EncodedMessage") != "ENCODED-42" {
				return ec2proxy.ErrorAnswer(http.StatusBadRequest, "InvalidAuthorizationMessageException", "unknown message")
			}
			return &ec2proxy.Answer{Status: http.StatusOK, Body: []byte(`<DecodeAuthorizationMessageResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">` +
				`<DecodeAuthorizationMessageResult><DecodedMessage>{"allowed":false,"context":{"action":"ec2:DescribeRegions"}}</DecodedMessage>` +
				`</DecodeAuthorizationMessageResult></DecodeAuthorizationMessageResponse>`)}
		}
		return nil
	}))
	call := func(decode bool) error {
		c := AccessConfig{RawRegion: "us-east-1", AccessKey: "AKIAEXAMPLE", SecretKey: "x", MaxRetries: 1, DecodeAuthorizationMessages: decode}
		_ = c.Prepare()
		client, _ := NewClients(&c).EC2(context.Background(), "us-east-1")
		_, err := client.DescribeRegions(context.Background(), &ec2.DescribeRegionsInput{})
		return err
	}
	err := call(true)
	if err == nil || !strings.Contains(err.Error(), `"action":"ec2:DescribeRegions"`) || !ec2wait.IsAccessDenied(err) {
		t.Errorf("decode_authorization_messages: %v; want the decoded message and the error code kept", err)
	}
	var unwrapped interface{ Unwrap() error }
	if !errors.As(err, &unwrapped) {
		t.Error("the decoded error does not unwrap to EC2's")
	}
	before := len(e.proxy.Requests("DecodeAuthorizationMessage"))
	if err := call(false); err == nil || strings.Contains(err.Error(), "Decoded") || len(e.proxy.Requests("DecodeAuthorizationMessage")) != before {
		t.Errorf("without the option: %v; want the encoded message only, and no decode call", err)
	}
}
