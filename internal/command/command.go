// Package command implements the plugin binary's own subcommands: history,
// rollback and promote manage terraform.tfvars files (with the same writing
// and validation rules as the post-processor) and SSM channels outside a
// Packer build; history also shows an image's lineage; prune removes the
// images no one needs any more.
// Anything else on the command line belongs to the Packer plugin protocol
// (describe, start …) and is left to the SDK.
package command

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// Exit codes: success, a failure doing the work, a wrong command line.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

// synopses are the usage lines of the subcommands, in the order shown.
var synopses = map[string]string{
	"history":  "history -file PATH [-variable ami_id] | -ssm-parameter NAME | -image ami-… [-region R]",
	"rollback": "rollback -file PATH [-to ami-…] [-variable ami_id] [-map-variable NAME] [-module-dir DIR] | -ssm-parameter NAME [-label L] [-to ami-…]",
	"promote":  "promote -from STAGING.tfvars -to PROD.tfvars [-variable ami_id] [-map-variable NAME] [-module-dir DIR] | -ssm-parameter NAME [-from LABEL|VERSION] -to LABEL",
	"prune":    "prune [-keep 3] [-keep-within 30d] [-file PATH]… [-ssm-parameter NAME]… [-regions R,…] [-name-prefix P]… [-build B]… [-apply]",
}

var subcommands = map[string]func(args []string, stdout, stderr io.Writer) int{
	"history":  runHistory,
	"rollback": runRollback,
	"promote":  runPromote,
	"prune":    runPrune,
}

// Run runs the subcommand named by args[0]. handled is false when args do not
// name one of our subcommands, so main falls through to the plugin protocol.
func Run(args []string, stdout, stderr io.Writer) (code int, handled bool) {
	if len(args) == 0 {
		return exitOK, false
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		usage(stdout)
		return exitOK, true
	}
	run, ok := subcommands[args[0]]
	if !ok {
		return exitOK, false
	}
	return run(args[1:], stdout, stderr), true
}

func usage(w io.Writer) {
	fmt.Fprintf(w, `packer-plugin-immutable manages the image IDs in terraform.tfvars files and
SSM parameters, and the images themselves.

Usage:
  packer-plugin-immutable %s
  packer-plugin-immutable %s
  packer-plugin-immutable %s
  packer-plugin-immutable %s

Run a subcommand with -h for its flags. Packer itself runs this binary as a
plugin (describe, start …); see the immutable-tfvars post-processor.
`, synopses["history"], synopses["rollback"], synopses["promote"], synopses["prune"])
}

// parse parses a subcommand's flags. It returns done=true with the exit code
// when the command must stop: -h (usage on stdout, 0) or a wrong command line
// (error and usage on stderr, 2).
func parse(fs *flag.FlagSet, about string, args []string, stdout, stderr io.Writer) (code int, done bool) {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	if err == nil && fs.NArg() > 0 {
		err = fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if err == nil {
		return exitOK, false
	}
	out, code := stderr, exitUsage
	if errors.Is(err, flag.ErrHelp) {
		out, code = stdout, exitOK
	} else {
		fmt.Fprintf(stderr, "error: %v\n\n", err)
	}
	printFlags(fs, about, out)
	return code, true
}

func printFlags(fs *flag.FlagSet, about string, w io.Writer) {
	fmt.Fprintf(w, "Usage: packer-plugin-immutable %s\n\n%s\n\nFlags:\n", synopses[fs.Name()], strings.TrimSpace(about))
	fs.SetOutput(w)
	fs.PrintDefaults()
}

// usageError reports a wrong command line found after parsing.
func usageError(fs *flag.FlagSet, about string, stderr io.Writer, format string, a ...any) int {
	fmt.Fprintf(stderr, "error: "+format+"\n\n", a...)
	printFlags(fs, about, stderr)
	return exitUsage
}

// fail reports a failure doing the work.
func fail(stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "error: %v\n", err)
	return exitError
}

// joinProblems is nil for none, else one error listing them all.
func joinProblems(problems []string) error {
	if len(problems) == 0 {
		return nil
	}
	return errors.New(strings.Join(problems, "\n       "))
}
