//go:build acc

package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/localcloud"
)

// redeploy applies a changed ami_id while watching the old instance's and
// the new one's web app, and checks that the instance was replaced the
// create_before_destroy way: the new one, running ami, answered before the
// old one went; the old one is terminated and answers no more.
func (p *project) redeploy(t *testing.T, log string, old webOutputs, ami, version string) webOutputs {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	watched := make(chan localcloud.Replacement, 1)
	go func() {
		watched <- localcloud.Watch(ctx, p.cloud.Env["AWS_ENDPOINT_URL"], old.InstanceID, 8080, 100*time.Millisecond)
	}()
	p.terraform(t, log, "apply", "-auto-approve", "-input=false", "-no-color")
	web := p.outputs(t)
	if web.InstanceID == old.InstanceID {
		t.Fatalf("terraform apply kept instance %s; a new image must replace it", old.InstanceID)
	}
	p.checkInstance(t, web, ami)
	if inst := p.instance(t, old.InstanceID); inst.State.Name != types.InstanceStateNameTerminated {
		t.Errorf("the replaced instance %s is %s, want terminated", old.InstanceID, inst.State.Name)
	}
	var r localcloud.Replacement
	select {
	case r = <-watched:
	case <-time.After(30 * time.Second):
		cancel()
		r = <-watched
	}
	t.Logf("the web app during %s:\n%s", log, strings.Join(r.Lines, "\n"))
	if r.NewID != web.InstanceID || !r.Overlapped() {
		t.Errorf("%s: the new instance %s did not answer before the old one %s stopped (create_before_destroy); seen:\n%s",
			log, web.InstanceID, old.InstanceID, strings.Join(r.Lines, "\n"))
	}
	p.checkPage(t, web, version)
	if page, err := get(old.PublicIP, 8080); err == nil {
		t.Errorf("the terminated instance %s still answers on %s:8080: %.80q", old.InstanceID, old.PublicIP, page)
	}
	return web
}
