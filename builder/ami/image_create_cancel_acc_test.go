//go:build acc

package ami

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2proxy"
)

// cancelWhenAnswered cancels the build (as Ctrl-C does) once EC2 has done
// action, while its answer is still on its way to the builder.
type cancelWhenAnswered struct {
	action string
	cancel context.CancelFunc
	once   sync.Once
}

func (h *cancelWhenAnswered) Before(*ec2proxy.Call) *ec2proxy.Answer { return nil }

func (h *cancelWhenAnswered) After(c *ec2proxy.Call, body []byte) []byte {
	if c.Action == h.action {
		h.once.Do(func() {
			h.cancel()
			// Let the cancellation reach the caller before the answer does:
			// a call that heeds it gives up on an image EC2 has made.
			time.Sleep(200 * time.Millisecond)
		})
	}
	return body
}

// TestCtrlCWhileCreateImageIsInFlightLeavesNothing: Ctrl-C that arrives
// while EC2 is making the image does not lose the image's ID: CreateImage
// runs to its answer, and the cleanup deregisters the image it names.
func TestCtrlCWhileCreateImageIsInFlightLeavesNothing(t *testing.T) {
	f := newImageFixture(t, copyConfig())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f.proxy.Use(&cancelWhenAnswered{action: "CreateImage", cancel: cancel})
	f.run(t, ctx)
	if _, ok := f.state.GetOk("cancelled"); !ok {
		t.Fatalf("build was not cancelled:\n%s", f.out)
	}
	f.assertNothingLeft(t, allRegions...)
}
