package ssmproto

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
)

// DataKeyBytes is the size of the KMS data key a session is encrypted with:
// two AES-256 keys, one per direction.
const DataKeyBytes = 64

// nonceBytes is the random nonce before each sealed payload.
const nonceBytes = 12

// SessionCipher encrypts a session's port data as Session Manager does
// when the account's preferences ask for KMS encryption: AES-256-GCM with a
// random nonce in front of each sealed payload, the client sealing with the
// data key's second half and the agent with its first.
type SessionCipher struct {
	seal, open cipher.AEAD
}

// NewClientCipher is the client's cipher for a 64-byte data key.
func NewClientCipher(dataKey []byte) (*SessionCipher, error) {
	return newCipher(dataKey, false)
}

// NewAgentCipher is the agent's cipher for the same key.
func NewAgentCipher(dataKey []byte) (*SessionCipher, error) {
	return newCipher(dataKey, true)
}

func newCipher(key []byte, agent bool) (*SessionCipher, error) {
	if len(key) != DataKeyBytes {
		return nil, fmt.Errorf("a session data key has %d bytes, not %d", DataKeyBytes, len(key))
	}
	first, err := gcm(key[:DataKeyBytes/2])
	if err != nil {
		return nil, err
	}
	second, err := gcm(key[DataKeyBytes/2:])
	if err != nil {
		return nil, err
	}
	if agent {
		return &SessionCipher{seal: first, open: second}, nil
	}
	return &SessionCipher{seal: second, open: first}, nil
}

func gcm(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// Seal encrypts p for the other side.
func (c *SessionCipher) Seal(p []byte) []byte {
	nonce := make([]byte, nonceBytes, nonceBytes+len(p)+c.seal.Overhead())
	_, _ = rand.Read(nonce)
	return c.seal.Seal(nonce, nonce, p, nil)
}

// Open decrypts what the other side sealed.
func (c *SessionCipher) Open(p []byte) ([]byte, error) {
	if len(p) < nonceBytes {
		return nil, errors.New("encrypted payload shorter than its nonce")
	}
	out, err := c.open.Open(nil, p[:nonceBytes], p[nonceBytes:], nil)
	if err != nil {
		return nil, fmt.Errorf("decrypting session data: %w", err)
	}
	return out, nil
}

// EncryptionChallenge is the payload of EncChallengeRequest and
// EncChallengeResponse: the agent's sealed random bytes, which the client
// opens and seals again to prove it holds the data key.
type EncryptionChallenge struct {
	Challenge []byte `json:"Challenge"`
}

// KMSEncryptionResult is the client's result of the KMSEncryption action:
// the data key as KMS encrypted it, for the agent to decrypt.
type KMSEncryptionResult struct {
	KMSCipherTextKey []byte `json:"KMSCipherTextKey"`
}

// EncryptionContext is the KMS encryption context of a session's data key.
func EncryptionContext(sessionID, targetID string) map[string]string {
	return map[string]string{"aws:ssm:SessionId": sessionID, "aws:ssm:TargetId": targetID}
}
