//go:build acc

package ami

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2proxy"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2test"
)

// profileLag is EC2's delay in seeing a new instance profile: RunInstances
// naming a profile created through the proxy less than lag ago is refused
// the way EC2 refuses it.
type profileLag struct {
	lag     time.Duration
	mu      sync.Mutex
	created map[string]time.Time
}

func (p *profileLag) Before(c *ec2proxy.Call) *ec2proxy.Answer {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch name := c.Params.Get("InstanceProfileName"); c.Action {
	case "CreateInstanceProfile":
		p.created[name] = time.Now()
	case "RunInstances":
		name = c.Params.Get("IamInstanceProfile.Name")
		if at, ok := p.created[name]; ok && time.Since(at) < p.lag {
			return ec2proxy.ErrorAnswer(http.StatusBadRequest, "InvalidParameterValue",
				"Value ("+name+") for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name")
		}
	}
	return nil
}

func (p *profileLag) After(_ *ec2proxy.Call, body []byte) []byte { return body }

var ssmCorePolicy = map[string]any{"Statement": []map[string]any{{"Effect": "Allow",
	"Action": []string{"ssm:UpdateInstanceInformation", "ssmmessages:*", "ec2messages:*"}, "Resource": []string{"*"}}}}

// TestTemporaryInstanceProfile: with temporary_iam_instance_profile_policy_document
// the build instance runs with a profile made for the build (a role EC2 may
// assume, the template's policy inline, everything tagged with the build),
// launched once EC2 accepts the new profile, and after the build, and after
// a cancelled one, no role or instance profile is left.
func TestTemporaryInstanceProfile(t *testing.T) {
	e := newBuildEnv(t)
	proxy := ec2test.StartProxy(t, e.moto)
	proxy.SetEnv(t)
	proxy.Use(&profileLag{lag: 2 * time.Second, created: map[string]time.Time{}})
	iamc := e.moto.IAM(t)
	ctx := context.Background()
	raw := e.template(map[string]any{"temporary_iam_instance_profile_policy_document": ssmCorePolicy})
	hook := &runHook{fail: func() error {
		p := e.buildInstance(t).IamInstanceProfile
		name := profileName(aws.ToString(p.Arn))
		if !strings.HasPrefix(name, "immutable-build-") {
			t.Fatalf("instance profile %+v, want the build's", p)
		}
		assertTemporaryRole(t, iamc, name)
		return nil
	}}
	if _, err, out := e.run(t, ctx, raw, hook); err != nil {
		t.Fatalf("build failed: %v\n%s", err, out)
	}
	if n := len(proxy.Requests("RunInstances")); n < 2 {
		t.Errorf("%d RunInstances calls: the build never met EC2's refusal of the new profile", n)
	}
	assertNoIAMLeft(t, iamc)
	e.assertNothingLeft(t)

	e.moto.Reset(t)
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if _, err, out := e.run(t, cctx, raw, &runHook{fail: func() error { cancel(); return errors.New("interrupted") }}); err == nil {
		t.Fatalf("cancelled build succeeded\n%s", out)
	}
	assertNoIAMLeft(t, iamc)
	e.assertNothingLeft(t)
}

func assertTemporaryRole(t *testing.T, c *iam.Client, name string) {
	t.Helper()
	ctx := context.Background()
	role, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)})
	if err != nil {
		t.Fatalf("role %s: %v", name, err)
	}
	trust, _ := url.QueryUnescape(aws.ToString(role.Role.AssumeRolePolicyDocument))
	if !strings.Contains(trust, "ec2.amazonaws.com") || tagsOf(role.Role.Tags)[BuildUUIDTagKey] == "" {
		t.Errorf("role %s: trust %s, tags %v; want EC2 trusted and the build's tag", name, trust, role.Role.Tags)
	}
	pol, err := c.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String(name)})
	if err != nil {
		t.Fatalf("inline policy: %v", err)
	}
	doc, _ := url.QueryUnescape(aws.ToString(pol.PolicyDocument))
	var got PolicyDocument
	if err := json.Unmarshal([]byte(doc), &got); err != nil || got.Version != "2012-10-17" || got.Statement[0].Action[1] != "ssmmessages:*" {
		t.Errorf("inline policy %s (%v): want the template's document", doc, err)
	}
	prof, err := c.GetInstanceProfile(ctx, &iam.GetInstanceProfileInput{InstanceProfileName: aws.String(name)})
	if err != nil || len(prof.InstanceProfile.Roles) != 1 || tagsOf(prof.InstanceProfile.Tags)[BuildUUIDTagKey] == "" {
		t.Errorf("instance profile %s: %+v %v; want the role in it and the build's tag", name, prof, err)
	}
}

func assertNoIAMLeft(t *testing.T, c *iam.Client) {
	t.Helper()
	ctx := context.Background()
	roles, err := c.ListRoles(ctx, &iam.ListRolesInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range roles.Roles {
		if strings.HasPrefix(aws.ToString(r.RoleName), "immutable-build-") {
			t.Errorf("role left: %s", aws.ToString(r.RoleName))
		}
	}
	profs, err := c.ListInstanceProfiles(ctx, &iam.ListInstanceProfilesInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range profs.InstanceProfiles {
		if strings.HasPrefix(aws.ToString(p.InstanceProfileName), "immutable-build-") {
			t.Errorf("instance profile left: %s", aws.ToString(p.InstanceProfileName))
		}
	}
}

// TestIAMInstanceProfileIsChecked: a missing iam_instance_profile stops the
// build before anything is launched, naming the attribute; with
// skip_profile_validation the profile is not looked up at all.
func TestIAMInstanceProfileIsChecked(t *testing.T) {
	e := newBuildEnv(t)
	proxy := ec2test.StartProxy(t, e.moto)
	proxy.SetEnv(t)
	_, err, out := e.run(t, context.Background(), e.template(map[string]any{"iam_instance_profile": "no-such-profile"}), &runHook{})
	if err == nil || !strings.Contains(err.Error(), `iam_instance_profile "no-such-profile": no instance profile of that name`) {
		t.Fatalf("err = %v\n%s", err, out)
	}
	if n := len(proxy.Requests("RunInstances", "ImportKeyPair", "CreateSecurityGroup")); n != 0 {
		t.Errorf("%d launch calls made for a missing profile", n)
	}
	e.createInstanceProfile(t, "image-builder")
	raw := e.template(map[string]any{"iam_instance_profile": "image-builder", "skip_profile_validation": true})
	if _, err, out := e.run(t, context.Background(), raw, &runHook{}); err != nil {
		t.Fatalf("build failed: %v\n%s", err, out)
	}
	if n := len(proxy.Requests("GetInstanceProfile")); n != 1 {
		t.Errorf("%d GetInstanceProfile calls; want only the first build's", n)
	}
	e.assertNothingLeft(t)
}
