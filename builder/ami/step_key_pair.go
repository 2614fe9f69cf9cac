package ami

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/packer-plugin-sdk/communicator"
	"github.com/hashicorp/packer-plugin-sdk/multistep"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2wait"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/logsecret"
)

type keyPairEC2 interface {
	ImportKeyPair(context.Context, *ec2.ImportKeyPairInput, ...func(*ec2.Options)) (*ec2.ImportKeyPairOutput, error)
	DeleteKeyPair(context.Context, *ec2.DeleteKeyPairInput, ...func(*ec2.Options)) (*ec2.DeleteKeyPairOutput, error)
}

// StepKeyPair creates the temporary key pair (ed25519, or RSA of Bits for
// temporary_key_pair_type = "rsa") named Name: the private key stays in
// memory (Comm.SSHPrivateKey, masked in logs, which is where
// communicator.StepConnect reads it) and is written to disk only in -debug
// mode, so the user can SSH in while the build is paused. With
// ssh_private_key_file, ssh_agent_auth or ssh_password it creates nothing
// and passes on ssh_keypair_name, if any.
// Uses: nothing. Puts: stateKeyPairName ("" for none), stateTempPublicKey
// (only when it made the key).
type StepKeyPair struct {
	EC2       keyPairEC2
	Comm      *communicator.Config
	Temporary bool
	// Type is keyTypeED25519 or keyTypeRSA; Bits the RSA key's size.
	Type string
	Bits int
	// Name is the key pair's name; NameFromTemplate says it is
	// temporary_key_pair_name, which a duplicate error then names.
	Name             string
	NameFromTemplate bool
	Region           string
	Tags             map[string]string
	// DebugKeyPath, when set (-debug), is where the private key is written.
	DebugKeyPath string

	created   string
	wroteFile bool
}

func (s *StepKeyPair) Run(ctx context.Context, state multistep.StateBag) multistep.StepAction {
	if !s.Temporary {
		statePut(state, stateKeyPairName, s.Comm.SSHKeyPairName)
		return multistep.ActionContinue
	}
	uiOf(state).Say(fmt.Sprintf("Creating temporary %s key pair %s ...", s.describeKey(), s.Name))
	private, public, err := newSSHKey(s.Type, s.Bits, s.Name)
	if err != nil {
		return halt(state, fmt.Errorf("generating the temporary SSH key: %w", err))
	}
	logsecret.Register(string(private)) // whole, and line by line
	cctx, cancel := uninterruptible(ctx)
	defer cancel()
	_, err = s.EC2.ImportKeyPair(cctx, &ec2.ImportKeyPairInput{
		KeyName:           aws.String(s.Name),
		PublicKeyMaterial: public,
		TagSpecifications: tagSpecs(temporaryTags(state, s.Tags), ec2types.ResourceTypeKeyPair),
	})
	if ec2wait.Code(err) == "InvalidKeyPair.Duplicate" && !s.NameFromTemplate {
		// The SDK retried an import whose answer was lost: the name is
		// this build's own (a fresh UUID), so the key is ours. (A name
		// from the template may be anyone's; if a lost answer made it,
		// the sweep finds it by its build tag.)
		log.Printf("[DEBUG] key pair %s exists already: a retried import; taking it", s.Name)
		err = nil
	}
	if err != nil {
		return halt(state, s.importError(err))
	}
	s.created = s.Name
	s.Comm.SSHPrivateKey, s.Comm.SSHPublicKey = private, public
	s.Comm.SSHTemporaryKeyPairName = s.Name
	statePut(state, stateKeyPairName, s.Name)
	statePut(state, stateTempPublicKey, public)
	if s.DebugKeyPath != "" {
		if err := os.WriteFile(s.DebugKeyPath, private, 0o600); err != nil {
			return halt(state, fmt.Errorf("writing the debug SSH key to %s: %w", s.DebugKeyPath, err))
		}
		s.wroteFile = true
		uiOf(state).Message(fmt.Sprintf("Debug mode: temporary SSH private key saved to %s (deleted at the end)", s.DebugKeyPath))
	}
	return multistep.ActionContinue
}

func (s *StepKeyPair) Cleanup(state multistep.StateBag) {
	if s.wroteFile {
		if err := os.Remove(s.DebugKeyPath); err != nil {
			log.Printf("[WARN] removing debug key %s: %v", s.DebugKeyPath, err)
		}
	}
	if s.created == "" {
		return
	}
	ctx, cancel := cleanupContext()
	defer cancel()
	uiOf(state).Say(fmt.Sprintf("Deleting temporary key pair %s ...", s.created))
	opts := ec2wait.Options{NotFoundGrace: -1}
	if err := ec2wait.Delete(ctx, "deleting key pair "+s.created, opts, func(ctx context.Context) error {
		_, err := s.EC2.DeleteKeyPair(ctx, &ec2.DeleteKeyPairInput{KeyName: aws.String(s.created)})
		return err
	}); err != nil {
		leftBehind(state, "key pair", s.created,
			fmt.Sprintf("aws ec2 delete-key-pair --region %s --key-name %s", s.Region, s.created), err)
		return
	}
	s.created = ""
}

// describeKey names the key's type (and size) for the user.
func (s *StepKeyPair) describeKey() string {
	if s.Type == keyTypeRSA {
		return fmt.Sprintf("%d-bit RSA", s.Bits)
	}
	return "ed25519"
}

// importError explains a failed import; a taken name is the template's
// to change when temporary_key_pair_name chose it.
func (s *StepKeyPair) importError(err error) error {
	if ec2wait.Code(err) == "InvalidKeyPair.Duplicate" && s.NameFromTemplate {
		return fmt.Errorf("importing temporary key pair %s: a key pair of that name exists; "+
			"change temporary_key_pair_name (or remove it to get a unique name): %w", s.Name, err)
	}
	return fmt.Errorf("importing temporary key pair %s: %w", s.Name, err)
}
