package command

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/tfvarsfile"
)

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

// write writes the entry decide chooses from the file's state, under the
// same rules as the post-processor (validation, lock, atomic write,
// history); decide runs under the lock. mapVariable is the map variable
// to write when -map-variable is not given ("" for none).
func (w *writeOpts) write(stdout, stderr io.Writer, file string, decide func(tfvarsfile.State) (e tfvarsfile.Entry, mapVariable string, err error)) int {
	action := ""
	res, err := tfvarsfile.Modify(context.Background(), file, w.keep, func(s tfvarsfile.State) (tfvarsfile.Entry, error) {
		e, mapVariable, err := decide(s)
		if err != nil {
			return e, err
		}
		action = e.Action
		return w.complete(e, mapVariable)
	})
	switch {
	case err != nil:
		return fail(stderr, err)
	case !res.Changed:
		fmt.Fprintf(stdout, "%s already holds %s = %q; nothing to do\n", file, w.variable, res.Value)
	default:
		fmt.Fprintf(stdout, "%s: %s %q -> %q (%s recorded in %s)\nNext: terraform apply\n",
			file, w.variable, res.Previous, res.Value, action, tfvarsfile.HistoryPath(res.Path))
	}
	return exitOK
}

// complete names the variables e sets and checks them against the module.
// A region map is written only when one is recorded (or, for a value found
// in the file, its recorded text or absence).
func (w *writeOpts) complete(e tfvarsfile.Entry, mapVariable string) (tfvarsfile.Entry, error) {
	e.Variable = w.variable
	if w.mapVariable != "" {
		mapVariable = w.mapVariable
	}
	if mapVariable != "" {
		if _, raw := e.Raw[mapVariable]; len(e.Images) == 0 && !raw {
			return e, fmt.Errorf("no region map is recorded for %s: omit -map-variable, or choose an image whose history has one", e.Value)
		}
		e.MapVariable = mapVariable
	}
	return e, w.checkModule(mapVariable)
}

func (w *writeOpts) checkModule(mapVariable string) error {
	if w.moduleDir == "" {
		return nil
	}
	if err := tfvarsfile.CheckDeclared(w.moduleDir, w.variable, false); err != nil {
		return err
	}
	if mapVariable != "" {
		return tfvarsfile.CheckDeclared(w.moduleDir, mapVariable, true)
	}
	return nil
}
