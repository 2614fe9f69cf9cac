//go:build acc

package awsaccess

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2proxy"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2test"
)

// credEnv is moto behind the recording proxy, with the process environment
// emptied of credentials and AWS files, so only what a test's AccessConfig
// says can authenticate.
type credEnv struct {
	moto  *ec2test.Moto
	proxy *ec2test.Proxy
	dir   string
}

func newCredEnv(t *testing.T) *credEnv {
	t.Helper()
	m := ec2test.Start(t)
	e := &credEnv{moto: m, proxy: ec2test.StartProxy(t, m), dir: t.TempDir()}
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_REGION",
		"AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL_EC2", "AWS_CA_BUNDLE", "AWS_MAX_ATTEMPTS",
		"AWS_EC2_METADATA_SERVICE_ENDPOINT", "VAULT_ADDR", "VAULT_TOKEN", "VAULT_NAMESPACE"} {
		t.Setenv(k, "")
	}
	t.Setenv("AWS_CONFIG_FILE", e.write(t, "config", ""))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", e.write(t, "credentials", ""))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_ENDPOINT_URL", e.proxy.URL)
	// The SDK builds a profile's role-assuming STS client before it reads
	// AWS_ENDPOINT_URL (config.LoadDefaultConfig resolves credentials
	// first): name STS's endpoint too, or that client would try real AWS.
	t.Setenv("AWS_ENDPOINT_URL_STS", e.proxy.URL)
	return e
}

// write puts a file into the test's folder and returns its path.
func (e *credEnv) write(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(e.dir, name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// iamUser makes an IAM user in moto with an access key; moto then answers
// GetCallerIdentity with that user's ARN for calls signed with the key.
func (e *credEnv) iamUser(t *testing.T, name string) (keyID, secret string) {
	t.Helper()
	c := iam.New(iam.Options{Region: "us-east-1", BaseEndpoint: aws.String(e.moto.URL),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
	ctx := context.Background()
	if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	k, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(k.AccessKey.AccessKeyId), aws.ToString(k.AccessKey.SecretAccessKey)
}

// whoAmI prepares c and asks STS, through the build's clients, whose
// credentials they are.
func whoAmI(t *testing.T, c AccessConfig) (string, error) {
	t.Helper()
	if c.RawRegion == "" {
		c.RawRegion = "us-east-1"
	}
	if errs := c.Prepare(); len(errs) > 0 {
		t.Fatalf("Prepare: %v", errs)
	}
	client, err := NewClients(&c).STS(context.Background(), c.RawRegion)
	if err != nil {
		return "", err
	}
	out, err := client.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", err
	}
	return aws.ToString(out.Arn), nil
}

// ec2Call makes one EC2 call with c's build clients and returns it as the
// proxy recorded it.
func (e *credEnv) ec2Call(t *testing.T, c AccessConfig) ec2proxy.Call {
	t.Helper()
	if errs := c.Prepare(); len(errs) > 0 {
		t.Fatalf("Prepare: %v", errs)
	}
	client, err := NewClients(&c).EC2(context.Background(), c.RawRegion)
	if err == nil {
		_, err = client.DescribeRegions(context.Background(), &ec2.DescribeRegionsInput{})
	}
	if err != nil {
		t.Fatalf("DescribeRegions: %v", err)
	}
	calls := e.proxy.Requests("DescribeRegions")
	if len(calls) == 0 {
		t.Fatal("the proxy saw no DescribeRegions")
	}
	return calls[len(calls)-1]
}

// answer is a proxy hook answering the calls it knows instead of moto.
type answer func(c *ec2proxy.Call) *ec2proxy.Answer

func (a answer) Before(c *ec2proxy.Call) *ec2proxy.Answer { return a(c) }
func (answer) After(_ *ec2proxy.Call, body []byte) []byte { return body }
