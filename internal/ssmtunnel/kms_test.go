package ssmtunnel

import (
	"context"
	"crypto/rand"
	"fmt"
	"maps"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/smithy-go"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/localssm"
)

// fakeKMS makes data keys and decrypts them only under the encryption
// context they were made with, as KMS does.
type fakeKMS struct {
	mu   sync.Mutex
	keys map[string]fakeKey
	deny bool
}

type fakeKey struct {
	plain []byte
	ctx   map[string]string
}

func (f *fakeKMS) GenerateDataKey(_ context.Context, in *kms.GenerateDataKeyInput, _ ...func(*kms.Options)) (*kms.GenerateDataKeyOutput, error) {
	if f.deny {
		return nil, &smithy.GenericAPIError{Code: "AccessDeniedException", Message: "not authorized to perform: kms:GenerateDataKey"}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	plain := make([]byte, *in.NumberOfBytes)
	_, _ = rand.Read(plain)
	blob := fmt.Sprintf("blob-%d-%s", len(f.keys), *in.KeyId)
	f.keys[blob] = fakeKey{plain, maps.Clone(in.EncryptionContext)}
	return &kms.GenerateDataKeyOutput{Plaintext: plain, CiphertextBlob: []byte(blob)}, nil
}

func (f *fakeKMS) Decrypt(_ context.Context, in *kms.DecryptInput, _ ...func(*kms.Options)) (*kms.DecryptOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	k, ok := f.keys[string(in.CiphertextBlob)]
	if !ok || !maps.Equal(k.ctx, in.EncryptionContext) {
		return nil, &smithy.GenericAPIError{Code: "InvalidCiphertextException", Message: "wrong key or context"}
	}
	return &kms.DecryptOutput{Plaintext: k.plain}, nil
}

// TestTunnelEncryptsWhenTheAccountAsks: when the agent asks for KMS
// encryption, the client makes a 64-byte data key under the session's
// encryption context, passes the agent's challenge, and data travels
// sealed both ways; without permission for kms:GenerateDataKey the session
// fails saying so.
func TestTunnelEncryptsWhenTheAccountAsks(t *testing.T) {
	keys := &fakeKMS{keys: map[string]fakeKey{}}
	si, _, cfg := standIn(t, localssm.Config{Targets: &offlineTargets{}, Host: &echoHost{addr: echoServer(t)},
		KMSKeyID: "alias/sessions", KMS: keys, DropEvery: 9})
	cfg.KMS = keys
	tun, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer tun.Close()
	conn, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(tun.Port()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	roundTrip(t, conn, 100<<10)
	id := si.Calls()[0].SessionID
	if s := si.Sessions()[id]; !s.Encrypted || s.Streams != 1 {
		t.Errorf("session %+v: want encrypted", s)
	}
	for _, k := range keys.keys {
		if len(k.plain) != 64 || k.ctx["aws:ssm:SessionId"] != id || k.ctx["aws:ssm:TargetId"] != cfg.InstanceID {
			t.Errorf("data key of %d bytes under context %v", len(k.plain), k.ctx)
		}
	}

	keys.deny = true
	_, _, cfg = standIn(t, localssm.Config{Targets: &offlineTargets{}, Host: &echoHost{addr: echoServer(t)},
		KMSKeyID: "alias/sessions", KMS: keys})
	cfg.KMS = keys
	if tun, err := Open(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), "kms:GenerateDataKey") {
		if tun != nil {
			tun.Close()
		}
		t.Errorf("Open without kms:GenerateDataKey: %v", err)
	}
}
