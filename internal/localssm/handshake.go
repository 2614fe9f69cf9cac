package localssm

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ssmproto"
)

// KMS is what the stand-in's agent calls for encrypted sessions.
type KMS interface {
	Decrypt(context.Context, *kms.DecryptInput, ...func(*kms.Options)) (*kms.DecryptOutput, error)
}

// handshake asks for a port session (encrypted when the stand-in is told
// to) and returns the client's version and the session's cipher; the
// stand-in's agent only multiplexes (clients from 1.1.70 on).
func (se *session) handshake(ch *ssmproto.Channel) (string, *ssmproto.SessionCipher, error) {
	start := time.Now()
	if err := ch.Send(ssmproto.HandshakeRequest, se.handshakeRequest()); err != nil {
		return "", nil, err
	}
	resp, err := awaitPayload[ssmproto.HandshakeResponsePayload](ch, ssmproto.HandshakeResponse)
	if err != nil {
		return "", nil, err
	}
	if !atLeast(resp.ClientVersion, "1.1.70") {
		return "", nil, fmt.Errorf("client version %s does not multiplex, and the local stand-in's agent only does", resp.ClientVersion)
	}
	var cipher *ssmproto.SessionCipher
	for _, a := range resp.ProcessedClientActions {
		if a.ActionStatus != ssmproto.ActionSuccess {
			return "", nil, fmt.Errorf("the client refused %s: %s", a.ActionType, a.Error)
		}
		if a.ActionType == ssmproto.ActionKMSEncryption {
			if cipher, err = se.encryption(ch, a.ActionResult); err != nil {
				return "", nil, err
			}
		}
	}
	if se.s.cfg.KMSKeyID != "" && cipher == nil {
		return "", nil, errors.New("the client did not answer the request to encrypt the session")
	}
	done, _ := json.Marshal(ssmproto.HandshakeCompletePayload{HandshakeTimeToComplete: time.Since(start)})
	return resp.ClientVersion, cipher, ch.Send(ssmproto.HandshakeComplete, done)
}

func (se *session) handshakeRequest() []byte {
	props, _ := json.Marshal(ssmproto.PortProperties{PortNumber: fmt.Sprint(se.port), Type: "LocalPortForwarding",
		LocalPortNumber: first(se.params["localPortNumber"])})
	params, _ := json.Marshal(ssmproto.SessionTypeRequest{SessionType: "Port", Properties: props})
	actions := []ssmproto.RequestedClientAction{{ActionType: ssmproto.ActionSessionType, ActionParameters: params}}
	if k := se.s.cfg.KMSKeyID; k != "" {
		kmsParams, _ := json.Marshal(ssmproto.KMSEncryptionRequest{KMSKeyID: k})
		actions = append(actions, ssmproto.RequestedClientAction{ActionType: ssmproto.ActionKMSEncryption, ActionParameters: kmsParams})
	}
	req, _ := json.Marshal(ssmproto.HandshakeRequestPayload{AgentVersion: se.s.cfg.AgentVersion, RequestedClientActions: actions})
	return req
}

// encryption decrypts the client's data key with KMS (the session and the
// instance as encryption context, as the agent does) and checks the client
// holds it with a challenge.
func (se *session) encryption(ch *ssmproto.Channel, result any) (*ssmproto.SessionCipher, error) {
	raw, _ := json.Marshal(result)
	var r ssmproto.KMSEncryptionResult
	if err := json.Unmarshal(raw, &r); err != nil || len(r.KMSCipherTextKey) == 0 || se.s.cfg.KMS == nil {
		return nil, fmt.Errorf("no data key from the client for an encrypted session (%v)", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	key, err := se.s.cfg.KMS.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: r.KMSCipherTextKey,
		EncryptionContext: ssmproto.EncryptionContext(se.id, se.target)})
	if err != nil {
		return nil, fmt.Errorf("decrypting the session's data key: %w", err)
	}
	c, err := ssmproto.NewAgentCipher(key.Plaintext)
	if err != nil {
		return nil, err
	}
	secret := make([]byte, 32)
	_, _ = rand.Read(secret)
	body, _ := json.Marshal(ssmproto.EncryptionChallenge{Challenge: c.Seal(secret)})
	if err := ch.Send(ssmproto.EncChallengeRequest, body); err != nil {
		return nil, err
	}
	answer, err := awaitPayload[ssmproto.EncryptionChallenge](ch, ssmproto.EncChallengeResponse)
	if err != nil {
		return nil, err
	}
	if got, err := c.Open(answer.Challenge); err != nil || !bytes.Equal(got, secret) {
		return nil, fmt.Errorf("the client failed the encryption challenge (%v)", err)
	}
	return c, nil
}

// awaitPayload waits for the client's next message of type pt and decodes
// its JSON payload.
func awaitPayload[T any](ch *ssmproto.Channel, pt ssmproto.PayloadType) (*T, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		m, err := ch.Receive(ctx)
		if err != nil {
			return nil, fmt.Errorf("waiting for the client's payload type %d: %w", pt, err)
		}
		if m.PayloadType != pt {
			continue
		}
		var v T
		if err := json.Unmarshal(m.Payload, &v); err != nil {
			return nil, fmt.Errorf("the client's payload type %d: %w", pt, err)
		}
		return &v, nil
	}
}
