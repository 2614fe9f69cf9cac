package ssmchannel

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/awsid"
)

// DataType is the parameter data type of an image ID: SSM then checks, on
// every write, that the value is an AMI ID that exists in the region.
const DataType = "aws:ec2:image"

// Version is one version of a parameter.
type Version struct {
	Number      int64
	Value       string
	Labels      []string
	Description string
	Modified    time.Time
	User        string
}

// HasLabel reports whether the version carries label.
func (v Version) HasLabel(label string) bool { return slices.Contains(v.Labels, label) }

// History returns every version SSM keeps of parameter name (its last 100),
// oldest first; none when the parameter does not exist.
func History(ctx context.Context, c Reader, name string) ([]Version, error) {
	var out []Version
	in := &ssm.GetParameterHistoryInput{Name: aws.String(name), MaxResults: aws.Int32(50)}
	for {
		page, err := c.GetParameterHistory(ctx, in)
		if IsNotFound(err) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("reading the versions of SSM parameter %s: %w", name, err)
		}
		for _, p := range page.Parameters {
			out = append(out, Version{Number: p.Version, Value: aws.ToString(p.Value), Labels: p.Labels,
				Description: aws.ToString(p.Description), Modified: aws.ToTime(p.LastModifiedDate), User: aws.ToString(p.LastModifiedUser)})
		}
		if page.NextToken == nil || *page.NextToken == "" {
			break
		}
		in.NextToken = page.NextToken
	}
	slices.SortFunc(out, func(a, b Version) int { return int(a.Number - b.Number) })
	return out, nil
}

// Get returns the version ref names (the latest when it has no selector).
func Get(ctx context.Context, c Reader, ref Ref) (Version, error) {
	out, err := c.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(ref.String())})
	if err != nil {
		if IsNotFound(err) {
			return Version{}, fmt.Errorf("SSM parameter %s: %w", describeRef(ref), err)
		}
		return Version{}, fmt.Errorf("reading SSM parameter %s: %w", ref, err)
	}
	p := out.Parameter
	return Version{Number: p.Version, Value: aws.ToString(p.Value), Modified: aws.ToTime(p.LastModifiedDate)}, nil
}

// describeRef words what was not found: the parameter, or its version or
// label.
func describeRef(ref Ref) string {
	if _, isVersion := ref.Version(); isVersion {
		return fmt.Sprintf("%s has no version %s (or does not exist)", ref.Name, ref.Selector)
	}
	if ref.Selector != "" {
		return fmt.Sprintf("%s has no version labelled %q (or does not exist)", ref.Name, ref.Selector)
	}
	return fmt.Sprintf("%s does not exist", ref.Name)
}

// ResolveImage returns the image ID ref names and the version it came from;
// a value that is not an AMI ID is an error (the parameter is not a
// channel of images).
func ResolveImage(ctx context.Context, c Reader, ref Ref) (Version, error) {
	v, err := Get(ctx, c, ref)
	if err != nil {
		return v, err
	}
	if !awsid.IsAMIID(strings.TrimSpace(v.Value)) {
		return v, fmt.Errorf("SSM parameter %s (version %d) holds %q, not an AMI ID such as ami-0123456789abcdef0", ref, v.Number, v.Value)
	}
	v.Value = strings.TrimSpace(v.Value)
	return v, nil
}

// Describe is the text this plugin records as a version's description
// (at most 1024 characters, SSM's limit).
func describe(action, detail string) string {
	s := DescriptionPrefix + action
	if detail != "" {
		s += ": " + detail
	}
	if len(s) > 1024 {
		s = s[:1024]
	}
	return s
}

// DescriptionPrefix starts the description of every version this plugin
// writes, followed by the action: build, rollback or revert.
const DescriptionPrefix = "packer-plugin-immutable "

// Action is what wrote version v ("build", "rollback", "revert"), or ""
// when it was not written by this plugin.
func (v Version) Action() string {
	rest, ok := strings.CutPrefix(v.Description, DescriptionPrefix)
	if !ok {
		return ""
	}
	action, _, _ := strings.Cut(rest, ":")
	return action
}
