package localssm

import (
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
)

// agentActions are what an instance's role must allow for its SSM agent to
// register and carry sessions (AWS's minimal policy for Session Manager;
// AmazonSSMManagedInstanceCore includes them).
var agentActions = []string{
	"ssm:UpdateInstanceInformation",
	"ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel",
	"ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel",
}

// managedCore is AWS's managed policy for instances Systems Manager manages.
const managedCore = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"

// stringOrList is IAM's "one string or a list of them".
type stringOrList []string

func (s *stringOrList) UnmarshalJSON(b []byte) error {
	var one string
	if json.Unmarshal(b, &one) == nil {
		*s = []string{one}
		return nil
	}
	return json.Unmarshal(b, (*[]string)(s))
}

type statement struct {
	Effect string       `json:"Effect"`
	Action stringOrList `json:"Action"`
}

// statements is a policy's Statement: one statement or a list.
type statements []statement

func (s *statements) UnmarshalJSON(b []byte) error {
	var one statement
	if len(b) > 0 && b[0] == '{' {
		if err := json.Unmarshal(b, &one); err != nil {
			return err
		}
		*s = []statement{one}
		return nil
	}
	return json.Unmarshal(b, (*[]statement)(s))
}

// parsePolicy reads a policy document as IAM returns it (URL-encoded JSON).
func parsePolicy(doc string) ([]statement, error) {
	if d, err := url.QueryUnescape(doc); err == nil {
		doc = d
	}
	var p struct {
		Statement statements `json:"Statement"`
	}
	err := json.Unmarshal([]byte(doc), &p)
	return p.Statement, err
}

// missingActions returns the agent actions the statements do not allow
// (an explicit Deny wins over any Allow, as in IAM).
func missingActions(stmts []statement) []string {
	var missing []string
	for _, action := range agentActions {
		allowed := false
		for _, s := range stmts {
			if !matchesAny(s.Action, action) {
				continue
			}
			if s.Effect == "Deny" {
				allowed = false
				break
			}
			allowed = allowed || s.Effect == "Allow"
		}
		if !allowed {
			missing = append(missing, action)
		}
	}
	return missing
}

// matchesAny reports whether one of IAM's action patterns (case-insensitive,
// with * and ?) matches action.
func matchesAny(patterns []string, action string) bool {
	for _, p := range patterns {
		re := "(?i)^" + strings.NewReplacer(`\*`, ".*", `\?`, ".").Replace(regexp.QuoteMeta(p)) + "$"
		if ok, _ := regexp.MatchString(re, action); ok {
			return true
		}
	}
	return false
}
