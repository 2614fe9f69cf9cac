package ssmproto

import (
	"encoding/binary"
	"encoding/json"
	"time"
)

// FlagValue is the payload of a Flag message.
type FlagValue uint32

// Flags.
const (
	DisconnectToPort   FlagValue = 1 // client: its local connection closed (basic port sessions)
	TerminateSession   FlagValue = 2 // client: end the session now
	ConnectToPortError FlagValue = 3 // agent: it could not connect to the port
)

// Bytes encodes f as a Flag payload.
func (f FlagValue) Bytes() []byte { return binary.BigEndian.AppendUint32(nil, uint32(f)) }

// ParseFlag decodes a Flag payload (0 when it is too short).
func ParseFlag(p []byte) FlagValue {
	if len(p) < 4 {
		return 0
	}
	return FlagValue(binary.BigEndian.Uint32(p))
}

// OpenDataChannelInput is the client's first frame (JSON text): the
// session's token from StartSession.
type OpenDataChannelInput struct {
	MessageSchemaVersion string `json:"MessageSchemaVersion"`
	RequestID            string `json:"RequestId"`
	TokenValue           string `json:"TokenValue"`
	ClientID             string `json:"ClientId"`
	ClientVersion        string `json:"ClientVersion"`
}

// AcknowledgeContent is an Acknowledge message's payload.
type AcknowledgeContent struct {
	MessageType         string `json:"AcknowledgedMessageType"`
	MessageID           string `json:"AcknowledgedMessageId"`
	SequenceNumber      int64  `json:"AcknowledgedMessageSequenceNumber"`
	IsSequentialMessage bool   `json:"IsSequentialMessage"`
}

// ChannelClosedContent is a ChannelClosed message's payload.
type ChannelClosedContent struct {
	MessageID     string `json:"MessageId"`
	CreatedDate   string `json:"CreatedDate"`
	DestinationID string `json:"DestinationId"`
	SessionID     string `json:"SessionId"`
	MessageType   string `json:"MessageType"`
	SchemaVersion int    `json:"SchemaVersion"`
	Output        string `json:"Output"`
}

// Client actions the agent may request in its handshake.
const (
	ActionSessionType   = "SessionType"
	ActionKMSEncryption = "KMSEncryption"
)

// Action statuses in a handshake response.
const (
	ActionSuccess     = 1
	ActionFailed      = 2
	ActionUnsupported = 3
)

// HandshakeRequestPayload is the agent's handshake: its version and what
// it asks of the client.
type HandshakeRequestPayload struct {
	AgentVersion           string                  `json:"AgentVersion"`
	RequestedClientActions []RequestedClientAction `json:"RequestedClientActions"`
}

// RequestedClientAction is one request of the handshake.
type RequestedClientAction struct {
	ActionType       string          `json:"ActionType"`
	ActionParameters json.RawMessage `json:"ActionParameters"`
}

// SessionTypeRequest is a SessionType action's parameters: the session's
// plugin ("Port" for port forwarding) and its document's properties.
type SessionTypeRequest struct {
	SessionType string          `json:"SessionType"`
	Properties  json.RawMessage `json:"Properties"`
}

// PortProperties are a Port session's properties.
type PortProperties struct {
	PortNumber      string `json:"portNumber"`
	Type            string `json:"type"`
	LocalPortNumber string `json:"localPortNumber,omitempty"`
}

// KMSEncryptionRequest is a KMSEncryption action's parameters.
type KMSEncryptionRequest struct {
	KMSKeyID string `json:"KMSKeyId"`
}

// HandshakeResponsePayload is the client's answer to the handshake.
type HandshakeResponsePayload struct {
	ClientVersion          string                  `json:"ClientVersion"`
	ProcessedClientActions []ProcessedClientAction `json:"ProcessedClientActions"`
	Errors                 []string                `json:"Errors"`
}

// ProcessedClientAction answers one RequestedClientAction.
type ProcessedClientAction struct {
	ActionType   string `json:"ActionType"`
	ActionStatus int    `json:"ActionStatus"`
	ActionResult any    `json:"ActionResult"`
	Error        string `json:"Error"`
}

// HandshakeCompletePayload ends the handshake.
type HandshakeCompletePayload struct {
	HandshakeTimeToComplete time.Duration `json:"HandshakeTimeToComplete"`
	CustomerMessage         string        `json:"CustomerMessage"`
}
