package ami

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// TestLaunchSpecUserDataFile: user_data_file's bytes reach EC2 base64-encoded.
func TestLaunchSpecUserDataFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "user-data")
	if err := os.WriteFile(path, []byte("#!/bin/sh\necho hi\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := LaunchSpec{UserDataFile: path}.userData()
	if err != nil || aws.ToString(got) != "IyEvYmluL3NoCmVjaG8gaGkK" {
		t.Errorf("user data %q, %v", aws.ToString(got), err)
	}
	if got, _ := (LaunchSpec{}).userData(); got != nil {
		t.Errorf("no user data configured, got %q", aws.ToString(got))
	}
}
