package command

import (
	"flag"
	"fmt"
	"io"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/awsid"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/tfvarsfile"
)

const rollbackAbout = `Restores the image ID that was current before the current one (or the
one named with -to) in the tfvars file, and records the rollback in its
history. Run it again to go further back. Then run terraform apply.

With -ssm-parameter and -label, moves the label back instead: to the newest
older version that holds another image (or to the newest version holding
-to). With -ssm-parameter alone, writes the image before the current one (or
-to) as a new version of the parameter.`

func runRollback(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("rollback", flag.ContinueOnError)
	w := writeFlags(fs)
	file := fs.String("file", "", "tfvars file (required), e.g. instances/terraform.tfvars")
	to := fs.String("to", "", "image ID to restore (default: the one before the current one)")
	ssmT := ssmFlags(fs)
	label := fs.String("label", "", "with -ssm-parameter: the label to move back, e.g. prod")
	if code, done := parse(fs, rollbackAbout, args, stdout, stderr); done {
		return code
	}
	switch {
	case countSet(*file, ssmT.name) != 1:
		return usageError(fs, rollbackAbout, stderr, "name one of -file and -ssm-parameter")
	case *to != "" && !awsid.IsAMIID(*to):
		return usageError(fs, rollbackAbout, stderr, "-to %q is not an AMI ID such as ami-0123456789abcdef0", *to)
	case *label != "" && ssmT.name == "":
		return usageError(fs, rollbackAbout, stderr, "-label moves a label of an SSM parameter: add -ssm-parameter")
	case ssmT.name != "":
		if err := checkSSMFlags(ssmT.name, *label); err != nil {
			return usageError(fs, rollbackAbout, stderr, "%v", err)
		}
		return ssmT.rollback(*label, *to, stdout, stderr)
	}
	// The history and the current value are read under the file's lock:
	// read before it, a build writing meanwhile would make the rollback
	// restore the image before the one that build replaced.
	return w.write(stdout, stderr, *file, func(s tfvarsfile.State) (tfvarsfile.Entry, string, error) {
		current, _, err := s.Get(w.variable, false)
		if err != nil {
			return tfvarsfile.Entry{}, "", err
		}
		target, err := rollbackTarget(forVariable(s.History, w.variable), current.String, *to)
		if err != nil {
			return tfvarsfile.Entry{}, "", fmt.Errorf("%s in %s: %w", w.variable, *file, err)
		}
		// The build that wrote this image also wrote its region map: restore
		// both, or ami_ids would keep naming the image rolled back from.
		return tfvarsfile.Entry{Action: tfvarsfile.ActionRollback, Value: target.Value, Images: target.Images,
			Build: target.Build, SourceAMI: target.SourceAMI, Raw: target.Raw}, target.MapVariable, nil
	})
}

// rollbackTarget picks the entry to restore from a variable's history
// (oldest first), always searching from the newest entry back. With to,
// the newest entry holding it (or a bare entry when it was never
// recorded). Without, the value tfvarsfile.Before finds.
func rollbackTarget(history []tfvarsfile.Entry, current, to string) (tfvarsfile.Entry, error) {
	if to != "" {
		if e, ok := tfvarsfile.Newest(history, to); ok {
			return e, nil
		}
		return tfvarsfile.Entry{Value: to}, nil
	}
	e, err := tfvarsfile.Before(history, current)
	if err != nil {
		return e, fmt.Errorf("%w: name the image to restore with -to", err)
	}
	return e, nil
}
