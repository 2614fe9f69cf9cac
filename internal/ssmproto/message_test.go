package ssmproto

import (
	"bytes"
	"encoding/hex"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

// goldenMessage is the message whose frame AWS's session-manager-plugin
// serialized into testdata/plugin_input_stream_data.hex (its
// message.ClientMessage.SerializeClientMessage, run once outside this
// repository).
func goldenMessage() *Message {
	return &Message{Type: InputStreamData, SchemaVersion: 1, CreatedDate: time.UnixMilli(1700000000123), SequenceNumber: 7,
		ID: uuid.MustParse("dd01e56b-ff48-483e-a508-b5f073f31b16"), PayloadType: Output, Payload: []byte("SSH-2.0-test\r\n")}
}

// TestMessageFrameIsThePluginsFrame: our encoding of a message is byte for
// byte the frame AWS's own client makes (header length 116, space-padded
// type, the message ID's halves swapped, SHA-256 of the payload), and we
// decode that frame back into the same message.
func TestMessageFrameIsThePluginsFrame(t *testing.T) {
	golden, err := os.ReadFile("testdata/plugin_input_stream_data.hex")
	if err != nil {
		t.Fatal(err)
	}
	want, err := hex.DecodeString(strings.TrimSpace(string(golden)))
	if err != nil {
		t.Fatal(err)
	}
	got, err := goldenMessage().MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("frame differs from the plugin's:\n got %x\nwant %x", got, want)
	}
	m, err := ParseMessage(want)
	if err != nil {
		t.Fatal(err)
	}
	g := goldenMessage()
	if m.Type != g.Type || m.SequenceNumber != 7 || !m.CreatedDate.Equal(g.CreatedDate) || m.ID != g.ID ||
		m.PayloadType != Output || string(m.Payload) != "SSH-2.0-test\r\n" || m.SchemaVersion != 1 {
		t.Errorf("decoded %+v", m)
	}
}

// TestParseMessageRefusesDamagedFrames: short frames, lengths that do not
// add up and payloads that do not match their digest are refused.
func TestParseMessageRefusesDamagedFrames(t *testing.T) {
	good, _ := goldenMessage().MarshalBinary()
	damage := map[string]func([]byte) []byte{
		"short":           func(b []byte) []byte { return b[:100] },
		"payload cut":     func(b []byte) []byte { return b[:len(b)-1] },
		"payload changed": func(b []byte) []byte { b[len(b)-1] ^= 1; return b },
		"header length":   func(b []byte) []byte { b[3] = 200; return b },
	}
	for name, f := range damage {
		if _, err := ParseMessage(f(bytes.Clone(good))); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestFlagPayload: flags are 4 bytes big-endian.
func TestFlagPayload(t *testing.T) {
	if b := TerminateSession.Bytes(); !bytes.Equal(b, []byte{0, 0, 0, 2}) || ParseFlag(b) != TerminateSession {
		t.Errorf("TerminateSession encodes as %x", b)
	}
	if ParseFlag([]byte{1}) != 0 {
		t.Error("a short flag payload decoded to a flag")
	}
}

// TestAgentCipherOpensWhatThePluginSeals: what AWS's session-manager-plugin
// (its encryption.Encrypter, run once outside this repository with the data
// key 00 01 02 … 3f) sealed as a client, our agent's cipher opens, and what
// our client seals, our agent opens: the client seals with the key's
// second half and opens with its first, as the plugin does.
func TestAgentCipherOpensWhatThePluginSeals(t *testing.T) {
	key := make([]byte, DataKeyBytes)
	for i := range key {
		key[i] = byte(i)
	}
	golden, err := os.ReadFile("testdata/plugin_sealed_by_client.hex")
	if err != nil {
		t.Fatal(err)
	}
	sealed, _ := hex.DecodeString(strings.TrimSpace(string(golden)))
	agent, _ := NewAgentCipher(key)
	if got, err := agent.Open(sealed); err != nil || string(got) != "from the plugin client" {
		t.Fatalf("the agent's cipher opened %q, %v", got, err)
	}
	client, _ := NewClientCipher(key)
	if got, err := agent.Open(client.Seal([]byte("ours"))); err != nil || string(got) != "ours" {
		t.Errorf("our client to our agent: %q %v", got, err)
	}
	if got, err := client.Open(agent.Seal([]byte("back"))); err != nil || string(got) != "back" {
		t.Errorf("our agent to our client: %q %v", got, err)
	}
	if _, err := client.Open(client.Seal([]byte("x"))); err == nil {
		t.Error("a side opened what it sealed itself: the two directions share a key")
	}
}
