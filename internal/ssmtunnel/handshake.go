package ssmtunnel

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ssmproto"
)

// clientVersion is the protocol level this client speaks, as it tells the
// agent: agents multiplex port sessions for clients from 1.1.70 on (the
// only kind of port session implemented here).
const clientVersion = "1.2.0.0"

// handshakeTimeout bounds the agent's handshake once the data channel is
// open.
const handshakeTimeout = time.Minute

// Agent versions from AWS's client: multiplexed port sessions came after
// 3.0.196.0; after 3.1.1511.0 the agent expects smux keep-alives off.
const (
	muxAfter            = "3.0.196.0"
	noKeepAliveMuxAfter = "3.1.1511.0"
	portPlugin          = "Port"
	localPortForwarding = "LocalPortForwarding"
)

// handshaker is the client's side of a session's handshake.
type handshaker struct {
	ch        *ssmproto.Channel
	cfg       *Config
	sessionID string

	agent  string                  // the agent's version
	cipher *ssmproto.SessionCipher // for KMS-encrypted sessions
}

// run answers the agent's handshake request (and its encryption challenge)
// and waits for its completion.
func (h *handshaker) run(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, handshakeTimeout)
	defer cancel()
	for {
		m, err := h.ch.Receive(ctx)
		if err != nil {
			return fmt.Errorf("waiting for the handshake of the SSM agent on %s: %w", h.cfg.InstanceID, err)
		}
		switch m.PayloadType {
		case ssmproto.HandshakeRequest:
			err = h.answer(ctx, m.Payload)
		case ssmproto.EncChallengeRequest:
			err = h.challenge(m.Payload)
		case ssmproto.HandshakeComplete:
			if h.agent == "" {
				return fmt.Errorf("the SSM agent on %s completed a handshake it never requested", h.cfg.InstanceID)
			}
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// answer accepts a port session (encrypted if asked) and refuses what this
// client cannot do; it returns why the session cannot go on, if so.
func (h *handshaker) answer(ctx context.Context, payload []byte) error {
	var req ssmproto.HandshakeRequestPayload
	if err := json.Unmarshal(payload, &req); err != nil {
		return fmt.Errorf("the SSM agent's handshake request: %w", err)
	}
	h.agent = req.AgentVersion
	resp := ssmproto.HandshakeResponsePayload{ClientVersion: clientVersion, Errors: []string{}}
	var problem error
	for _, a := range req.RequestedClientActions {
		done := ssmproto.ProcessedClientAction{ActionType: a.ActionType, ActionStatus: ssmproto.ActionSuccess}
		result, err := h.process(ctx, a)
		if err != nil {
			done.ActionStatus, done.Error = ssmproto.ActionFailed, err.Error()
			resp.Errors = append(resp.Errors, err.Error())
			problem = err
		}
		done.ActionResult = result
		resp.ProcessedClientActions = append(resp.ProcessedClientActions, done)
	}
	body, _ := json.Marshal(resp)
	if err := h.ch.Send(ssmproto.HandshakeResponse, body); err != nil {
		return err
	}
	return problem
}

func (h *handshaker) process(ctx context.Context, a ssmproto.RequestedClientAction) (any, error) {
	switch a.ActionType {
	case ssmproto.ActionSessionType:
		return nil, checkSessionType(a.ActionParameters, h.agent)
	case ssmproto.ActionKMSEncryption:
		return h.encrypt(ctx, a.ActionParameters)
	}
	return nil, fmt.Errorf("the SSM agent asks for %q, which this client does not know", a.ActionType)
}

func checkSessionType(params json.RawMessage, agentVersion string) error {
	var st ssmproto.SessionTypeRequest
	_ = json.Unmarshal(params, &st)
	var props ssmproto.PortProperties
	_ = json.Unmarshal(st.Properties, &props)
	if st.SessionType != portPlugin || props.Type != localPortForwarding {
		return fmt.Errorf("the agent offers a %q session (%q), not local port forwarding", st.SessionType, props.Type)
	}
	if !newer(agentVersion, muxAfter) {
		return fmt.Errorf("the SSM agent on the instance is version %s; the session tunnel needs one newer than %s (2020): "+
			"update amazon-ssm-agent in the source image", agentVersion, muxAfter)
	}
	return nil
}

// encrypt makes the session's data key with KMS, as the account's Session
// Manager preferences ask, and hands the agent its encrypted copy.
func (h *handshaker) encrypt(ctx context.Context, params json.RawMessage) (any, error) {
	var k ssmproto.KMSEncryptionRequest
	_ = json.Unmarshal(params, &k)
	if h.cfg.KMS == nil {
		return nil, fmt.Errorf("this account's Session Manager preferences encrypt sessions with KMS key %s, "+
			"and this client was given no KMS client", k.KMSKeyID)
	}
	out, err := h.cfg.KMS.GenerateDataKey(ctx, &kms.GenerateDataKeyInput{KeyId: aws.String(k.KMSKeyID),
		NumberOfBytes: aws.Int32(ssmproto.DataKeyBytes), EncryptionContext: ssmproto.EncryptionContext(h.sessionID, h.cfg.InstanceID)})
	if err != nil {
		return nil, fmt.Errorf("this account's Session Manager preferences encrypt sessions with KMS key %s: "+
			"making a data key with it (kms:GenerateDataKey) failed: %w", k.KMSKeyID, err)
	}
	if h.cipher, err = ssmproto.NewClientCipher(out.Plaintext); err != nil {
		return nil, err
	}
	return ssmproto.KMSEncryptionResult{KMSCipherTextKey: out.CiphertextBlob}, nil
}

// challenge proves to the agent that this side holds the data key: it
// opens the agent's challenge and seals it again.
func (h *handshaker) challenge(payload []byte) error {
	var c ssmproto.EncryptionChallenge
	if err := json.Unmarshal(payload, &c); err != nil || h.cipher == nil {
		return fmt.Errorf("an encryption challenge without an encrypted session (%v)", err)
	}
	plain, err := h.cipher.Open(c.Challenge)
	if err != nil {
		return fmt.Errorf("the SSM agent's encryption challenge: %w", err)
	}
	body, _ := json.Marshal(ssmproto.EncryptionChallenge{Challenge: h.cipher.Seal(plain)})
	return h.ch.Send(ssmproto.EncChallengeResponse, body)
}
