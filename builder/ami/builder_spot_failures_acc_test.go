//go:build acc

package ami

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2test"
)

// TestSpotBuildWithoutCapacityFailsClearlyAndLeavesNothing: every attempt
// gets InsufficientInstanceCapacity; the build fails naming it and what to
// try, and deletes each fleet and the launch template.
func TestSpotBuildWithoutCapacityFailsClearlyAndLeavesNothing(t *testing.T) {
	e := newSpotEnv(t)
	ice := "InsufficientInstanceCapacity"
	e.proxy.SetFaults(ec2test.Faults{FleetErrors: []string{ice, ice, ice, ice}})
	_, err, out := e.run(t, context.Background(), e.spotTemplate(nil), &runHook{})
	if err == nil {
		t.Fatalf("build succeeded without capacity\n%s", out)
	}
	for _, w := range []string{"EC2 launched no Spot Instance of t3.micro, t3a.micro in subnet", "(4 attempts)",
		"t3.micro: InsufficientInstanceCapacity", "t3a.micro: InsufficientInstanceCapacity", "list more spot_instance_types", "remove spot_price"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q:\n%v", w, err)
		}
	}
	if n := len(e.proxy.Requests("CreateFleet")); n != 4 {
		t.Errorf("%d CreateFleet calls, want 4 (3 retries)", n)
	}
	e.assertNoSpotLeft(t)
}

// TestSpotBuildSucceedsWhenCapacityComesBack: no capacity at first, then an
// instance; the build succeeds and both fleets are deleted.
func TestSpotBuildSucceedsWhenCapacityComesBack(t *testing.T) {
	e := newSpotEnv(t)
	e.proxy.SetFaults(ec2test.Faults{FleetErrors: []string{"UnfulfillableCapacity"}})
	if _, err, out := e.run(t, context.Background(), e.spotTemplate(nil), &runHook{}); err != nil {
		t.Fatalf("build failed: %v\n%s", err, out)
	}
	if n := len(e.proxy.Requests("CreateFleet")); n != 2 {
		t.Errorf("%d CreateFleet calls, want 2", n)
	}
	e.assertNoSpotLeft(t)
}

// TestSpotBuildInterruptedFailsClearlyAndLeavesNothing: EC2 takes the Spot
// Instance back while it boots, gives the interruption notice while it is
// provisioned (SSH then breaks), or takes it back after provisioning (the
// image cannot be made); each time the error says EC2 interrupted the
// instance and what to try, and nothing is left.
func TestSpotBuildInterruptedFailsClearlyAndLeavesNothing(t *testing.T) {
	e := newSpotEnv(t)
	// Set during the build, they apply at once to an instance launched
	// before.
	interrupt := ec2test.Faults{InterruptSpotAfter: time.Nanosecond}
	notice := ec2test.Faults{InterruptSpotAfter: time.Nanosecond, SpotNoticeFor: time.Hour}
	cases := []struct {
		name   string
		before ec2test.Faults
		during *ec2test.Faults
		fail   bool
		want   string
	}{
		{"while booting", interrupt, nil, false, "Server.SpotInstanceTermination"},
		{"notice while provisioning", ec2test.Faults{}, &notice, true, "marked-for-termination"},
		{"after provisioning", ec2test.Faults{}, &interrupt, false, "instance-terminated-no-capacity"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e.reset(t)
			e.proxy.SetFaults(tc.before)
			hook := &runHook{fail: func() error {
				if tc.during != nil {
					e.proxy.SetFaults(*tc.during)
				}
				if tc.fail {
					return errors.New("ssh: connection lost")
				}
				return nil
			}}
			_, err, out := e.run(t, context.Background(), e.spotTemplate(nil), hook)
			if err == nil || !strings.Contains(err.Error(), "EC2 interrupted the Spot Instance") ||
				!strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "remove spot_price") {
				t.Fatalf("err = %v, want an interruption naming %s\n%s", err, tc.want, out)
			}
			e.assertNoSpotLeft(t)
		})
	}
}

// TestSpotBuildFailedOrCancelledLeavesNothing: a failing provisioner (the
// error stays the provisioner's: no interruption) and a Ctrl-C while the
// Spot Instance boots both end with nothing left.
func TestSpotBuildFailedOrCancelledLeavesNothing(t *testing.T) {
	e := newSpotEnv(t)
	t.Run("provisioner fails", func(t *testing.T) {
		e.reset(t)
		_, err, out := e.run(t, context.Background(), e.spotTemplate(nil), &runHook{commands: []string{"exit 3"}})
		if err == nil || strings.Contains(err.Error(), "interrupted") {
			t.Fatalf("err = %v, want the provisioner's failure\n%s", err, out)
		}
		e.assertNoSpotLeft(t)
	})
	t.Run("cancelled while the instance boots", func(t *testing.T) {
		e.reset(t)
		e.proxy.SetFaults(ec2test.Faults{InstancesPendingFor: time.Hour})
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		go func() {
			for len(e.proxy.Requests("CreateFleet")) == 0 || len(e.proxy.Requests("DescribeInstances")) < 2 {
				time.Sleep(20 * time.Millisecond)
			}
			cancel()
		}()
		art, err, out := e.run(t, ctx, e.spotTemplate(nil), &runHook{})
		if err == nil || art != nil || !strings.Contains(out, "to be running") {
			t.Fatalf("cancelled build: artifact %v, err %v\n%s", art, err, out)
		}
		e.proxy.SetFaults(ec2test.Faults{})
		e.assertNoSpotLeft(t)
	})
}
