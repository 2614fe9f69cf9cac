package ami

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/hashicorp/packer-plugin-sdk/multistep"
)

func profileStep(f *fakeIAM) *StepTemporaryInstanceProfile {
	return &StepTemporaryInstanceProfile{IAM: fixedClient[temporaryProfileIAM](f), Region: "us-east-1", Name: "immutable-build-x",
		Tags: baseTags("u-1", "b-1"), Polling: fastPolling, Policy: &PolicyDocument{Version: "2012-10-17",
			Statement: []PolicyStatement{{Effect: "Allow", Action: []string{"ssm:UpdateInstanceInformation"}, Resource: []string{"*"}}}}}
}

const profileCreates = "CreateRole PutRolePolicy CreateInstanceProfile AddRoleToInstanceProfile"

// TestStepTemporaryInstanceProfile: a role EC2 may assume, the template's
// policy inline, a profile holding the role, all tagged with the build;
// the step waits until IAM shows the profile, hands it to the launch, and
// Cleanup removes all four parts in reverse.
func TestStepTemporaryInstanceProfile(t *testing.T) {
	var out bytes.Buffer
	state := testState(&out)
	f := &fakeIAM{invisible: 2, roles: 1}
	s := profileStep(f)
	if s.Run(context.Background(), state) != multistep.ActionContinue {
		t.Fatalf("Run halted: %v", state.Get("error"))
	}
	if got := strings.Join(f.calls, " "); got != profileCreates+" GetInstanceProfile GetInstanceProfile GetInstanceProfile" {
		t.Errorf("calls %s", got)
	}
	role := f.inputs["CreateRole"].(*iam.CreateRoleInput)
	if !strings.Contains(*role.AssumeRolePolicyDocument, `"Service":"ec2.amazonaws.com"`) || tagsOf(role.Tags)[BuildUUIDTagKey] != "u-1" {
		t.Errorf("role %+v: want EC2 trusted and the build's tag", role)
	}
	var doc map[string]any
	put := f.inputs["PutRolePolicy"].(*iam.PutRolePolicyInput)
	if err := json.Unmarshal([]byte(*put.PolicyDocument), &doc); err != nil || doc["Version"] != "2012-10-17" ||
		doc["Statement"].([]any)[0].(map[string]any)["Action"].([]any)[0] != "ssm:UpdateInstanceInformation" {
		t.Errorf("inline policy %s (%v)", *put.PolicyDocument, err)
	}
	if p := f.inputs["CreateInstanceProfile"].(*iam.CreateInstanceProfileInput); tagsOf(p.Tags)[BuildUUIDTagKey] != "u-1" {
		t.Errorf("profile tags %v", p.Tags)
	}
	if p, _ := stateGet[string](state, stateInstanceProfile); p != "immutable-build-x" {
		t.Errorf("state instance profile %q", p)
	}
	f.calls = nil
	s.Cleanup(state)
	if got := strings.Join(f.calls, " "); got != "RemoveRoleFromInstanceProfile DeleteInstanceProfile DeleteRolePolicy DeleteRole" {
		t.Errorf("cleanup calls %s", got)
	}
}

// TestTemporaryInstanceProfileRefusedPolicy: when IAM refuses the policy,
// Cleanup deletes the role, the one part made.
func TestTemporaryInstanceProfileRefusedPolicy(t *testing.T) {
	var out bytes.Buffer
	state := testState(&out)
	f := &fakeIAM{fail: map[string]error{"PutRolePolicy": iamErr("MalformedPolicyDocument")}}
	s := profileStep(f)
	if s.Run(context.Background(), state) != multistep.ActionHalt {
		t.Fatal("Run continued")
	}
	f.calls = nil
	s.Cleanup(state)
	if got := strings.Join(f.calls, " "); got != "DeleteRole" {
		t.Errorf("cleanup calls %s, want only DeleteRole", got)
	}
}

// TestTemporaryInstanceProfileCancelledDuringACreate: a build cancelled
// while CreateInstanceProfile runs lets it complete (so its result is
// known), makes nothing more, and Cleanup removes the three parts made.
func TestTemporaryInstanceProfileCancelledDuringACreate(t *testing.T) {
	var out bytes.Buffer
	state := testState(&out)
	ctx, cancel := context.WithCancel(context.Background())
	f := &fakeIAM{onCall: func(n string) {
		if n == "CreateInstanceProfile" {
			cancel()
		}
	}}
	s := profileStep(f)
	if s.Run(ctx, state) != multistep.ActionHalt {
		t.Fatal("Run continued after cancel")
	}
	f.calls, f.onCall = nil, nil
	s.Cleanup(state)
	if got := strings.Join(f.calls, " "); got != "DeleteInstanceProfile DeleteRolePolicy DeleteRole" {
		t.Errorf("cleanup calls %s", got)
	}
}

// TestTemporaryInstanceProfileCleanupFails: parts already gone count as
// removed; for the others Cleanup prints the commands, in order, and a
// second Cleanup tries only what is left.
func TestTemporaryInstanceProfileCleanupFails(t *testing.T) {
	var out bytes.Buffer
	state := testState(&out)
	f := &fakeIAM{roles: 1}
	s := profileStep(f)
	if s.Run(context.Background(), state) != multistep.ActionContinue {
		t.Fatalf("Run halted: %v", state.Get("error"))
	}
	f.fail = map[string]error{"RemoveRoleFromInstanceProfile": errors.New("throttled"), "DeleteRolePolicy": iamErr("NoSuchEntity"),
		"DeleteRole": iamErr("DeleteConflict")}
	s.Cleanup(state)
	want := "aws iam remove-role-from-instance-profile --instance-profile-name immutable-build-x --role-name immutable-build-x\n" +
		"  aws iam delete-role --role-name immutable-build-x"
	if !strings.Contains(out.String(), want) {
		t.Errorf("output lacks the commands, in order:\n%s", out.String())
	}
	f.calls = nil
	s.Cleanup(state)
	if got := strings.Join(f.calls, " "); got != "RemoveRoleFromInstanceProfile DeleteRole" {
		t.Errorf("second cleanup calls %s", got)
	}
}

func tagsOf(tags []iamtypes.Tag) map[string]string {
	m := map[string]string{}
	for _, t := range tags {
		m[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return m
}

// TestStepCheckInstanceProfile: a missing profile, one the credentials may
// not read, and (with session_manager) one without a role all stop the
// build before launch, naming iam_instance_profile and the fix; an ARN is
// looked up by its name.
func TestStepCheckInstanceProfile(t *testing.T) {
	for _, tc := range []struct {
		name    string
		fake    *fakeIAM
		ssm     bool
		profile string
		want    string
	}{
		{"exists", &fakeIAM{roles: 1}, true, "arn:aws:iam::123456789012:instance-profile/team/builder", ""},
		{"missing", &fakeIAM{fail: map[string]error{"GetInstanceProfile": iamErr("NoSuchEntity")}}, false, "buidler",
			`iam_instance_profile "buidler": no instance profile of that name`},
		{"not readable", &fakeIAM{fail: map[string]error{"GetInstanceProfile": iamErr("AccessDenied")}}, false, "builder",
			"set skip_profile_validation = true"},
		{"no role, session manager", &fakeIAM{}, true, "builder", "has no role, so the SSM agent on the instance cannot register"},
		{"no role, SSH", &fakeIAM{}, false, "builder", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			state := testState(&out)
			s := &StepCheckInstanceProfile{IAM: fixedClient[getInstanceProfileIAM](tc.fake), Profile: tc.profile, SessionManager: tc.ssm}
			action := s.Run(context.Background(), state)
			if tc.want == "" {
				if action != multistep.ActionContinue {
					t.Fatalf("halted: %v", state.Get("error"))
				}
			} else if err, _ := state.Get("error").(error); action != multistep.ActionHalt || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
			if in := tc.fake.inputs["GetInstanceProfile"].(*iam.GetInstanceProfileInput); *in.InstanceProfileName != profileName(tc.profile) ||
				strings.Contains(*in.InstanceProfileName, "/") {
				t.Errorf("looked up %q", *in.InstanceProfileName)
			}
		})
	}
}
