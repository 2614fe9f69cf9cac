package ec2test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// Key is an IAM access key in moto.
type Key struct{ ID, Secret string }

// Root is the key moto accepts before it enforces IAM.
var Root = Key{"test", "test"}

// AllowAll is a policy document allowing every action.
const AllowAll = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`

// IAMAs is an IAM client of this moto signing as key (moto checks
// signatures only while it enforces IAM).
func (m *Moto) IAMAs(key Key) *iam.Client {
	return iam.New(iam.Options{Region: DefaultRegion, BaseEndpoint: aws.String(m.URL),
		Credentials: credentials.NewStaticCredentialsProvider(key.ID, key.Secret, "")})
}

// EC2As is a client for assertions against this moto in region, as key.
func (m *Moto) EC2As(key Key, region string) *ec2.Client {
	return ec2.New(ec2.Options{Region: region, BaseEndpoint: aws.String(m.URL),
		Credentials: credentials.NewStaticCredentialsProvider(key.ID, key.Secret, "")})
}

// User makes an IAM user with an access key and, if policy is not "",
// that inline policy (a JSON policy document), acting as key as.
func (m *Moto) User(t testing.TB, as Key, name, policy string) Key {
	t.Helper()
	ctx := context.Background()
	c := m.IAMAs(as)
	if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)}); err != nil {
		t.Fatalf("CreateUser %s: %v", name, err)
	}
	out, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)})
	if err != nil {
		t.Fatalf("CreateAccessKey %s: %v", name, err)
	}
	if policy != "" {
		m.SetPolicy(t, as, name, policy)
	}
	return Key{aws.ToString(out.AccessKey.AccessKeyId), aws.ToString(out.AccessKey.SecretAccessKey)}
}

// SetPolicy replaces a user's inline policy.
func (m *Moto) SetPolicy(t testing.TB, as Key, user, policy string) {
	t.Helper()
	_, err := m.IAMAs(as).PutUserPolicy(context.Background(), &iam.PutUserPolicyInput{UserName: aws.String(user),
		PolicyName: aws.String("policy"), PolicyDocument: aws.String(policy)})
	if err != nil {
		t.Fatalf("PutUserPolicy %s: %v", user, err)
	}
}

// EnforceIAM makes moto authenticate and authorize every request from now
// on (INITIAL_NO_AUTH_ACTION_COUNT = 0), until the test ends.
func (m *Moto) EnforceIAM(t testing.TB) {
	t.Helper()
	set := func(n string) {
		resp, err := http.Post(m.URL+"/moto-api/reset-auth", "text/plain", strings.NewReader(n))
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("moto reset-auth %s: %v %v", n, resp, err)
		}
		_ = resp.Body.Close()
	}
	set("0")
	t.Cleanup(func() { set("inf") })
}
