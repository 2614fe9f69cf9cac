//go:build acc

package ami

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2test"
)

// TestDisableStopInstanceWaitsForTheProvisionersShutdown: with
// disable_stop_instance the builder never calls StopInstances; the last
// provisioner stops the instance (here as the OS's `shutdown -h now` would,
// through EC2), and the build images it once stopped. Without that
// shutdown the wait ends (aws_polling) with an error naming the option,
// and nothing is left.
func TestDisableStopInstanceWaitsForTheProvisionersShutdown(t *testing.T) {
	e := newBuildEnv(t)
	proxy := ec2test.StartProxy(t, e.moto)
	proxy.SetEnv(t)
	proxy.SetFaults(ec2test.Faults{}) // counts and orders calls: a retried one would count twice
	shutdown := &runHook{fail: func() error {
		id := *e.buildInstance(t).InstanceId
		_, err := e.ec2.StopInstances(context.Background(), &ec2.StopInstancesInput{InstanceIds: []string{id}})
		return err
	}}
	art, err, out := e.run(t, context.Background(), e.template(map[string]any{"disable_stop_instance": true}), shutdown)
	if err != nil || art == nil {
		t.Fatalf("build failed: %v\n%s", err, out)
	}
	if n := len(proxy.Requests("StopInstances")); n != 0 {
		t.Errorf("the builder called StopInstances %d times despite disable_stop_instance", n)
	}
	if len(proxy.Requests("CreateImage")) != 1 || !strings.Contains(out, "waiting for the provisioners' shutdown") {
		t.Errorf("no image made after the provisioner's shutdown:\n%s", out)
	}
	e.assertNothingLeft(t)

	e.moto.Reset(t)
	raw := e.template(map[string]any{"disable_stop_instance": true, "aws_polling": map[string]any{"max_attempts": 3, "delay_seconds": 1}})
	_, err, out = e.run(t, context.Background(), raw, &runHook{})
	if err == nil || !strings.Contains(err.Error(), "disable_stop_instance") {
		t.Fatalf("no shutdown: err = %v, want a timeout naming disable_stop_instance\n%s", err, out)
	}
	if imgs := e.images(t); len(imgs) != 0 {
		t.Errorf("images left: %v", imgs)
	}
	e.assertNothingLeft(t)
}

// TestEnhancedNetworkingSetOnTheStoppedInstance: sriov_support and
// ena_support are set with ModifyInstanceAttribute on the build instance
// after it stopped and before CreateImage (moto 5.2.1 does not implement
// these attributes; the proxy answers as EC2 and records the requests).
func TestEnhancedNetworkingSetOnTheStoppedInstance(t *testing.T) {
	e := newBuildEnv(t)
	for _, ena := range []bool{true, false} {
		e.moto.Reset(t)
		proxy := ec2test.StartProxy(t, e.moto)
		proxy.SetEnv(t)
		proxy.SetFaults(ec2test.Faults{}) // orders calls: a retried CreateImage would count twice
		if _, err, out := e.run(t, context.Background(), e.template(map[string]any{"ena_support": ena, "sriov_support": true}), &runHook{}); err != nil {
			t.Fatalf("build failed: %v\n%s", err, out)
		}
		calls := proxy.Requests("StopInstances", "ModifyInstanceAttribute", "CreateImage")
		var order []string
		for _, c := range calls {
			what := c.Action
			switch {
			case c.Params.Get("SriovNetSupport.Value") != "":
				what = "sriov=" + c.Params.Get("SriovNetSupport.Value")
			case c.Params.Has("EnaSupport.Value"):
				what = "ena=" + c.Params.Get("EnaSupport.Value")
			}
			if c.Action == "ModifyInstanceAttribute" && c.Params.Get("InstanceId") != calls[0].Params.Get("InstanceId.1") {
				t.Errorf("%s on %s, not the build instance", what, c.Params.Get("InstanceId"))
			}
			order = append(order, what)
		}
		want := "StopInstances sriov=simple ena=" + map[bool]string{true: "true", false: "false"}[ena] + " CreateImage"
		if got := strings.Join(order, " "); got != want {
			t.Errorf("ena_support=%t: calls %q, want %q", ena, got, want)
		}
	}
}

// TestVirtualizationTypeAndEnhancedNetworkingNeedAMatchingSource: an
// image inherits its source's virtualization type, so a paravirtual
// source with ami_virtualization_type = "hvm", or with ena_support, fails
// before anything is launched, naming the attribute.
func TestVirtualizationTypeAndEnhancedNetworkingNeedAMatchingSource(t *testing.T) {
	e := newBuildEnv(t)
	proxy := ec2test.StartProxy(t, e.moto)
	proxy.SetEnv(t)
	paravirtual := map[string]any{"source_ami": "ami-0a1b2c3d4e5f60004", "source_ami_filter": nil}
	for attr, extra := range map[string]map[string]any{
		"ami_virtualization_type": {"ami_virtualization_type": "hvm"},
		"ena_support":             {"ena_support": true},
	} {
		for k, v := range paravirtual {
			extra[k] = v
		}
		_, err, out := e.run(t, context.Background(), e.template(extra), &runHook{})
		if err == nil || !strings.Contains(err.Error(), attr) || !strings.Contains(err.Error(), "paravirtual") {
			t.Errorf("%s with a paravirtual source: %v\n%s", attr, err, out)
		}
	}
	if n := len(proxy.Requests("RunInstances", "ImportKeyPair")); n != 0 {
		t.Errorf("%d launch calls made before the check", n)
	}
	e.assertNothingLeft(t)
	if _, err, out := e.run(t, context.Background(), e.template(map[string]any{"ami_virtualization_type": "hvm"}), &runHook{}); err != nil {
		t.Errorf("hvm source with ami_virtualization_type = hvm: %v\n%s", err, out)
	}
}

// TestCommunicatorNoneConnectsToNothing: with communicator = "none" (an
// image set up by user_data alone) the build makes no key pair, its
// temporary group admits nothing, and the image is still made from the
// stopped instance.
func TestCommunicatorNoneConnectsToNothing(t *testing.T) {
	e := newBuildEnv(t)
	proxy := ec2test.StartProxy(t, e.moto)
	proxy.SetEnv(t)
	proxy.SetFaults(ec2test.Faults{}) // counts calls: a retried one would count twice
	raw := e.template(map[string]any{"communicator": "none", "user_data": "#!/bin/sh\necho set up\n"})
	if _, err, out := e.run(t, context.Background(), raw, &runHook{}); err != nil {
		t.Fatalf("build failed: %v\n%s", err, out)
	}
	if n := len(proxy.Requests("ImportKeyPair", "AuthorizeSecurityGroupIngress")); n != 0 {
		t.Errorf("%d key pair or ingress calls for a build that connects to nothing", n)
	}
	if len(proxy.Requests("CreateSecurityGroup")) != 1 || len(proxy.Requests("CreateImage")) != 1 {
		t.Errorf("want one temporary group and one image: %v", proxy.Requests("CreateSecurityGroup", "CreateImage"))
	}
	e.assertNothingLeft(t)
}
