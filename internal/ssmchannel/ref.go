// Package ssmchannel publishes image IDs in SSM Parameter Store, the store
// every machine of a team shares and AWS itself publishes image IDs in: each
// build writes a new version of a parameter (the versions are the history),
// and labels such as staging and prod are moved between versions to promote
// or roll back. Every write to a parameter (a new version, a label move)
// happens under a lock kept in Parameter Store itself (lock.go), so
// concurrent CI jobs on different machines serialise. The immutable-tfvars
// post-processor, the promote, rollback and history subcommands, prune, the
// immutable-tfvars data source and immutable-ami's resolve:ssm: source_ami
// share it.
package ssmchannel

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// ResolvePrefix starts a source_ami that names a parameter, as EC2's
// RunInstances accepts it: resolve:ssm:NAME, resolve:ssm:NAME:VERSION or
// resolve:ssm:NAME:LABEL.
const ResolvePrefix = "resolve:ssm:"

// Ref names a parameter and, optionally, one of its versions: by number
// ("7") or by label ("prod"). Selector "" means the latest version.
type Ref struct {
	Name     string
	Selector string
}

// String is the form GetParameter accepts: NAME or NAME:SELECTOR.
func (r Ref) String() string {
	if r.Selector == "" {
		return r.Name
	}
	return r.Name + ":" + r.Selector
}

// Version returns the selector as a version number, ok=false when it is a
// label or empty.
func (r Ref) Version() (int64, bool) {
	v, err := strconv.ParseInt(r.Selector, 10, 64)
	return v, err == nil && v > 0
}

var (
	nameChars  = regexp.MustCompile(`^[a-zA-Z0-9_.\-/]+$`)
	labelChars = regexp.MustCompile(`^[a-zA-Z0-9_.\-]+$`)
)

// ParseRef parses NAME or NAME:SELECTOR (names cannot hold a colon, so the
// first one starts the selector). Every problem is reported in words that
// name the rule broken.
func ParseRef(s string) (Ref, error) {
	name, sel, hasSel := strings.Cut(s, ":")
	r := Ref{Name: name, Selector: sel}
	if err := CheckName(name); err != nil {
		return r, err
	}
	if hasSel {
		if _, isVersion := r.Version(); !isVersion {
			if err := CheckLabel(sel); err != nil {
				return r, fmt.Errorf("%q after the colon is neither a version number nor a valid label: %w", sel, err)
			}
		}
	}
	return r, nil
}

// ParseResolve parses a source_ami of the form resolve:ssm:NAME[:SELECTOR];
// ok is false when s does not start with resolve:ssm:.
func ParseResolve(s string) (r Ref, ok bool, err error) {
	rest, found := strings.CutPrefix(s, ResolvePrefix)
	if !found {
		return Ref{}, false, nil
	}
	r, err = ParseRef(rest)
	return r, true, err
}

// CheckName reports why name is not a parameter name SSM accepts:
// letters, digits and _.-/ only; a hierarchy (a name with a slash) starts
// with a slash; at most 15 levels and 1011 characters. Names under /aws/
// are AWS's public parameters (e.g. Canonical's current Ubuntu image):
// readable, see CheckWritable.
func CheckName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("the parameter name is empty: name one such as /images/web")
	case len(name) > 1011:
		return fmt.Errorf("parameter name %q is longer than 1011 characters", name)
	case !nameChars.MatchString(name):
		return fmt.Errorf("parameter name %q may hold only letters, digits and _ . - /", name)
	case strings.Contains(name[1:], "/") && !strings.HasPrefix(name, "/"):
		return fmt.Errorf("parameter name %q has a hierarchy and must start with /, e.g. /%s", name, name)
	case strings.Count(name, "/") > 15:
		return fmt.Errorf("parameter name %q has more than 15 levels", name)
	case strings.HasSuffix(name, "/"):
		return fmt.Errorf("parameter name %q ends with /", name)
	}
	return nil
}

// CheckWritable is CheckName for a parameter this plugin writes: SSM
// reserves names starting with aws or ssm.
func CheckWritable(name string) error {
	if err := CheckName(name); err != nil {
		return err
	}
	bare := strings.ToLower(strings.TrimPrefix(name, "/"))
	if strings.HasPrefix(bare, "aws") || strings.HasPrefix(bare, "ssm") {
		return fmt.Errorf("parameter name %q starts with aws or ssm, which SSM reserves: choose a name such as /images/web", name)
	}
	return nil
}

// CheckLabel reports why label is not a version label SSM accepts:
// letters, digits and _.- only, at most 100 characters, not starting with a
// digit, aws or ssm.
func CheckLabel(label string) error {
	low := strings.ToLower(label)
	switch {
	case label == "":
		return fmt.Errorf("the label is empty: name one such as prod")
	case len(label) > 100:
		return fmt.Errorf("label %q is longer than 100 characters", label)
	case !labelChars.MatchString(label):
		return fmt.Errorf("label %q may hold only letters, digits and _ . -", label)
	case label[0] >= '0' && label[0] <= '9':
		return fmt.Errorf("label %q starts with a digit (that would read as a version number)", label)
	case strings.HasPrefix(low, "aws") || strings.HasPrefix(low, "ssm"):
		return fmt.Errorf("label %q starts with aws or ssm, which SSM reserves", label)
	}
	return nil
}
