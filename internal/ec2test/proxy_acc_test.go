//go:build acc

package ec2test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"
)

// proxyClient talks to the proxy without SDK retries, so every injected
// fault is visible.
func proxyClient(p *Proxy) *ec2.Client {
	return ec2.New(ec2.Options{Region: DefaultRegion, BaseEndpoint: aws.String(p.URL),
		Credentials:      credentials.NewStaticCredentialsProvider("test", "test", ""),
		RetryMaxAttempts: 1})
}

func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// createImage launches an instance directly on moto and images it through
// the proxy, so only the image counts as new to the proxy.
func createImage(t *testing.T, m *Moto, c *ec2.Client) string {
	t.Helper()
	ctx := context.Background()
	run, err := m.EC2(t, DefaultRegion).RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String(seedImage(t, c)), MinCount: aws.Int32(1), MaxCount: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	img, err := c.CreateImage(ctx, &ec2.CreateImageInput{InstanceId: run.Instances[0].InstanceId, Name: aws.String("proxy-test")})
	if err != nil {
		t.Fatal(err)
	}
	return *img.ImageId
}

func seedImage(t *testing.T, c *ec2.Client) string {
	t.Helper()
	out, err := c.DescribeImages(context.Background(), &ec2.DescribeImagesInput{Owners: []string{"099720109477"}})
	if err != nil || len(out.Images) == 0 {
		t.Fatalf("no seed image: %v", err)
	}
	return *out.Images[0].ImageId
}

// TestProxyInjectsWhatRealEC2Does proves each fault mode: hidden new IDs,
// images held pending then failed, throttling, stubbed
// EnableImageDeprecation, and the request log.
func TestProxyInjectsWhatRealEC2Does(t *testing.T) {
	m := Start(t)
	p := StartProxy(t, m)
	c := proxyClient(p)
	ctx := context.Background()
	p.SetFaults(Faults{HideNewFor: time.Hour, ImagesPendingFor: time.Hour})
	id := createImage(t, m, c)
	_, err := c.DescribeImages(ctx, &ec2.DescribeImagesInput{ImageIds: []string{id}})
	if code(err) != "InvalidAMIID.NotFound" {
		t.Fatalf("new image visible at once: %v", err)
	}
	p.SetFaults(Faults{ImagesPendingFor: time.Hour})
	if s := imageState(t, c, id); s != types.ImageStatePending {
		t.Errorf("held image state = %s, want pending", s)
	}
	p.SetFaults(Faults{FailImages: true, ImagesPendingFor: time.Nanosecond})
	if s := imageState(t, c, id); s != types.ImageStateFailed {
		t.Errorf("failed image state = %s, want failed", s)
	}
	p.SetFaults(Faults{})
	if s := imageState(t, c, id); s != types.ImageStateAvailable {
		t.Errorf("image state = %s, want available", s)
	}
	at := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, err := c.EnableImageDeprecation(ctx, &ec2.EnableImageDeprecationInput{ImageId: &id, DeprecateAt: &at}); err != nil {
		t.Fatalf("EnableImageDeprecation: %v", err)
	}
	reqs := p.Requests("EnableImageDeprecation")
	if len(reqs) != 1 || reqs[0].Params.Get("ImageId") != id || reqs[0].Params.Get("DeprecateAt") == "" || reqs[0].Region != DefaultRegion {
		t.Errorf("recorded %+v", reqs)
	}
	p.SetFaults(Faults{ThrottleFraction: 1})
	if _, err := c.DescribeImages(ctx, &ec2.DescribeImagesInput{ImageIds: []string{id}}); code(err) != "RequestLimitExceeded" {
		t.Errorf("throttled call: %v", err)
	}
}

func imageState(t *testing.T, c *ec2.Client, id string) types.ImageState {
	t.Helper()
	out, err := c.DescribeImages(context.Background(), &ec2.DescribeImagesInput{ImageIds: []string{id}})
	if err != nil || len(out.Images) != 1 {
		t.Fatalf("DescribeImages %s: %v", id, err)
	}
	return out.Images[0].State
}

// TestProxyHoldsInstanceStates: pending after launch, stopping after stop,
// shutting-down after terminate, for as long as asked.
func TestProxyHoldsInstanceStates(t *testing.T) {
	m := Start(t)
	p := StartProxy(t, m)
	c := proxyClient(p)
	ctx := context.Background()
	p.SetFaults(Faults{InstancesPendingFor: time.Hour, StoppingFor: time.Hour, TerminatingFor: time.Hour})
	run, err := c.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String(seedImage(t, c)), MinCount: aws.Int32(1), MaxCount: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	id := *run.Instances[0].InstanceId
	steps := []struct {
		do   func() error
		want types.InstanceStateName
	}{
		{func() error { return nil }, types.InstanceStateNamePending},
		{func() error {
			_, err := c.StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: []string{id}})
			return err
		}, types.InstanceStateNameStopping},
		{func() error {
			_, err := c.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: []string{id}})
			return err
		}, types.InstanceStateNameShuttingDown},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatal(err)
		}
		out, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{id}})
		if err != nil {
			t.Fatal(err)
		}
		if got := out.Reservations[0].Instances[0].State.Name; got != s.want {
			t.Errorf("state = %s, want %s", got, s.want)
		}
	}
	p.SetFaults(Faults{})
	out, _ := m.EC2(t, DefaultRegion).DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{id}})
	if got := out.Reservations[0].Instances[0].State.Name; got != types.InstanceStateNameTerminated {
		t.Errorf("moto's own state = %s, want terminated", got)
	}
}
