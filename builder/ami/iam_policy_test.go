package ami

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/prune"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ssmchannel"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ssmtunnel"
)

// iamPolicyFile is the builder's IAM policy as published: one document,
// one statement (Sid) per feature. Other work appends its statements.
const iamPolicyFile = "../../docs/iam-policy.json"

type policyDoc struct {
	Version   string
	Statement []policyStatement
}

type policyStatement struct {
	Sid      string
	Effect   string
	Action   []string
	Resource any
}

// policySids says what each statement is for: the template options that
// need it, proven in builder_iam_policy_acc_test.go. A statement this
// table does not know fails TestIAMPolicyFile: whoever adds one says here
// what it serves (and adds its case to the acceptance test).
var policySids = map[string]map[string]any{
	"Build":              nil, // every build
	"BuildChecks":        nil, // pre-launch checks, skipped (with a notice) without them
	"AmiRegions":         {"ami_regions": []string{"us-west-2"}},
	"EncryptBoot":        {"encrypt_boot": true},
	"DeprecateAt":        {"deprecate_at": "2030-01-01T00:00:00Z"}, // moto does not implement EnableImageDeprecation
	"IamInstanceProfile": {"iam_instance_profile": "builder"},      // moto does not check iam:PassRole
	"SpotInstances":      {"spot_price": "auto", "spot_instance_types": []string{"t3.micro"}},
	// The Spot service-linked role EC2 makes on an account's first Spot
	// request, allowed for spot.amazonaws.com only.
	"SpotServiceLinkedRole":       {"spot_price": "auto"},
	"TemporaryIamInstanceProfile": {"temporary_iam_instance_profile_policy_document": map[string]any{}},
	"SessionManager":              {"ssh_interface": "session_manager"}, // kms:GenerateDataKey only with a session KMS key
	"EnhancedNetworking":          {"ena_support": true},
	"SnapshotSharing":             {"snapshot_users": []string{"210987654321"}},
	"DeregistrationProtection":    {"deregistration_protection": map[string]any{"enabled": true}},
	"AssumeRole":                  {"assume_role": map[string]any{"role_arn": "arn:aws:iam::123456789012:role/builder"}}, // sts:TagSession with its tags
	"DecodeAuthorizationMessages": {"decode_authorization_messages": true},
	// The lifecycle: the post-processor's ssm_parameter channels and prune,
	// the SSM subcommands, and source_ami = "resolve:ssm:…".
	"ImmutableChannelsInSSM": nil,
	"ImmutableSourceFromSSM": {"source_ami": "resolve:ssm:/images/web:stable"},
	"ImmutablePruneRead":     nil,
	"ImmutablePruneDelete":   nil,
}

func readPolicy(t testing.TB) policyDoc {
	t.Helper()
	b, err := os.ReadFile(filepath.FromSlash(iamPolicyFile))
	if err != nil {
		t.Fatal(err)
	}
	var doc policyDoc
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%s: %v", iamPolicyFile, err)
	}
	return doc
}

// builderCalls are the steps' narrow interfaces, by the service whose
// calls they make: all a build can call, and what the lifecycle (channels
// in SSM, prune) calls.
var builderCalls = map[string][]any{
	"ec2": {(*preValidateEC2)(nil), (*sourceAMIEC2)(nil), (*networkInfoEC2)(nil), (*keyPairEC2)(nil),
		(*securityGroupEC2)(nil), (*runInstanceEC2)(nil), (*stopInstanceEC2)(nil), (*createImageEC2)(nil), (*copyImagesEC2)(nil),
		(*modifyImageEC2)(nil), (*tagImagesEC2)(nil), (*sweepEC2)(nil), (*permissionsEC2)(nil),
		(*modifyInstanceEC2)(nil), (*shareSnapshotsEC2)(nil), (*protectImagesEC2)(nil), (*runSpotInstanceEC2)(nil),
		(*prune.EC2)(nil)},
	"iam": {(*getInstanceProfileIAM)(nil), (*temporaryProfileIAM)(nil)},
	"ssm": {(*ssmtunnel.SSM)(nil), (*ssmchannel.Writer)(nil)},
	"kms": {(*ssmtunnel.KMS)(nil)},
}

// stsCalls are the STS calls credentials make (awsaccess): assume_role
// and decode_authorization_messages. sts:GetCallerIdentity, the
// credential check, needs no permission.
var stsCalls = []string{"sts:AssumeRole", "sts:DecodeAuthorizationMessage"}

// TestIAMPolicyFile: the published policy is a valid document, every
// statement is known (policySids), and every call the builder can make is
// allowed by one of them.
func TestIAMPolicyFile(t *testing.T) {
	doc := readPolicy(t)
	allowed := map[string]bool{}
	for _, s := range doc.Statement {
		if _, ok := policySids[s.Sid]; !ok {
			t.Errorf("statement %q is not in policySids: say which options need it", s.Sid)
		}
		if s.Effect != "Allow" || s.Resource == nil || len(s.Action) == 0 || !slices.IsSorted(s.Action) {
			t.Errorf("statement %q: want Effect Allow, a Resource, sorted actions: %+v", s.Sid, s)
		}
		for _, a := range s.Action {
			allowed[a] = true
		}
	}
	for _, a := range stsCalls {
		if !allowed[a] {
			t.Errorf("credentials call %s, which no statement allows", a)
		}
	}
	if doc.Version != "2012-10-17" {
		t.Errorf("Version %q", doc.Version)
	}
	for service, ifaces := range builderCalls {
		for _, iface := range ifaces {
			typ := reflect.TypeOf(iface).Elem()
			for i := range typ.NumMethod() {
				if name := typ.Method(i).Name; name != "Options" && !allowed[service+":"+name] {
					t.Errorf("the builder calls %s:%s (%s), which no statement allows", service, name, typ.Name())
				}
			}
		}
	}
}
