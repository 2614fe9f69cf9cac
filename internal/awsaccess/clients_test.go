package awsaccess

import (
	"context"
	"os"
	"testing"
)

// offlineAWSEnv gives the SDK static test credentials and no shared
// configuration, so making a client reads nothing of this machine's.
func offlineAWSEnv(t *testing.T) {
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_PROFILE": "",
		"AWS_CONFIG_FILE": os.DevNull, "AWS_SHARED_CREDENTIALS_FILE": os.DevNull,
	} {
		t.Setenv(k, v)
	}
}

// TestClientsShareOneClientPerRegion: every step asking for a region gets
// the same client; another region gets its own. (Making a client reads only
// local configuration: no AWS call.)
func TestClientsShareOneClientPerRegion(t *testing.T) {
	offlineAWSEnv(t)
	clients := NewClients(&AccessConfig{RawRegion: "us-east-1", MaxRetries: 1})
	ctx := context.Background()
	a, err := clients.EC2(ctx, "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := clients.EC2(ctx, "us-east-1")
	west, _ := clients.EC2(ctx, "us-west-2")
	if a != b {
		t.Error("two clients for us-east-1")
	}
	if west == a || west.Options().Region != "us-west-2" || a.Options().Region != "us-east-1" {
		t.Errorf("regions: %s and %s", a.Options().Region, west.Options().Region)
	}
}

// TestClientsShareIAMAndSSMClients: IAM and SSM clients are made once per
// region too, with the access settings' region.
func TestClientsShareIAMAndSSMClients(t *testing.T) {
	offlineAWSEnv(t)
	clients := NewClients(&AccessConfig{RawRegion: "eu-west-1", MaxRetries: 1})
	ctx := context.Background()
	i1, err := clients.IAM(ctx, "eu-west-1")
	if err != nil {
		t.Fatal(err)
	}
	i2, _ := clients.IAM(ctx, "eu-west-1")
	s1, _ := clients.SSM(ctx, "eu-west-1")
	s2, _ := clients.SSM(ctx, "eu-west-1")
	if i1 != i2 || s1 != s2 {
		t.Error("a second client was made for the same region")
	}
	if s1.Options().Region != "eu-west-1" || i1.Options().Region != "eu-west-1" {
		t.Errorf("regions %s, %s", s1.Options().Region, i1.Options().Region)
	}
}
