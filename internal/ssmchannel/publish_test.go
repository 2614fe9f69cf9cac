package ssmchannel

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ssmtest"
)

const (
	web  = "/images/web"
	ami1 = "ami-00000000000000001"
	ami2 = "ami-00000000000000002"
	ami3 = "ami-00000000000000003"
)

var ctx = context.Background()

// publish writes images in order as builds would, failing the test on error.
func publish(t *testing.T, f *ssmtest.Fake, images ...string) {
	t.Helper()
	for _, img := range images {
		if _, err := Publish(ctx, f, web, img, "immutable-ami.web"); err != nil {
			t.Fatal(err)
		}
	}
}

// values lists the values of a parameter's versions, oldest first.
func values(f *ssmtest.Fake, name string) []string {
	var out []string
	for _, v := range f.Versions(name) {
		out = append(out, aws.ToString(v.Value))
	}
	return out
}

func TestPublishWritesAnImageVersion(t *testing.T) {
	f := ssmtest.New()
	p, err := Publish(ctx, f, web, ami1, "immutable-ami.web run 42")
	if err != nil || p.Version != 1 || p.Previous != nil {
		t.Fatalf("first publish: %+v %v", p, err)
	}
	p, err = Publish(ctx, f, web, ami2, "immutable-ami.web run 43")
	if err != nil || p.Version != 2 || p.Previous == nil || p.Previous.Value != ami1 {
		t.Fatalf("second publish: %+v %v", p, err)
	}
	var put int
	for _, in := range f.Puts() {
		if aws.ToString(in.Name) != web {
			continue
		}
		put++
		// SSM checks an aws:ec2:image value is an existing image; moto
		// does not, so the request itself is what proves we ask for it.
		if aws.ToString(in.DataType) != "aws:ec2:image" || !aws.ToBool(in.Overwrite) || !strings.Contains(aws.ToString(in.Description), "build: immutable-ami.web run") {
			t.Errorf("PutParameter %+v: want data type aws:ec2:image, overwrite, the build in the description", in)
		}
	}
	if put != 2 {
		t.Errorf("%d PutParameter calls on %s, want 2", put, web)
	}
	if vs := f.Versions(LockName(web)); len(vs) != 0 {
		t.Errorf("the lock parameter is left behind: %+v", vs)
	}
}

func TestPublishFailsWhenSSMDropsTheVersion(t *testing.T) {
	f := ssmtest.New()
	f.Missing = map[string]bool{ami2: true}
	defer func(d time.Duration) { createTimeout = d }(createTimeout)
	createTimeout = 0
	publish(t, f, ami1)
	_, err := Publish(ctx, f, web, ami2, "b")
	if err == nil || !strings.Contains(err.Error(), "did not keep version 2") || !strings.Contains(err.Error(), "available AMI") {
		t.Errorf("publishing an image SSM rejects: %v", err)
	}
}

func TestRevert(t *testing.T) {
	t.Run("a parameter the build created is deleted", func(t *testing.T) {
		f := ssmtest.New()
		p, _ := Publish(ctx, f, web, ami1, "b")
		if err := Revert(ctx, f, p, "tfvars write failed"); err != nil || len(f.Versions(web)) != 0 {
			t.Errorf("revert: %v, versions %v", err, values(f, web))
		}
	})
	t.Run("the previous image is written again", func(t *testing.T) {
		f := ssmtest.New()
		publish(t, f, ami1)
		p, _ := Publish(ctx, f, web, ami2, "b")
		if err := Revert(ctx, f, p, "tfvars write failed"); err != nil {
			t.Fatal(err)
		}
		vs := f.Versions(web)
		if got := values(f, web); len(got) != 3 || got[2] != ami1 || !strings.Contains(aws.ToString(vs[2].Description), "version 2 ("+ami2+") undone: tfvars write failed") {
			t.Errorf("versions after revert: %v %q", got, aws.ToString(vs[2].Description))
		}
	})
	t.Run("a later build's version is left alone", func(t *testing.T) {
		f := ssmtest.New()
		p, _ := Publish(ctx, f, web, ami1, "b")
		publish(t, f, ami2)
		if err := Revert(ctx, f, p, "x"); err != nil || len(values(f, web)) != 2 {
			t.Errorf("revert after another build: %v %v", err, values(f, web))
		}
	})
}

func TestWriteRefusedWhenTheLockWasTakenOver(t *testing.T) {
	f := ssmtest.New()
	publish(t, f, ami1)
	// While this writer holds the lock, a waiter breaks it as stale and
	// takes it: this writer must then write nothing.
	f.Before = func(op, name string) error {
		if op == "GetParameter" && name == web {
			f.Before = nil
			_, _ = f.DeleteParameter(ctx, deleteInput(LockName(web)))
			_, _ = f.PutParameter(ctx, lockInput(LockName(web), "another writer"))
		}
		return nil
	}
	_, err := Publish(ctx, f, web, ami2, "b")
	if err == nil || !strings.Contains(err.Error(), "taken over") || len(values(f, web)) != 1 {
		t.Errorf("publish after losing the lock: %v, versions %v", err, values(f, web))
	}
	if got := values(f, LockName(web)); len(got) != 1 || got[0] != "another writer" {
		t.Errorf("the other writer's lock was released by this one: %v", got)
	}
}

func TestPublishReportsSSMErrors(t *testing.T) {
	f := ssmtest.New()
	f.Before = func(op, name string) error {
		if op == "PutParameter" && name == web {
			return errors.New("AccessDeniedException: not authorized to perform ssm:PutParameter")
		}
		return nil
	}
	if _, err := Publish(ctx, f, web, ami1, "b"); err == nil || !strings.Contains(err.Error(), "writing "+ami1+" into SSM parameter "+web) {
		t.Errorf("error: %v", err)
	}
	if vs := f.Versions(LockName(web)); len(vs) != 0 {
		t.Error("a failed write left the lock behind")
	}
}
