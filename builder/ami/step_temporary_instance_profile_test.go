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
	"github.com/aws/smithy-go"
	"github.com/hashicorp/packer-plugin-sdk/multistep"
)

// fakeIAM records IAM calls by name; fail makes a call fail once with the
// given error, invisible makes GetInstanceProfile answer NoSuchEntity that
// many times, onCall runs inside each call (e.g. to cancel the build).
type fakeIAM struct {
	calls     []string
	inputs    map[string]any
	fail      map[string]error
	invisible int
	roles     int
	onCall    func(name string)
}

func (f *fakeIAM) record(name string, in any) error {
	f.calls = append(f.calls, name)
	if f.inputs == nil {
		f.inputs = map[string]any{}
	}
	f.inputs[name] = in
	if f.onCall != nil {
		f.onCall(name)
	}
	if err := f.fail[name]; err != nil {
		delete(f.fail, name)
		return err
	}
	return nil
}

func iamErr(code string) error { return &smithy.GenericAPIError{Code: code, Message: code} }

func (f *fakeIAM) CreateRole(_ context.Context, in *iam.CreateRoleInput, _ ...func(*iam.Options)) (*iam.CreateRoleOutput, error) {
	return &iam.CreateRoleOutput{}, f.record("CreateRole", in)
}
func (f *fakeIAM) PutRolePolicy(_ context.Context, in *iam.PutRolePolicyInput, _ ...func(*iam.Options)) (*iam.PutRolePolicyOutput, error) {
	return &iam.PutRolePolicyOutput{}, f.record("PutRolePolicy", in)
}
func (f *fakeIAM) CreateInstanceProfile(_ context.Context, in *iam.CreateInstanceProfileInput, _ ...func(*iam.Options)) (*iam.CreateInstanceProfileOutput, error) {
	return &iam.CreateInstanceProfileOutput{}, f.record("CreateInstanceProfile", in)
}
func (f *fakeIAM) AddRoleToInstanceProfile(_ context.Context, in *iam.AddRoleToInstanceProfileInput, _ ...func(*iam.Options)) (*iam.AddRoleToInstanceProfileOutput, error) {
	return &iam.AddRoleToInstanceProfileOutput{}, f.record("AddRoleToInstanceProfile", in)
}
func (f *fakeIAM) GetInstanceProfile(_ context.Context, in *iam.GetInstanceProfileInput, _ ...func(*iam.Options)) (*iam.GetInstanceProfileOutput, error) {
	if err := f.record("GetInstanceProfile", in); err != nil {
		return nil, err
	}
	if f.invisible > 0 {
		f.invisible--
		return nil, iamErr("NoSuchEntity")
	}
	return &iam.GetInstanceProfileOutput{InstanceProfile: &iamtypes.InstanceProfile{Roles: make([]iamtypes.Role, f.roles)}}, nil
}
func (f *fakeIAM) RemoveRoleFromInstanceProfile(_ context.Context, in *iam.RemoveRoleFromInstanceProfileInput, _ ...func(*iam.Options)) (*iam.RemoveRoleFromInstanceProfileOutput, error) {
	return &iam.RemoveRoleFromInstanceProfileOutput{}, f.record("RemoveRoleFromInstanceProfile", in)
}
func (f *fakeIAM) DeleteInstanceProfile(_ context.Context, in *iam.DeleteInstanceProfileInput, _ ...func(*iam.Options)) (*iam.DeleteInstanceProfileOutput, error) {
	return &iam.DeleteInstanceProfileOutput{}, f.record("DeleteInstanceProfile", in)
}
func (f *fakeIAM) DeleteRolePolicy(_ context.Context, in *iam.DeleteRolePolicyInput, _ ...func(*iam.Options)) (*iam.DeleteRolePolicyOutput, error) {
	return &iam.DeleteRolePolicyOutput{}, f.record("DeleteRolePolicy", in)
}
func (f *fakeIAM) DeleteRole(_ context.Context, in *iam.DeleteRoleInput, _ ...func(*iam.Options)) (*iam.DeleteRoleOutput, error) {
	return &iam.DeleteRoleOutput{}, f.record("DeleteRole", in)
}

func fixedClient[T any](c T) clientFor[T] {
	return func(context.Context, string) (T, error) { return c, nil }
}

func profileStep(f *fakeIAM) *StepTemporaryInstanceProfile {
	return &StepTemporaryInstanceProfile{IAM: fixedClient[temporaryProfileIAM](f), Region: "us-east-1", Name: "immutable-build-x",
		Tags: baseTags("u-1"), Polling: fastPolling, Policy: &PolicyDocument{Version: "2012-10-17",
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

// TestStepTemporaryInstanceProfileFailures: Cleanup removes exactly what
// was made when a create fails or the build is cancelled in the middle of
// a create (which still completes, so its result is known), counts what is
// already gone as removed, and prints the commands, in order, for what it
// could not remove.
func TestStepTemporaryInstanceProfileFailures(t *testing.T) {
	t.Run("policy refused", func(t *testing.T) {
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
	})
	t.Run("cancelled during CreateInstanceProfile", func(t *testing.T) {
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
	})
	t.Run("cleanup fails", func(t *testing.T) {
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
		s.Cleanup(state) // a second run retries only what is left
		if got := strings.Join(f.calls, " "); got != "RemoveRoleFromInstanceProfile DeleteRole" {
			t.Errorf("second cleanup calls %s", got)
		}
	})
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
