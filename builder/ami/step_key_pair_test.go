package ami

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/hashicorp/packer-plugin-sdk/communicator"
	"github.com/hashicorp/packer-plugin-sdk/multistep"
	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
)

type fakeKeys struct {
	imported  *ec2.ImportKeyPairInput
	deleted   []string
	deleteErr error
}

func (f *fakeKeys) ImportKeyPair(_ context.Context, in *ec2.ImportKeyPairInput, _ ...func(*ec2.Options)) (*ec2.ImportKeyPairOutput, error) {
	f.imported = in
	return &ec2.ImportKeyPairOutput{KeyName: in.KeyName}, nil
}

func (f *fakeKeys) DeleteKeyPair(_ context.Context, in *ec2.DeleteKeyPairInput, _ ...func(*ec2.Options)) (*ec2.DeleteKeyPairOutput, error) {
	f.deleted = append(f.deleted, aws.ToString(in.KeyName))
	return &ec2.DeleteKeyPairOutput{}, f.deleteErr
}

// TestStepKeyPair: an ed25519 key is imported and tagged, its private key is
// masked in logs, written to disk only in debug mode and removed at the end;
// a failed delete prints the exact key name to delete by hand.
func TestStepKeyPair(t *testing.T) {
	var out bytes.Buffer
	state := testState(&out)
	fake := &fakeKeys{deleteErr: errors.New("boom")}
	comm := &communicator.Config{}
	debugKey := filepath.Join(t.TempDir(), "ec2_test.pem")
	s := &StepKeyPair{EC2: fake, Comm: comm, Temporary: true, Name: "immutable-build-x", Region: "eu-west-1",
		Tags: baseTags("u-1", "b-1"), DebugKeyPath: debugKey}
	if s.Run(context.Background(), state) != multistep.ActionContinue {
		t.Fatalf("Run halted: %v", state.Get("error"))
	}
	if !strings.HasPrefix(string(fake.imported.PublicKeyMaterial), "ssh-ed25519 ") || !bytes.Equal(fake.imported.PublicKeyMaterial, comm.SSHPublicKey) {
		t.Errorf("imported %q", fake.imported.PublicKeyMaterial)
	}
	if tags := tagMap(fake.imported.TagSpecifications[0].Tags); tags[BuildUUIDTagKey] != "u-1" {
		t.Errorf("key pair tags %v", tags)
	}
	if pub, _ := stateGet[[]byte](state, stateTempPublicKey); !bytes.Equal(pub, fake.imported.PublicKeyMaterial) {
		t.Errorf("state holds temporary public key %q, want the imported one", pub)
	}
	if !strings.Contains(packersdk.LogSecretFilter.FilterString(string(comm.SSHPrivateKey)), "<sensitive>") {
		t.Error("private key not registered with LogSecretFilter")
	}
	if b, err := os.ReadFile(debugKey); err != nil || !bytes.Equal(b, comm.SSHPrivateKey) {
		t.Errorf("debug key file: %v", err)
	}
	s.Cleanup(state)
	if _, err := os.Stat(debugKey); !os.IsNotExist(err) {
		t.Errorf("debug key file left: %v", err)
	}
	if !strings.Contains(out.String(), "aws ec2 delete-key-pair --region eu-west-1 --key-name immutable-build-x") {
		t.Errorf("failed cleanup does not say what to delete:\n%s", out.String())
	}
}
