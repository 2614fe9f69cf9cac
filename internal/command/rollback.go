package command

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/awsid"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/tfvarsfile"
)

const rollbackAbout = `Restores the image ID that was current before the current one (or the
one named with -to) in the tfvars file, and records the rollback in its
history. Run it again to go further back. Then run terraform apply.`

func runRollback(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("rollback", flag.ContinueOnError)
	w := writeFlags(fs)
	file := fs.String("file", "", "tfvars file (required), e.g. instances/terraform.tfvars")
	to := fs.String("to", "", "image ID to restore (default: the one before the current one)")
	if code, done := parse(fs, rollbackAbout, args, stdout, stderr); done {
		return code
	}
	switch {
	case *file == "":
		return usageError(fs, rollbackAbout, stderr, "-file is required")
	case *to != "" && !awsid.IsAMIID(*to):
		return usageError(fs, rollbackAbout, stderr, "-to %q is not an AMI ID such as ami-0123456789abcdef0", *to)
	}
	entries, err := tfvarsfile.ReadHistory(*file)
	if err != nil {
		return fail(stderr, err)
	}
	current, _, err := tfvarsfile.Read(*file, w.variable, false)
	if err != nil {
		return fail(stderr, err)
	}
	target, err := rollbackTarget(forVariable(entries, w.variable), current.String, *to)
	if err != nil {
		return fail(stderr, fmt.Errorf("%s in %s: %w", w.variable, *file, err))
	}
	if w.mapVariable == "" {
		// The build that wrote this image also wrote its region map: restore
		// both, or ami_ids would keep naming the image rolled back from.
		w.mapVariable = target.MapVariable
	}
	entry := tfvarsfile.Entry{Action: tfvarsfile.ActionRollback, Value: target.Value, Images: target.Images,
		Build: target.Build, SourceAMI: target.SourceAMI}
	return w.write(stdout, stderr, *file, entry, current.String)
}

// rollbackTarget picks the entry to restore from a variable's history
// (oldest first). With to, the newest entry holding it (or a bare entry when
// it was never recorded). Without, the value recorded before the newest
// build or promotion of the current value; rollbacks themselves are skipped,
// so successive rollbacks walk further back instead of toggling.
func rollbackTarget(history []tfvarsfile.Entry, current, to string) (tfvarsfile.Entry, error) {
	if to != "" {
		for i := len(history) - 1; i >= 0; i-- {
			if history[i].Value == to {
				return history[i], nil
			}
		}
		return tfvarsfile.Entry{Value: to}, nil
	}
	var recorded []tfvarsfile.Entry
	for _, e := range history {
		if e.Action != tfvarsfile.ActionRollback {
			recorded = append(recorded, e)
		}
	}
	at := -1
	for i := len(recorded) - 1; i >= 0 && at < 0; i-- {
		if recorded[i].Value == current {
			at = i
		}
	}
	if at < 0 {
		return tfvarsfile.Entry{}, fmt.Errorf("the current value %q is not in the history: name the image to restore with -to", current)
	}
	for i := at - 1; i >= 0; i-- {
		if recorded[i].Value != current {
			return recorded[i], nil
		}
	}
	return tfvarsfile.Entry{}, errors.New("no earlier image is recorded in the history: name the image to restore with -to")
}

// writeOpts are the flags shared by the commands that write a tfvars file.
type writeOpts struct {
	variable, mapVariable, moduleDir string
	keep                             int
}

func writeFlags(fs *flag.FlagSet) *writeOpts {
	w := &writeOpts{}
	fs.StringVar(&w.variable, "variable", "ami_id", "variable holding the image ID")
	fs.StringVar(&w.mapVariable, "map-variable", "", "variable holding the map of region to image ID, e.g. ami_ids (default: the one the history records)")
	fs.StringVar(&w.moduleDir, "module-dir", "", "Terraform module that must declare the variables, e.g. instances (optional)")
	fs.IntVar(&w.keep, "keep-history", tfvarsfile.DefaultKeepHistory, "history entries to keep")
	return w
}

// write completes e with the variables and writes it under the same rules
// as the post-processor (validation, lock, atomic write, history).
func (w *writeOpts) write(stdout, stderr io.Writer, file string, e tfvarsfile.Entry, old string) int {
	e.Variable = w.variable
	if w.mapVariable != "" {
		if len(e.Images) == 0 {
			return fail(stderr, fmt.Errorf("no region map is recorded for %s: omit -map-variable, or choose an image whose history has one", e.Value))
		}
		e.MapVariable = w.mapVariable
	}
	if err := w.checkModule(); err != nil {
		return fail(stderr, err)
	}
	res, err := tfvarsfile.Update(context.Background(), file, e, w.keep)
	switch {
	case err != nil:
		return fail(stderr, err)
	case !res.Changed:
		fmt.Fprintf(stdout, "%s already holds %s = %q; nothing to do\n", file, w.variable, e.Value)
	default:
		fmt.Fprintf(stdout, "%s: %s %q -> %q (%s recorded in %s)\nNext: terraform apply\n",
			file, w.variable, old, e.Value, e.Action, tfvarsfile.HistoryPath(res.Path))
	}
	return exitOK
}

func (w *writeOpts) checkModule() error {
	if w.moduleDir == "" {
		return nil
	}
	if err := tfvarsfile.CheckDeclared(w.moduleDir, w.variable, false); err != nil {
		return err
	}
	if w.mapVariable != "" {
		return tfvarsfile.CheckDeclared(w.moduleDir, w.mapVariable, true)
	}
	return nil
}
