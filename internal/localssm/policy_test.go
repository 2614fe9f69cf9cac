package localssm

import (
	"net/url"
	"strings"
	"testing"
)

// TestMissingActions: the agent's actions are allowed by exact names,
// wildcards (any case), one statement or several, one action or a list;
// a missing action or an explicit Deny leaves them missing.
func TestMissingActions(t *testing.T) {
	for _, tc := range []struct {
		name, doc, missing string
	}{
		{"wildcards", `{"Statement":[{"Effect":"Allow","Action":["ssm:*","ssmmessages:*"],"Resource":"*"}]}`, ""},
		{"everything", `{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`, ""},
		{"case and ?", `{"Statement":[{"Effect":"Allow","Action":["SSM:updateinstanceinformation","ssmmessages:?????*Channel"],"Resource":["*"]}]}`, ""},
		{"no data channel", `{"Statement":[{"Effect":"Allow","Action":["ssm:UpdateInstanceInformation","ssmmessages:*ControlChannel"],"Resource":["*"]}]}`,
			"ssmmessages:CreateDataChannel, ssmmessages:OpenDataChannel"},
		{"denied", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"ssmmessages:Open*","Resource":"*"}]}`,
			"ssmmessages:OpenControlChannel, ssmmessages:OpenDataChannel"},
		{"logs only", `{"Statement":[{"Effect":"Allow","Action":["logs:*"],"Resource":["*"]}]}`, strings.Join(agentActions, ", ")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stmts, err := parsePolicy(url.QueryEscape(tc.doc)) // IAM returns documents URL-encoded
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(missingActions(stmts), ", "); got != tc.missing {
				t.Errorf("missing %q, want %q", got, tc.missing)
			}
		})
	}
}
