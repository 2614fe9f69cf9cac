package ami

import (
	"testing"
	"time"
)

func ssmPolicy() map[string]any {
	return map[string]any{"Statement": []map[string]any{{
		"Effect": "Allow", "Action": []string{"ssm:UpdateInstanceInformation", "ssmmessages:*"}, "Resource": []string{"*"}}}}
}

// connectCases are templates with key pair, instance profile and session
// manager options, and the errors each must give (none: valid).
var connectCases = []struct {
	name string
	edit map[string]any
	want []string
}{
	{"rsa with a valid size", map[string]any{"temporary_key_pair_type": "rsa", "temporary_key_pair_bits": 2048}, nil},
	{"key type unknown", map[string]any{"temporary_key_pair_type": "ecdsa"}, []string{`temporary_key_pair_type "ecdsa" must be "ed25519" (default) or "rsa"`}},
	{"bits for ed25519", map[string]any{"temporary_key_pair_bits": 4096}, []string{"temporary_key_pair_bits applies only to rsa keys"}},
	{"rsa too small", map[string]any{"temporary_key_pair_type": "rsa", "temporary_key_pair_bits": 1024}, []string{"temporary_key_pair_bits 1024: EC2 imports RSA keys of 2048 or 4096 bits"}},
	{"key name with spaces", map[string]any{"temporary_key_pair_name": " padded "}, []string{`temporary_key_pair_name " padded "`}},
	{"key name not ASCII", map[string]any{"temporary_key_pair_name": "clé"}, []string{"1 to 255 ASCII characters"}},
	{"key options with a password", map[string]any{"ssh_password": "x", "temporary_key_pair_type": "rsa"}, []string{"apply only when the build makes its own key pair"}},
	{"temporary profile", map[string]any{"temporary_iam_instance_profile_policy_document": ssmPolicy()}, nil},
	{"profile and document", map[string]any{"iam_instance_profile": "p", "temporary_iam_instance_profile_policy_document": ssmPolicy()},
		[]string{"iam_instance_profile and temporary_iam_instance_profile_policy_document are both set"}},
	{"skip validation of nothing", map[string]any{"skip_profile_validation": true}, []string{"skip_profile_validation is set but there is no iam_instance_profile"}},
	{"bad policy", map[string]any{"temporary_iam_instance_profile_policy_document": map[string]any{"Version": "2020-01-01",
		"Statement": []map[string]any{{"Effect": "allow", "Action": []string{"ssm UpdateInstanceInformation"}}}}},
		[]string{`Version "2020-01-01"`, `Statement[0]: Effect "allow" must be "Allow" or "Deny"`,
			`Action "ssm UpdateInstanceInformation" is not of the form`, "Statement[0] needs Resource"}},
	{"policy without statements", map[string]any{"temporary_iam_instance_profile_policy_document": map[string]any{"Version": "2012-10-17"}},
		[]string{"has no Statement"}},
	{"session manager", map[string]any{"ssh_interface": "session_manager", "iam_instance_profile": "ssm", "session_manager_port": 8022, "pause_before_ssm": "5s"}, nil},
	{"session manager without profile", map[string]any{"ssh_interface": "session_manager"},
		[]string{`ssh_interface = "session_manager" needs an instance profile`, "AmazonSSMManagedInstanceCore", "temporary_iam_instance_profile_policy_document"}},
	{"session manager with addresses", map[string]any{"ssh_interface": "session_manager", "iam_instance_profile": "ssm",
		"ssh_host": "10.0.0.1", "ssh_bastion_host": "bastion", "ssh_bastion_password": "x", "temporary_security_group_source_cidrs": []string{"10.0.0.0/8"}},
		[]string{"ssh_host has no use", "ssh_bastion_host has no use", "temporary_security_group_source_cidrs has no use"}},
	{"session manager port out of range", map[string]any{"ssh_interface": "session_manager", "iam_instance_profile": "ssm", "session_manager_port": 70000, "pause_before_ssm": "-1s"},
		[]string{"session_manager_port 70000 is not a TCP port", "pause_before_ssm -1s is negative"}},
	{"session options without session manager", map[string]any{"session_manager_port": 8022, "pause_before_ssm": "10s"},
		[]string{"session_manager_port applies only with ssh_interface", "pause_before_ssm applies only with ssh_interface"}},
}

// TestConnectOptionsReportEveryProblem: the key pair, instance profile and
// session manager options are refused when out of range, when they conflict
// or when they would be accepted and ignored; each error names the
// attribute.
func TestConnectOptionsReportEveryProblem(t *testing.T) {
	for _, tc := range connectCases {
		t.Run(tc.name, func(t *testing.T) {
			m := minimalTemplate()
			for k, v := range tc.edit {
				m[k] = v
			}
			checkPrepare(t, m, tc.want)
		})
	}
}

// TestConnectOptionsDefaults: rsa defaults to 4096 bits; a policy without
// Version gets IAM's current one; the session options are decoded.
func TestConnectOptionsDefaults(t *testing.T) {
	m := minimalTemplate()
	m["temporary_key_pair_type"] = "rsa"
	m["temporary_iam_instance_profile_policy_document"] = ssmPolicy()
	m["ssh_interface"] = "session_manager"
	m["pause_before_ssm"] = "1m30s"
	var c Config
	if err := c.Prepare(m); err != nil {
		t.Fatal(err)
	}
	if c.Comm.SSHTemporaryKeyPairBits != 4096 {
		t.Errorf("rsa bits default %d, want 4096", c.Comm.SSHTemporaryKeyPairBits)
	}
	doc := c.TemporaryIAMInstanceProfilePolicyDocument
	if doc.Version != "2012-10-17" || len(doc.Statement) != 1 || doc.Statement[0].Action[1] != "ssmmessages:*" {
		t.Errorf("policy document %+v", doc)
	}
	if !c.usesSessionManager() || c.PauseBeforeSSM != 90*time.Second || c.SessionManagerPort != 0 {
		t.Errorf("session manager settings %+v", c.SessionManagerConfig)
	}
}
