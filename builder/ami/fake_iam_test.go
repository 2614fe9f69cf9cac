package ami

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"
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
