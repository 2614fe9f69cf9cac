package command

import (
	"flag"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/awsid"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ssmchannel"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/tfvarsfile"
)

const historyAbout = `Lists the image IDs written into the tfvars file (by builds, rollbacks
and promotions), oldest first, from the history file beside it
(PATH.history.jsonl). The current value is marked with *.

With -ssm-parameter, lists the versions of an SSM parameter instead (and
their labels). With -image, shows where an image came from: the image it was
built on, and so on down to an image this plugin did not build (base -> app).`

func runHistory(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("history", flag.ContinueOnError)
	file := fs.String("file", "", "tfvars file, e.g. instances/terraform.tfvars (or -ssm-parameter, or -image)")
	variable := fs.String("variable", "ami_id", "variable whose history to show")
	image := fs.String("image", "", "image whose lineage to show, e.g. ami-0123456789abcdef0")
	ssmT := ssmFlags(fs)
	if code, done := parse(fs, historyAbout, args, stdout, stderr); done {
		return code
	}
	switch {
	case countSet(*file, *image, ssmT.name) != 1:
		return usageError(fs, historyAbout, stderr, "name exactly one of -file, -ssm-parameter and -image")
	case *image != "" && !awsid.IsAMIID(*image):
		return usageError(fs, historyAbout, stderr, "-image %q is not an AMI ID such as ami-0123456789abcdef0", *image)
	case *image != "":
		return runChain(ssmT.aws, *image, stdout, stderr)
	case ssmT.name != "":
		if err := ssmchannel.CheckName(ssmT.name); err != nil {
			return usageError(fs, historyAbout, stderr, "-ssm-parameter: %v", err)
		}
		return ssmT.history(stdout, stderr)
	}
	entries, err := tfvarsfile.ReadHistory(*file)
	if err != nil {
		return fail(stderr, err)
	}
	current, _, err := tfvarsfile.Read(*file, *variable, false)
	if err != nil {
		return fail(stderr, err)
	}
	entries = forVariable(entries, *variable)
	if len(entries) == 0 {
		fmt.Fprintf(stdout, "No history of %s in %s (%s). Current value: %q\n",
			*variable, *file, tfvarsfile.HistoryPath(*file), current.String)
		return exitOK
	}
	printHistory(stdout, entries, current.String)
	return exitOK
}

// countSet counts the non-empty values.
func countSet(values ...string) int {
	n := 0
	for _, v := range values {
		if v != "" {
			n++
		}
	}
	return n
}

// forVariable keeps the entries that set variable.
func forVariable(entries []tfvarsfile.Entry, variable string) []tfvarsfile.Entry {
	return tfvarsfile.ForVariable(entries, variable)
}

func printHistory(w io.Writer, entries []tfvarsfile.Entry, current string) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "\tTIME\tACTION\tIMAGE\tREGIONS\tBUILD\tSOURCE AMI\tFROM / RUN")
	last := -1
	for i, e := range entries {
		if e.Value == current {
			last = i
		}
	}
	for i, e := range entries {
		mark := ""
		if i == last {
			mark = "*"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", mark, e.Time.Format("2006-01-02T15:04:05Z07:00"),
			e.Action, e.Value, regions(e.Images), dash(e.Build), dash(e.SourceAMI), dash(e.From+e.RunUUID))
	}
	_ = tw.Flush()
}

// regions lists an entry's regions, e.g. "us-east-1,us-west-2" (the IDs per
// region are in the history file).
func regions(images map[string]string) string {
	return dash(strings.Join(slices.Sorted(maps.Keys(images)), ","))
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
