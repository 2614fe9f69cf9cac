//go:build acc

package ami

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2test"
)

// iamEnv is a build environment where moto enforces IAM: the builder signs
// as the user "builder", whose policy each case sets; assertions use an
// administrator's key.
type iamEnv struct {
	*buildEnv
	admin ec2test.Key
	runs  int
}

func newIAMEnv(t *testing.T) *iamEnv {
	t.Helper()
	m := ec2test.Start(t)
	p := ec2test.StartProxy(t, m)
	p.SetEnv(t)
	admin := m.User(t, ec2test.Root, "admin", ec2test.AllowAll)
	builder := m.User(t, ec2test.Root, "builder", "")
	p.SetCredentials(admin.ID, admin.Secret, true)
	p.SetCredentials(builder.ID, builder.Secret, false)
	m.EnforceIAM(t)
	t.Setenv("AWS_ACCESS_KEY_ID", builder.ID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", builder.Secret)
	c := m.EC2As(admin, ec2test.DefaultRegion)
	return &iamEnv{buildEnv: &buildEnv{moto: m, proxy: p, ec2: c, ssh: startSSHServer(t, c)}, admin: admin}
}

// policy assembles a document from the published statements named, less
// the actions in without.
func policy(t *testing.T, sids []string, without ...string) string {
	t.Helper()
	doc := readPolicy(t)
	var kept []policyStatement
	for _, s := range doc.Statement {
		if slices.Contains(sids, s.Sid) {
			s.Action = slices.DeleteFunc(slices.Clone(s.Action), func(a string) bool { return slices.Contains(without, a) })
			if len(s.Action) > 0 {
				kept = append(kept, s)
			}
		}
	}
	doc.Statement = kept
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func statement(t *testing.T, sid string) []string {
	for _, s := range readPolicy(t).Statement {
		if s.Sid == sid {
			return s.Action
		}
	}
	t.Fatalf("no statement %s in %s", sid, iamPolicyFile)
	return nil
}

// build runs one build under the policy of the statements sids less
// without, with extra options; it returns the error and UI output, and
// checks nothing temporary and no AMI of this run is left when it failed.
func (e *iamEnv) build(t *testing.T, sids []string, extra map[string]any, without ...string) (error, string) {
	t.Helper()
	e.moto.SetPolicy(t, e.admin, "builder", policy(t, sids, without...))
	e.runs++
	name := fmt.Sprintf("iam-%d", e.runs)
	raw := e.template(map[string]any{"ami_name": name})
	for k, v := range extra {
		if raw[k] = v; v == nil {
			delete(raw, k)
		}
	}
	_, err, out := e.run(t, context.Background(), raw, &runHook{commands: []string{"true"}})
	if err != nil {
		e.assertNothingLeft(t)
		for _, r := range []string{ec2test.DefaultRegion, "us-west-2"} {
			imgs, _ := e.moto.EC2As(e.admin, r).DescribeImages(context.Background(), &ec2.DescribeImagesInput{Owners: []string{"self"},
				Filters: []ec2types.Filter{{Name: aws.String("name"), Values: []string{name}}}})
			if imgs != nil && len(imgs.Images) != 0 {
				t.Errorf("%s: the failed build left AMI %s", r, aws.ToString(imgs.Images[0].ImageId))
			}
		}
	}
	return err, out
}

// TestMinimalIAMPolicy: a default build under exactly the published
// "Build" and "BuildChecks" statements succeeds on the strict cloud; with
// any one of Build's permissions removed it fails, naming the permission,
// and leaves nothing; without one of BuildChecks' it succeeds and says
// which check it skipped and what to grant. Optional features need their
// statement: the same for ami_regions, encrypt_boot, the temporary
// instance profile and Spot (whose fleet's instance gets the template's
// group from the proxy's own signed calls, or SSH would not get in).
func TestMinimalIAMPolicy(t *testing.T) {
	e := newIAMEnv(t)
	base := []string{"Build", "BuildChecks"}
	if err, out := e.build(t, base, nil); err != nil || strings.Contains(out, "Skipping the check") {
		t.Fatalf("build under the minimal policy: %v\n%s", err, out)
	}
	e.proxy.SetFaults(ec2test.Faults{}) // the matrix is about IAM: plain, quick builds
	for _, action := range statement(t, "Build") {
		t.Run("without "+action, func(t *testing.T) {
			err, out := e.build(t, base, nil, action)
			if err == nil || !strings.Contains(err.Error(), "missing the IAM permission"+plural(err)) || !strings.Contains(err.Error(), action) {
				t.Errorf("without %s: err %v, want a failure naming it\n%s", action, err, out)
			}
		})
	}
	for _, action := range statement(t, "BuildChecks") {
		if err, out := e.build(t, base, nil, action); err != nil || !strings.Contains(out, "grant "+action+" to have it checked") {
			t.Errorf("without %s: err %v, want a success saying the check was skipped\n%s", action, err, out)
		}
	}
	for _, f := range []struct {
		sid     string
		opts    map[string]any
		without string
	}{
		{"AmiRegions", map[string]any{"ami_regions": []string{"us-west-2"}}, "ec2:CopyImage"},
		{"EncryptBoot", map[string]any{"encrypt_boot": true}, "ec2:CopyImage"},
		{"TemporaryIamInstanceProfile", map[string]any{"temporary_iam_instance_profile_policy_document": ssmCorePolicy}, "iam:CreateRole"},
		// Without a permission only Spot's cleanup needs, the dry runs
		// stop the build before anything is made.
		{"SpotInstances", map[string]any{"spot_price": "auto", "spot_instance_types": []string{"t3.micro"}, "instance_type": nil}, "ec2:DeleteFleets"},
		{"SpotInstances", map[string]any{"spot_price": "auto", "spot_instance_types": []string{"t3.micro"}, "instance_type": nil}, "ec2:CreateFleet"},
	} {
		sids := append(slices.Clone(base), f.sid)
		if err, out := e.build(t, sids, f.opts); err != nil {
			t.Errorf("%s under its statement: %v\n%s", f.sid, err, out)
		}
		if err, _ := e.build(t, sids, f.opts, f.without); err == nil || !strings.Contains(err.Error(), f.without) {
			t.Errorf("%s without %s: err %v, want a failure naming it", f.sid, f.without, err)
		}
	}
}

// plural matches "permission" and "permissions" (the dry-run check lists
// every missing one).
func plural(err error) string {
	if strings.Contains(err.Error(), "missing the IAM permissions") {
		return "s"
	}
	return ""
}
