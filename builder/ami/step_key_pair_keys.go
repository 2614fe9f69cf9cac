package ami

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"encoding/pem"
	"fmt"

	"golang.org/x/crypto/ssh"
)

// newSSHKey returns a new private key of keyType (keyTypeED25519, or
// keyTypeRSA of bits) in OpenSSH's PEM form, and its public key in
// authorized_keys form, with comment as the key's comment.
func newSSHKey(keyType string, bits int, comment string) (private, public []byte, err error) {
	var priv crypto.Signer
	switch keyType {
	case keyTypeED25519, "":
		_, priv, err = ed25519.GenerateKey(rand.Reader)
	case keyTypeRSA:
		priv, err = rsa.GenerateKey(rand.Reader, bits)
	default:
		return nil, nil, fmt.Errorf("unknown key type %q", keyType)
	}
	if err != nil {
		return nil, nil, err
	}
	block, err := ssh.MarshalPrivateKey(priv, comment)
	if err != nil {
		return nil, nil, err
	}
	sshPub, err := ssh.NewPublicKey(priv.Public())
	if err != nil {
		return nil, nil, err
	}
	return pem.EncodeToMemory(block), ssh.MarshalAuthorizedKey(sshPub), nil
}
