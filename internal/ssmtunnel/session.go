package ssmtunnel

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/google/uuid"
	"github.com/gorilla/websocket"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2wait"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/logsecret"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ssmproto"
)

// portForwardingDocument is the SSM document of a port-forwarding session.
const portForwardingDocument = "AWS-StartPortForwardingSession"

// startSession starts a session to the instance's port and completes its
// handshake. started learns the session's ID as soon as it exists.
func startSession(ctx context.Context, cfg *Config, started func(id string)) (*session, error) {
	out, err := startWhenOnline(ctx, cfg)
	if err != nil {
		return nil, err
	}
	id := aws.ToString(out.SessionId)
	started(id)
	// The token opens the session's data channel: never in a log.
	logsecret.Register(aws.ToString(out.TokenValue))
	ws, err := dial(ctx, cfg, aws.ToString(out.StreamUrl))
	if err != nil {
		return nil, fmt.Errorf("session %s: opening its data channel: %w", id, err)
	}
	hello, _ := json.Marshal(ssmproto.OpenDataChannelInput{MessageSchemaVersion: "1.0", RequestID: uuid.NewString(),
		TokenValue: aws.ToString(out.TokenValue), ClientID: uuid.NewString(), ClientVersion: clientVersion})
	if err := ws.WriteMessage(websocket.TextMessage, hello); err != nil {
		ws.Close()
		return nil, fmt.Errorf("session %s: opening its data channel: %w", id, err)
	}
	ch := ssmproto.NewChannel(ws, ssmproto.InputStreamData, ssmproto.Options{})
	h := &handshaker{ch: ch, cfg: cfg, sessionID: id}
	if err := h.run(ctx); err != nil {
		ch.Close()
		return nil, fmt.Errorf("session %s: %w", id, err)
	}
	s, err := newSession(id, ch, h.agent, h.cipher)
	if err != nil {
		ch.Close()
		return nil, err
	}
	cfg.Say(fmt.Sprintf("Session %s: 127.0.0.1:%d forwards to port %d of %s (SSM agent %s%s)", id, cfg.LocalPort, cfg.RemotePort, cfg.InstanceID, h.agent, encrypted(h.cipher)))
	return s, nil
}

// startWhenOnline calls StartSession until the instance's agent is online
// (TargetNotConnected until then), for up to ConnectTimeout.
func startWhenOnline(ctx context.Context, cfg *Config) (*ssm.StartSessionOutput, error) {
	in := &ssm.StartSessionInput{Target: aws.String(cfg.InstanceID), DocumentName: aws.String(portForwardingDocument),
		Reason:     aws.String("Packer immutable-ami build: SSH through a session tunnel"),
		Parameters: map[string][]string{"portNumber": {strconv.Itoa(cfg.RemotePort)}, "localPortNumber": {strconv.Itoa(cfg.LocalPort)}}}
	var out *ssm.StartSessionOutput
	var offline error
	_, err := ec2wait.For(ctx, cfg.Say, cfg.InstanceID+" to come online with Systems Manager",
		ec2wait.Options{Timeout: cfg.ConnectTimeout, NotFoundGrace: -1}, func(ctx context.Context) (bool, error) {
			var err error
			out, err = cfg.SSM.StartSession(ctx, in)
			if ec2wait.Code(err) == "TargetNotConnected" {
				offline = err
				return false, nil
			}
			return err == nil, err
		})
	if errors.Is(err, ec2wait.ErrTimeout) && offline != nil {
		return nil, fmt.Errorf("instance %s did not come online with Systems Manager within %s: it needs the SSM agent "+
			"(in Amazon Linux, Ubuntu and Windows AMIs), an instance profile whose role allows the agent to register "+
			"(AWS's AmazonSSMManagedInstanceCore policy), and a route to the ssm and ssmmessages endpoints "+
			"(a NAT or internet gateway, or VPC endpoints): %w", cfg.InstanceID, cfg.ConnectTimeout, offline)
	}
	if err != nil {
		return nil, fmt.Errorf("starting a session to %s: %w", cfg.InstanceID, err)
	}
	return out, nil
}

// emptySHA256 is the payload hash of a request without a body.
var emptySHA256 = hex.EncodeToString(sha256.New().Sum(nil))

// dial opens the data channel's websocket. Unless the URL is presigned,
// the request is signed for the ssmmessages service, as AWS's client does.
func dial(ctx context.Context, cfg *Config, streamURL string) (*websocket.Conn, error) {
	u, err := url.Parse(streamURL)
	if err != nil {
		return nil, fmt.Errorf("stream URL %q: %w", streamURL, err)
	}
	header := http.Header{}
	if u.Query().Get("X-Amz-Signature") == "" && cfg.Credentials != nil {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, streamURL, nil)
		creds, err := cfg.Credentials.Retrieve(ctx)
		if err != nil {
			return nil, fmt.Errorf("credentials to sign the data channel request: %w", err)
		}
		if err := v4.NewSigner().SignHTTP(ctx, creds, req, emptySHA256, "ssmmessages", cfg.Region, time.Now()); err != nil {
			return nil, fmt.Errorf("signing the data channel request: %w", err)
		}
		header = req.Header
	}
	dialer := websocket.Dialer{Proxy: http.ProxyFromEnvironment, HandshakeTimeout: 30 * time.Second}
	ws, resp, err := dialer.DialContext(ctx, streamURL, header)
	if resp != nil && resp.Body != nil {
		resp.Body.Close()
	}
	return ws, err
}

func encrypted(c *ssmproto.SessionCipher) string {
	if c == nil {
		return ""
	}
	return ", encrypted with KMS"
}
