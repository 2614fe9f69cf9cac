package logsecret

import (
	"bytes"
	"log"
	"strings"
	"testing"

	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
)

const pem = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACBSUPERSECRETLINEsecondlineOFTHEKEYBODYxxxxxxxxxxxxxxxxxxx\n-----END OPENSSH PRIVATE KEY-----\n"

func TestGeneratedSecretsAreMaskedEvenWhenQuoted(t *testing.T) {
	var out bytes.Buffer
	packersdk.LogSecretFilter.SetOutput(&out)
	logger := log.New(&packersdk.LogSecretFilter, "", 0)
	Generated(map[string]any{"SSHPrivateKey": pem, "Password": "hunter2-but-long", "BuildRegion": "us-east-1", "Port": 22})
	logger.Printf("as is: %s", pem)
	logger.Printf("quoted: %q", pem)
	logger.Printf("password %s, region %s", "hunter2-but-long", "us-east-1")
	for line := range strings.Lines(pem) {
		if line = strings.TrimSpace(line); !strings.HasPrefix(line, "-----") && strings.Contains(out.String(), line) {
			t.Errorf("key line %q in the log:\n%s", line, out.String())
		}
	}
	if strings.Contains(out.String(), "hunter2") || !strings.Contains(out.String(), "region us-east-1") {
		t.Errorf("log:\n%s", out.String())
	}
}

// TestRegisteringAgainWritesNothing: the credentials are registered on
// every AWS request, from parallel goroutines, while others log; once a
// secret is in the filter, registering it again must not write the
// filter's map, which the SDK reads without a lock (a write during a read
// is a fatal error of the Go runtime, not a failed test).
func TestRegisteringAgainWritesNothing(t *testing.T) {
	const secret = "sEcReT-registered-again-0123456789"
	Register(secret)
	done := make(chan struct{})
	for range 4 {
		go func() {
			for range 200000 {
				Register(secret)
			}
			done <- struct{}{}
		}()
	}
	for range 4 {
		for range 200000 {
			_ = packersdk.LogSecretFilter.FilterString("a log line")
		}
		<-done
	}
	if got := packersdk.LogSecretFilter.FilterString(secret); got != "<sensitive>" {
		t.Errorf("the secret reads %q", got)
	}
}
