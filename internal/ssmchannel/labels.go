package ssmchannel

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
)

// Move is what a promotion or rollback did to a parameter: Label ("" for a
// rollback of the parameter itself) went from From to To; Written is the
// version a rollback of the parameter itself wrote. Changed is false when
// the label (or parameter) already named To.
type Move struct {
	Name, Label string
	From, To    Version
	Written     int64
	Changed     bool
}

// Promote moves label to the version from names: a label, a version
// number, or "" for the latest version. Both are read and the label moved
// under the parameter's lock, so concurrent promotions serialise and none
// is lost: each moves the label to what from names at that moment.
func Promote(ctx context.Context, c Writer, name, from, label string) (Move, error) {
	m := Move{Name: name, Label: label}
	if from == label {
		return m, fmt.Errorf("promoting %s onto itself: name another label or version to promote from", label)
	}
	err := withLock(ctx, c, name, func(l *Lock) error {
		var err error
		if m.To, err = Get(ctx, c, Ref{Name: name, Selector: from}); err != nil {
			return err
		}
		if m.From, err = labelled(ctx, c, name, label); err != nil {
			return err
		}
		return moveLabel(ctx, c, l, &m)
	})
	return m, err
}

// RollbackLabel moves label back: to the newest version older than the one
// it names that holds another image (run again to go further back), or,
// with image set, to the newest version holding that image.
func RollbackLabel(ctx context.Context, c Writer, name, label, image string) (Move, error) {
	m := Move{Name: name, Label: label}
	err := withLock(ctx, c, name, func(l *Lock) error {
		var err error
		if m.From, err = labelled(ctx, c, name, label); err != nil {
			return err
		}
		if m.From.Number == 0 {
			return fmt.Errorf("no version of SSM parameter %s is labelled %q: nothing to roll back", name, label)
		}
		versions, err := History(ctx, c, name)
		if err != nil {
			return err
		}
		if m.To, err = labelTarget(versions, m.From, image); err != nil {
			return fmt.Errorf("label %s of SSM parameter %s: %w", label, name, err)
		}
		return moveLabel(ctx, c, l, &m)
	})
	return m, err
}

// labelTarget picks where a label rolls back to, from the versions (oldest
// first) and the version it names now.
func labelTarget(versions []Version, current Version, image string) (Version, error) {
	for i := len(versions) - 1; i >= 0; i-- {
		v := versions[i]
		if image != "" && v.Value == image {
			return v, nil
		}
		if image == "" && v.Number < current.Number && v.Value != current.Value {
			return v, nil
		}
	}
	if image != "" {
		return Version{}, fmt.Errorf("no version holds %s (SSM keeps the last 100): publish it first, or roll the parameter itself back with -to", image)
	}
	return Version{}, errors.New("no earlier version holds another image")
}

// labelled returns the version label names (Number 0 when none).
func labelled(ctx context.Context, c Reader, name, label string) (Version, error) {
	v, err := Get(ctx, c, Ref{Name: name, Selector: label})
	if IsNotFound(err) {
		return Version{}, nil
	}
	return v, err
}

// moveLabel labels m.To with m.Label, unless it is already there.
func moveLabel(ctx context.Context, c Writer, l *Lock, m *Move) error {
	if m.From.Number == m.To.Number {
		return nil
	}
	if err := l.check(ctx); err != nil {
		return err
	}
	out, err := c.LabelParameterVersion(ctx, &ssm.LabelParameterVersionInput{
		Name: aws.String(m.Name), ParameterVersion: aws.Int64(m.To.Number), Labels: []string{m.Label},
	})
	if err != nil {
		return fmt.Errorf("labelling version %d of SSM parameter %s %q: %w%s", m.To.Number, m.Name, m.Label, err, labelHint(err))
	}
	if len(out.InvalidLabels) > 0 {
		return fmt.Errorf("SSM refused the label %q for %s: %w", m.Label, m.Name, CheckLabel(m.Label))
	}
	m.Changed = true
	return nil
}

func labelHint(err error) string {
	if code(err) == "ParameterVersionLabelLimitExceeded" {
		return " (a version carries at most 10 labels: move one of them elsewhere)"
	}
	return ""
}

// Rollback writes, as a new version of the parameter itself, the image
// that was current before the current one, or image when set. Versions
// written by rollbacks and reverts are skipped when looking back, so
// successive rollbacks walk further back instead of toggling.
func Rollback(ctx context.Context, c Writer, name, image string) (Move, error) {
	m := Move{Name: name}
	err := withLock(ctx, c, name, func(l *Lock) error {
		versions, err := History(ctx, c, name)
		if err != nil {
			return err
		}
		if len(versions) == 0 {
			return fmt.Errorf("SSM parameter %s does not exist: nothing to roll back", name)
		}
		m.From = versions[len(versions)-1]
		if m.To, err = rollbackTarget(versions, m.From.Value, image); err != nil {
			return fmt.Errorf("SSM parameter %s: %w", name, err)
		}
		if m.To.Value == m.From.Value {
			return nil
		}
		if err := l.check(ctx); err != nil {
			return err
		}
		m.Written, err = put(ctx, c, name, m.To.Value, describe("rollback", rollbackDetail(m.To)))
		m.Changed = err == nil
		return err
	})
	return m, err
}

func rollbackDetail(to Version) string {
	if to.Number == 0 {
		return "to " + to.Value
	}
	return "to version " + strconv.FormatInt(to.Number, 10) + " (" + to.Value + ")"
}

// rollbackTarget is the version whose image a rollback of the parameter
// itself writes again (see Rollback).
func rollbackTarget(versions []Version, current, image string) (Version, error) {
	if image != "" {
		for i := len(versions) - 1; i >= 0; i-- {
			if versions[i].Value == image {
				return versions[i], nil
			}
		}
		return Version{Value: image}, nil
	}
	var recorded []Version
	for _, v := range versions {
		if a := v.Action(); a != "rollback" && a != "revert" {
			recorded = append(recorded, v)
		}
	}
	at := -1
	for i := len(recorded) - 1; i >= 0 && at < 0; i-- {
		if recorded[i].Value == current {
			at = i
		}
	}
	for i := at - 1; i >= 0; i-- {
		if recorded[i].Value != current {
			return recorded[i], nil
		}
	}
	if at < 0 {
		return Version{}, fmt.Errorf("the current image %s was written by a rollback of an image no longer in the history: name the image to restore with -to", strings.TrimSpace(current))
	}
	return Version{}, errors.New("no earlier version holds another image: name the image to restore with -to")
}
