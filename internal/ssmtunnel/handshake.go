package ssmtunnel

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

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

// handshake answers the agent's handshake request and waits for its
// completion; it returns the agent's version.
func handshake(ctx context.Context, ch *ssmproto.Channel, instance string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, handshakeTimeout)
	defer cancel()
	var agent string
	for {
		m, err := ch.Receive(ctx)
		if err != nil {
			return "", fmt.Errorf("waiting for the handshake of the SSM agent on %s: %w", instance, err)
		}
		switch m.PayloadType {
		case ssmproto.HandshakeRequest:
			if agent, err = answer(ch, m.Payload); err != nil {
				return "", err
			}
		case ssmproto.HandshakeComplete:
			if agent == "" {
				return "", fmt.Errorf("the SSM agent on %s completed a handshake it never requested", instance)
			}
			return agent, nil
		}
	}
}

// answer accepts a port session and refuses what this client cannot do;
// it returns the agent's version, or why the session cannot go on.
func answer(ch *ssmproto.Channel, payload []byte) (string, error) {
	var req ssmproto.HandshakeRequestPayload
	if err := json.Unmarshal(payload, &req); err != nil {
		return "", fmt.Errorf("the SSM agent's handshake request: %w", err)
	}
	resp := ssmproto.HandshakeResponsePayload{ClientVersion: clientVersion, Errors: []string{}}
	var problem error
	for _, a := range req.RequestedClientActions {
		done := ssmproto.ProcessedClientAction{ActionType: a.ActionType, ActionStatus: ssmproto.ActionSuccess}
		if err := processAction(a, req.AgentVersion); err != nil {
			done.ActionStatus, done.Error = ssmproto.ActionFailed, err.Error()
			resp.Errors = append(resp.Errors, err.Error())
			problem = err
		}
		resp.ProcessedClientActions = append(resp.ProcessedClientActions, done)
	}
	body, _ := json.Marshal(resp)
	if err := ch.Send(ssmproto.HandshakeResponse, body); err != nil {
		return "", err
	}
	return req.AgentVersion, problem
}

func processAction(a ssmproto.RequestedClientAction, agentVersion string) error {
	switch a.ActionType {
	case ssmproto.ActionSessionType:
		var st ssmproto.SessionTypeRequest
		_ = json.Unmarshal(a.ActionParameters, &st)
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
	case ssmproto.ActionKMSEncryption:
		var k ssmproto.KMSEncryptionRequest
		_ = json.Unmarshal(a.ActionParameters, &k)
		return fmt.Errorf("this account's Session Manager preferences encrypt sessions with KMS key %s, which immutable-ami's "+
			"built-in session client does not do yet: turn KMS encryption off in the Session Manager preferences of the "+
			"build account, or connect with another ssh_interface", k.KMSKeyID)
	}
	return fmt.Errorf("the SSM agent asks for %q, which this client does not know", a.ActionType)
}

// newer reports whether dotted version v is newer than base (a version
// that does not parse is not).
func newer(v, base string) bool {
	a, b := strings.Split(v, "."), strings.Split(base, ".")
	for i := 0; i < max(len(a), len(b)); i++ {
		x, y := part(a, i), part(b, i)
		if x < 0 {
			return false
		}
		if x != y {
			return x > y
		}
	}
	return false
}

func part(p []string, i int) int {
	if i >= len(p) {
		return 0
	}
	n, err := strconv.Atoi(p[i])
	if err != nil {
		return -1
	}
	return n
}
