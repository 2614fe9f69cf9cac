package ssmproto

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Message types.
const (
	InputStreamData  = "input_stream_data"  // client to agent
	OutputStreamData = "output_stream_data" // agent to client
	Acknowledge      = "acknowledge"
	ChannelClosed    = "channel_closed" // the service ends the session
	StartPublication = "start_publication"
	PausePublication = "pause_publication"
)

// PayloadType says what a stream message carries.
type PayloadType uint32

// Payload types.
const (
	Output               PayloadType = 1 // port data
	Error                PayloadType = 2
	Size                 PayloadType = 3
	Parameter            PayloadType = 4
	HandshakeRequest     PayloadType = 5 // agent to client
	HandshakeResponse    PayloadType = 6 // client to agent
	HandshakeComplete    PayloadType = 7 // agent to client
	EncChallengeRequest  PayloadType = 8
	EncChallengeResponse PayloadType = 9
	Flag                 PayloadType = 10 // a FlagValue, 4 bytes big-endian
	StdErr               PayloadType = 11
	ExitCode             PayloadType = 12
)

// Message is one binary frame of the data channel.
type Message struct {
	Type           string
	SchemaVersion  uint32
	CreatedDate    time.Time // carried in milliseconds
	SequenceNumber int64
	Flags          uint64
	ID             uuid.UUID
	PayloadType    PayloadType
	Payload        []byte
}

// The header, all integers big-endian: header length (4), message type
// (32, space-padded), schema version (4), created date (8), sequence
// number (8), flags (8), message ID (16), payload SHA-256 (32), payload
// type (4); then payload length (4) and the payload. The header length
// counts everything before the payload length.
const (
	typeLen      = 32
	offType      = 4
	offSchema    = offType + typeLen
	offCreated   = offSchema + 4
	offSeq       = offCreated + 8
	offFlags     = offSeq + 8
	offID        = offFlags + 8
	offDigest    = offID + 16
	offPayType   = offDigest + 32
	headerLength = offPayType + 4 // 116
	payloadStart = headerLength + 4
)

// MarshalBinary encodes m as a frame.
func (m *Message) MarshalBinary() ([]byte, error) {
	if len(m.Type) > typeLen {
		return nil, fmt.Errorf("message type %q longer than %d bytes", m.Type, typeLen)
	}
	b := make([]byte, payloadStart+len(m.Payload))
	be := binary.BigEndian
	be.PutUint32(b, headerLength)
	copy(b[offType:offSchema], m.Type+strings.Repeat(" ", typeLen-len(m.Type)))
	be.PutUint32(b[offSchema:], m.SchemaVersion)
	be.PutUint64(b[offCreated:], uint64(m.CreatedDate.UnixMilli()))
	be.PutUint64(b[offSeq:], uint64(m.SequenceNumber))
	be.PutUint64(b[offFlags:], m.Flags)
	putID(b[offID:offDigest], m.ID)
	sum := sha256.Sum256(m.Payload)
	copy(b[offDigest:offPayType], sum[:])
	be.PutUint32(b[offPayType:], uint32(m.PayloadType))
	be.PutUint32(b[headerLength:], uint32(len(m.Payload)))
	copy(b[payloadStart:], m.Payload)
	return b, nil
}

// ParseMessage decodes a frame, checking its lengths and payload digest.
func ParseMessage(b []byte) (*Message, error) {
	if len(b) < payloadStart {
		return nil, fmt.Errorf("data channel frame of %d bytes is shorter than a header", len(b))
	}
	be := binary.BigEndian
	hl := be.Uint32(b)
	if hl < headerLength || int(hl)+4 > len(b) {
		return nil, fmt.Errorf("data channel frame: header length %d does not fit %d bytes", hl, len(b))
	}
	m := &Message{
		Type:           strings.TrimSpace(string(bytes.Trim(b[offType:offSchema], "\x00"))),
		SchemaVersion:  be.Uint32(b[offSchema:]),
		CreatedDate:    time.UnixMilli(int64(be.Uint64(b[offCreated:]))),
		SequenceNumber: int64(be.Uint64(b[offSeq:])),
		Flags:          be.Uint64(b[offFlags:]),
		ID:             getID(b[offID:offDigest]),
		PayloadType:    PayloadType(be.Uint32(b[offPayType:])),
	}
	n := be.Uint32(b[hl:])
	m.Payload = b[hl+4:]
	if int(n) != len(m.Payload) {
		return nil, fmt.Errorf("data channel frame: payload length %d, but %d bytes follow", n, len(m.Payload))
	}
	// Publication notices carry no digest worth checking.
	if m.Type == StartPublication || m.Type == PausePublication || n == 0 {
		return m, nil
	}
	if sum := sha256.Sum256(m.Payload); !bytes.Equal(sum[:], b[offDigest:offPayType]) {
		return nil, errors.New("data channel frame: payload digest does not match")
	}
	return m, nil
}

// putID writes a UUID the way the protocol's Java-born peers do: its low
// 8 bytes first, then its high 8 bytes.
func putID(dst []byte, id uuid.UUID) {
	copy(dst[:8], id[8:])
	copy(dst[8:], id[:8])
}

func getID(src []byte) uuid.UUID {
	var id uuid.UUID
	copy(id[8:], src[:8])
	copy(id[:8], src[8:])
	return id
}
