//go:build acc

package localssm

import (
	"context"
	"errors"
	"net"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2test"
)

type online struct{}

func (online) Online(context.Context, string, string) error { return nil }

type nowhere struct{}

func (nowhere) Dial(context.Context, string, int) (net.Conn, error) {
	return nil, errors.New("no port")
}

// TestStandInEnforcesIAMThroughMoto: with moto enforcing IAM, the stand-in
// answers StartSession with SSM's AccessDeniedException while the caller's
// policy lacks ssm:StartSession, and starts the session once it has it:
// moto checks the signed request before finding it does not implement it.
func TestStandInEnforcesIAMThroughMoto(t *testing.T) {
	t.Setenv("INITIAL_NO_AUTH_ACTION_COUNT", "3")
	m := ec2test.Start(t)
	ctx := context.Background()
	root := iam.New(iam.Options{Region: "us-east-1", BaseEndpoint: aws.String(m.URL),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
	if _, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("builder")}); err != nil {
		t.Fatal(err)
	}
	key, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("builder")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("builder"), PolicyName: aws.String("p"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:PutUserPolicy"],"Resource":"*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	creds := credentials.NewStaticCredentialsProvider(*key.AccessKey.AccessKeyId, *key.AccessKey.SecretAccessKey, "")
	motoURL, _ := url.Parse(m.URL)
	si := New(Config{Targets: online{}, Host: nowhere{}})
	srv := httptest.NewServer(si.Handler(httputil.NewSingleHostReverseProxy(motoURL)))
	defer srv.Close()
	client := ssm.New(ssm.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), Credentials: creds})
	start := &ssm.StartSessionInput{Target: aws.String("i-0123456789abcdef0"), DocumentName: aws.String("AWS-StartPortForwardingSession")}
	_, err = client.StartSession(ctx, start)
	if err == nil || !strings.Contains(err.Error(), "AccessDeniedException") || !strings.Contains(err.Error(), "ssm:StartSession") {
		t.Fatalf("StartSession without ssm:StartSession: %v", err)
	}
	user := iam.New(iam.Options{Region: "us-east-1", BaseEndpoint: aws.String(m.URL), Credentials: creds})
	if _, err := user.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("builder"), PolicyName: aws.String("ssm"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ssm:StartSession"],"Resource":"*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	out, err := client.StartSession(ctx, start)
	if err != nil || !strings.HasPrefix(aws.ToString(out.SessionId), "localssm-") {
		t.Fatalf("StartSession with ssm:StartSession: %+v %v", out, err)
	}
}
