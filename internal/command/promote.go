package command

import (
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/tfvarsfile"
)

const promoteAbout = `Copies the current image ID (and, with -map-variable, the map of region
to image ID) from one environment's tfvars file to another's, and records
the promotion in the target's history. Then run terraform apply there.

With -ssm-parameter, -from and -to are labels of the parameter's versions:
the label -to moves to the version -from names (a label, a version number,
or by default the latest version), under a lock that serialises concurrent
promotions from any machine.`

func runPromote(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("promote", flag.ContinueOnError)
	w := writeFlags(fs)
	from := fs.String("from", "", "tfvars file to copy from (required), e.g. staging.tfvars; with -ssm-parameter a label or version (default: the latest)")
	to := fs.String("to", "", "tfvars file to write (required), e.g. prod.tfvars; with -ssm-parameter the label to move, e.g. prod")
	ssmT := ssmFlags(fs)
	if code, done := parse(fs, promoteAbout, args, stdout, stderr); done {
		return code
	}
	if ssmT.name != "" {
		if *to == "" {
			return usageError(fs, promoteAbout, stderr, "with -ssm-parameter, -to is required: the label to move, e.g. prod")
		}
		if err := checkSSMFlags(ssmT.name, *to); err != nil {
			return usageError(fs, promoteAbout, stderr, "-to: %v", err)
		}
		return ssmT.promote(*from, *to, stdout, stderr)
	}
	if *from == "" || *to == "" {
		return usageError(fs, promoteAbout, stderr, "-from and -to are both required")
	}
	entry, mapVariable, err := promotion(*from, w)
	if err != nil {
		return fail(stderr, err)
	}
	return w.write(stdout, stderr, *to, func(tfvarsfile.State) (tfvarsfile.Entry, string, error) {
		return entry, mapVariable, nil
	})
}

// promotion reads what to promote from the source file: the variable's
// value, the map variable's value when asked for, and the provenance of
// that value from the source's history.
func promotion(from string, w *writeOpts) (e tfvarsfile.Entry, mapVariable string, err error) {
	v, found, err := tfvarsfile.Read(from, w.variable, false)
	if err != nil {
		return e, "", err
	}
	if !found {
		return e, "", fmt.Errorf("%s has no %s to promote", from, w.variable)
	}
	e = tfvarsfile.Entry{Action: tfvarsfile.ActionPromote, Value: v.String}
	if abs, err := filepath.Abs(from); err == nil {
		e.From = abs
	}
	history, err := tfvarsfile.ReadHistory(from)
	if err != nil {
		return e, "", err
	}
	mapVariable = w.mapVariable
	for _, h := range forVariable(history, w.variable) {
		if h.Value == v.String { // the newest entry of the value wins
			e.Images, e.Build, e.SourceAMI = h.Images, h.Build, h.SourceAMI
			if w.mapVariable == "" {
				mapVariable = h.MapVariable // promote the region map the build wrote too
			}
		}
	}
	if mapVariable == "" {
		return e, "", nil
	}
	m, found, err := tfvarsfile.Read(from, mapVariable, true)
	switch {
	case err != nil:
		return e, "", err
	case !found && w.mapVariable == "":
		return e, "", nil // the value's map is no longer in the file (rolled back to a hand-written value)
	case !found:
		return e, "", fmt.Errorf("%s has no %s to promote", from, mapVariable)
	}
	e.Images = m.Map
	return e, mapVariable, nil
}
