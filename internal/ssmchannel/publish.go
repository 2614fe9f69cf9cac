package ssmchannel

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

// Published is a version a build wrote, and the one it replaced (nil when
// the build created the parameter), so that Revert can undo it.
type Published struct {
	Name     string
	Version  int64
	Image    string
	Previous *Version
}

// createTimeout bounds the wait for SSM to create a version: it checks an
// aws:ec2:image value after PutParameter has answered, and drops the
// version if the image does not exist.
var createTimeout = 2 * time.Minute

// withLock runs f holding the lock of parameter name.
func withLock(ctx context.Context, c Writer, name string, f func(*Lock) error) error {
	l, err := Acquire(ctx, c, name)
	if err != nil {
		return err
	}
	defer l.Release()
	return f(l)
}

// Publish writes image as a new version of parameter name (creating the
// parameter), with data type aws:ec2:image and a description that records
// what wrote it (detail: the build, the run).
func Publish(ctx context.Context, c Writer, name, image, detail string) (Published, error) {
	p := Published{Name: name, Image: image}
	err := withLock(ctx, c, name, func(l *Lock) error {
		latest, err := Get(ctx, c, Ref{Name: name})
		switch {
		case err == nil:
			p.Previous = &latest
		case !IsNotFound(err):
			return err
		}
		if err := l.check(ctx); err != nil {
			return err
		}
		p.Version, err = put(ctx, c, name, image, describe("build", detail))
		return err
	})
	return p, err
}

// put writes one version and waits until SSM has created it.
func put(ctx context.Context, c Writer, name, value, description string) (int64, error) {
	out, err := c.PutParameter(ctx, &ssm.PutParameterInput{
		Name: aws.String(name), Value: aws.String(value), Type: ssmtypes.ParameterTypeString,
		DataType: aws.String(DataType), Overwrite: aws.Bool(true), Description: aws.String(description),
	})
	if err != nil {
		return 0, fmt.Errorf("writing %s into SSM parameter %s: %w%s", value, name, err, putHint(err))
	}
	return out.Version, awaitVersion(ctx, c, name, out.Version, value)
}

func putHint(err error) string {
	switch code(err) {
	case "ParameterMaxVersionLimitExceeded":
		return " (SSM keeps 100 versions and the oldest carries a label: move that label to a newer version, then build again)"
	case "ValidationException", "HierarchyTypeMismatchException":
		return " (a parameter of another data type cannot become aws:ec2:image: choose a new name or delete the old parameter)"
	}
	return ""
}

// awaitVersion waits until version v of name holds value. SSM checks an
// aws:ec2:image value asynchronously: PutParameter succeeds, and the
// version is dropped if the image does not exist in the region.
func awaitVersion(ctx context.Context, c Reader, name string, v int64, value string) error {
	ref := Ref{Name: name, Selector: fmt.Sprint(v)}
	deadline := time.Now().Add(createTimeout)
	for pause := 100 * time.Millisecond; ; pause = min(2*pause, 5*time.Second) {
		got, err := Get(ctx, c, ref)
		if err == nil && got.Value == value {
			return nil
		}
		if err != nil && !IsNotFound(err) {
			return err
		}
		if err == nil || time.Now().After(deadline) {
			return fmt.Errorf("SSM did not keep version %d of %s = %s: an aws:ec2:image value must be an available AMI of this account in the parameter's region", v, name, value)
		}
		if err := sleep(ctx, pause); err != nil {
			return fmt.Errorf("waiting for SSM to create version %d of %s: %w", v, name, err)
		}
	}
}

// Revert undoes p when what followed the write failed (the tfvars file
// could not be written, and Packer is about to delete the image): it
// writes the previous value again as a new version, or deletes the
// parameter p created. When another writer has written since, p is no
// longer current and nothing is done.
func Revert(ctx context.Context, c Writer, p Published, why string) error {
	return withLock(ctx, c, p.Name, func(l *Lock) error {
		latest, err := Get(ctx, c, Ref{Name: p.Name})
		if IsNotFound(err) || (err == nil && latest.Number != p.Version) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := l.check(ctx); err != nil {
			return err
		}
		if p.Previous == nil {
			_, err := c.DeleteParameter(ctx, &ssm.DeleteParameterInput{Name: aws.String(p.Name)})
			return err
		}
		_, err = put(ctx, c, p.Name, p.Previous.Value, describe("revert", fmt.Sprintf("version %d (%s) undone: %s", p.Version, p.Image, why)))
		return err
	})
}
