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
