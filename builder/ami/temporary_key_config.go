package ami

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/hashicorp/packer-plugin-sdk/communicator"
)

// The temporary key pair's types. ed25519 is the default (amazon-ebs'
// is rsa); rsa is for images that refuse ed25519, such as FIPS-mode and
// some hardened ones. Both sign with SHA-2 (rsa-sha2-256/512), which
// Ubuntu 22.04's sshd requires (packer#11733).
const (
	keyTypeED25519 = "ed25519"
	keyTypeRSA     = "rsa"
	// defaultRSABits is the RSA size the option's amazon-ebs documentation
	// promises (amazon-ebs itself lets EC2 make 2048-bit keys).
	defaultRSABits = 4096
)

// rsaKeyBits are the RSA sizes EC2's ImportKeyPair documents (besides
// 1024, which is too weak to offer).
var rsaKeyBits = []int{2048, 4096}

// prepareTemporaryKey validates temporary_key_pair_type, _bits and _name
// and fills their defaults. They apply only when the build makes its own
// key pair (temporary).
func prepareTemporaryKey(c *communicator.Config, temporary bool) []error {
	k := &c.SSHTemporaryKeyPair
	if !temporary {
		if k.SSHTemporaryKeyPairType != "" || k.SSHTemporaryKeyPairBits != 0 || c.SSHTemporaryKeyPairName != "" {
			return []error{fmt.Errorf("temporary_key_pair_type, temporary_key_pair_bits and temporary_key_pair_name apply only " +
				"when the build makes its own key pair, not with ssh_private_key_file, ssh_agent_auth or ssh_password: remove them")}
		}
		return nil
	}
	var errs []error
	switch k.SSHTemporaryKeyPairType {
	case "":
		k.SSHTemporaryKeyPairType = keyTypeED25519
	case keyTypeED25519, keyTypeRSA:
	default:
		errs = append(errs, fmt.Errorf("temporary_key_pair_type %q must be %q (default) or %q: EC2 imports no other key types",
			k.SSHTemporaryKeyPairType, keyTypeED25519, keyTypeRSA))
	}
	switch {
	case k.SSHTemporaryKeyPairType == keyTypeED25519 && k.SSHTemporaryKeyPairBits != 0:
		errs = append(errs, fmt.Errorf("temporary_key_pair_bits applies only to rsa keys (ed25519 keys have one size): remove it"))
	case k.SSHTemporaryKeyPairType == keyTypeRSA && k.SSHTemporaryKeyPairBits == 0:
		k.SSHTemporaryKeyPairBits = defaultRSABits
	case k.SSHTemporaryKeyPairType == keyTypeRSA && !slices.Contains(rsaKeyBits, k.SSHTemporaryKeyPairBits):
		errs = append(errs, fmt.Errorf("temporary_key_pair_bits %d: EC2 imports RSA keys of 2048 or 4096 bits", k.SSHTemporaryKeyPairBits))
	}
	if n := c.SSHTemporaryKeyPairName; n != "" && !validKeyName(n) {
		errs = append(errs, fmt.Errorf("temporary_key_pair_name %q: EC2 key pair names are 1 to 255 ASCII characters, "+
			"without leading or trailing spaces", n))
	}
	return errs
}

func validKeyName(n string) bool {
	if len(n) > 255 || strings.TrimSpace(n) != n {
		return false
	}
	for _, r := range n {
		if r > unicode.MaxASCII || unicode.IsControl(r) {
			return false
		}
	}
	return true
}
