package command

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ssmchannel"
)

// ssmTarget is an SSM parameter named on the command line, in a region.
type ssmTarget struct {
	name string
	aws  *awsOpts
}

func ssmFlags(fs *flag.FlagSet) *ssmTarget {
	t := &ssmTarget{aws: awsFlags(fs)}
	fs.StringVar(&t.name, "ssm-parameter", "", "SSM parameter (a channel of images) instead of a tfvars file, e.g. /images/web")
	return t
}

// client returns the parameter's region and an SSM client there.
func (t *ssmTarget) client(ctx context.Context) (string, *ssm.Client, error) {
	region, err := t.aws.homeRegion(ctx)
	if err != nil {
		return "", nil, err
	}
	c, err := t.aws.ssmClient(ctx, region)
	return region, c, err
}

func (t *ssmTarget) history(stdout, stderr io.Writer) int {
	ctx, cancel := interruptible()
	defer cancel()
	region, c, err := t.client(ctx)
	if err != nil {
		return fail(stderr, err)
	}
	versions, err := ssmchannel.History(ctx, c, t.name)
	if err != nil {
		return fail(stderr, err)
	}
	if len(versions) == 0 {
		fmt.Fprintf(stdout, "SSM parameter %s does not exist in %s.\n", t.name, region)
		return exitOK
	}
	fmt.Fprintf(stdout, "SSM parameter %s in %s (* the latest version):\n", t.name, region)
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "\tVERSION\tTIME\tIMAGE\tLABELS\tWRITTEN BY")
	for i, v := range versions {
		mark := ""
		if i == len(versions)-1 {
			mark = "*"
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\n", mark, v.Number, v.Modified.UTC().Format(time.RFC3339), v.Value,
			dash(strings.Join(v.Labels, ",")), dash(strings.TrimPrefix(v.Description, ssmchannel.DescriptionPrefix)))
	}
	_ = tw.Flush()
	return exitOK
}

func (t *ssmTarget) promote(from, to string, stdout, stderr io.Writer) int {
	ctx, cancel := interruptible()
	defer cancel()
	region, c, err := t.client(ctx)
	if err != nil {
		return fail(stderr, err)
	}
	m, err := ssmchannel.Promote(ctx, c, t.name, from, to)
	if err != nil {
		return fail(stderr, err)
	}
	return t.report(stdout, region, m)
}

func (t *ssmTarget) rollback(label, to string, stdout, stderr io.Writer) int {
	ctx, cancel := interruptible()
	defer cancel()
	region, c, err := t.client(ctx)
	if err != nil {
		return fail(stderr, err)
	}
	var m ssmchannel.Move
	if label != "" {
		m, err = ssmchannel.RollbackLabel(ctx, c, t.name, label, to)
	} else {
		m, err = ssmchannel.Rollback(ctx, c, t.name, to)
	}
	if err != nil {
		return fail(stderr, err)
	}
	return t.report(stdout, region, m)
}

// report tells what a promotion or rollback did, and what reads it.
func (t *ssmTarget) report(stdout io.Writer, region string, m ssmchannel.Move) int {
	what, reader := fmt.Sprintf("%s in %s", t.name, region), t.name
	if m.Label != "" {
		what, reader = fmt.Sprintf("label %s of %s in %s", m.Label, t.name, region), t.name+":"+m.Label
	}
	switch {
	case !m.Changed:
		fmt.Fprintf(stdout, "%s already names version %d (%s); nothing to do\n", what, m.To.Number, m.To.Value)
		return exitOK
	case m.Label == "":
		fmt.Fprintf(stdout, "%s: version %d now holds %s (from version %d), was %s\n", what, m.Written, m.To.Value, m.To.Number, m.From.Value)
	case m.From.Number == 0:
		fmt.Fprintf(stdout, "%s: now on version %d (%s)\n", what, m.To.Number, m.To.Value)
	default:
		fmt.Fprintf(stdout, "%s: version %d (%s) -> version %d (%s)\n", what, m.From.Number, m.From.Value, m.To.Number, m.To.Value)
	}
	fmt.Fprintf(stdout, "Next: terraform apply where the module reads %s\n", reader)
	return exitOK
}

// checkSSMFlags checks a parameter name and, when given, a label.
func checkSSMFlags(name, label string) error {
	if err := ssmchannel.CheckWritable(name); err != nil {
		return fmt.Errorf("-ssm-parameter: %w", err)
	}
	if label == "" {
		return nil
	}
	return ssmchannel.CheckLabel(label)
}
