package awsaccess

import (
	"context"
	"os"
	"testing"
)

// TestClientsShareOneClientPerRegion: every step asking for a region gets
// the same client; another region gets its own. (Making a client reads only
// local configuration: no AWS call.)
func TestClientsShareOneClientPerRegion(t *testing.T) {
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_PROFILE": "",
		"AWS_CONFIG_FILE": os.DevNull, "AWS_SHARED_CREDENTIALS_FILE": os.DevNull,
	} {
		t.Setenv(k, v)
	}
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
