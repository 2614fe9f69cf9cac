//go:build acc

package ami

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
)

// TestSourceLookupSeesDeprecatedImagesOnlyWhenAsked: the newest jammy is
// deprecated (the strict cloud hides it from listings as EC2 does), so the
// filter takes the one before it, unless include_deprecated asks for
// deprecated images too.
func TestSourceLookupSeesDeprecatedImagesOnlyWhenAsked(t *testing.T) {
	e := newBuildEnv(t)
	const newest, previous = "ami-0a1b2c3d4e5f60002", "ami-0a1b2c3d4e5f60001"
	for _, include := range []bool{false, true} {
		e.reset(t)
		e.proxy.Deprecate(newest, time.Now().Add(-time.Hour))
		raw := e.template(map[string]any{"skip_create_ami": true})
		raw["source_ami_filter"].(map[string]any)["include_deprecated"] = include
		_, err, out := e.run(t, context.Background(), raw, &runHook{})
		want := previous
		if include {
			want = newest
		}
		if err != nil || !strings.Contains(out, "Source AMI: "+want) {
			t.Errorf("include_deprecated = %v: err %v, want source %s\n%s", include, err, want, out)
		}
	}
}

// TestNameCheckSeesThisAccountsDisabledImage: a disabled AMI of this
// account still holds its name; the build stops before launching.
func TestNameCheckSeesThisAccountsDisabledImage(t *testing.T) {
	e := newBuildEnv(t)
	ctx := context.Background()
	run, err := e.ec2.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String("ami-0a1b2c3d4e5f60001"), MinCount: aws.Int32(1), MaxCount: aws.Int32(1)})
	must(t, err)
	img, err := e.ec2.CreateImage(ctx, &ec2.CreateImageInput{InstanceId: run.Instances[0].InstanceId, Name: aws.String("immutable-test-image")})
	must(t, err)
	e.proxy.Disable(aws.ToString(img.ImageId))
	_, err, out := e.run(t, ctx, e.template(nil), &runHook{})
	if err == nil || !strings.Contains(err.Error(), "already exists") || len(e.proxy.Requests("RunInstances")) != 0 {
		t.Errorf("build with the name of a disabled AMI: %v\n%s", err, out)
	}
}
