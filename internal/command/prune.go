package command

import (
	"flag"
	"fmt"
	"io"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/prune"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ssmchannel"
)

const pruneAbout = `Deregisters the images this plugin built (and deletes their snapshots) that
are beyond a retention policy, in every region: it keeps the newest -keep of
each build (or -name-prefix) in each region and every image younger than
-keep-within, and never touches an image named in a -file or its history
(every rollback target), held by any version of an -ssm-parameter, used by
an instance (running or stopped), or that is the source or a region copy of
an image that stays. Images of other tools are never considered.

A dry run unless -apply: it prints what would go, why each image stays, and
the snapshot storage deleting would free. Interrupted at any point (Ctrl-C,
a lost connection), it leaves no image without its snapshots; run it again
to finish.`

type pruneOpts struct {
	keep                  int
	keepWithin            string
	regions, prefixes     listFlag
	builds, files, params listFlag
	price                 float64
	apply                 bool
}

func pruneFlags(fs *flag.FlagSet) *pruneOpts {
	o := &pruneOpts{}
	fs.IntVar(&o.keep, "keep", 3, "newest images to keep of each build (or name prefix) in each region, at least 1")
	fs.StringVar(&o.keepWithin, "keep-within", prune.DefaultKeepWithin.String(), "also keep every image younger than this, e.g. 30d or 720h (0: none by age; an image younger than an hour may still be on its way into a tfvars file)")
	fs.Var(&o.regions, "regions", "regions to prune in, comma-separated (default: every region enabled for the account)")
	fs.Var(&o.prefixes, "name-prefix", "group images by this name prefix instead of by build (repeatable)")
	fs.Var(&o.builds, "build", "prune only images of this build, e.g. immutable-ami.web (repeatable)")
	fs.Var(&o.files, "file", "tfvars file whose images (and history) must stay (repeatable)")
	fs.Var(&o.params, "ssm-parameter", "SSM parameter whose images (any version) must stay (repeatable)")
	fs.Float64Var(&o.price, "price-per-gb-month", prune.DefaultPricePerGBMonth, "snapshot storage price for the estimate, in USD per GB-month")
	fs.BoolVar(&o.apply, "apply", false, "delete (without it, only show what would be deleted)")
	return o
}

func runPrune(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("prune", flag.ContinueOnError)
	o := pruneFlags(fs)
	a := awsFlags(fs)
	if code, done := parse(fs, pruneAbout, args, stdout, stderr); done {
		return code
	}
	cfg, err := o.config()
	if err != nil {
		return usageError(fs, pruneAbout, stderr, "%v", err)
	}
	ctx, cancel := interruptible()
	defer cancel()
	plan, err := prune.Make(ctx, a.cloud(), cfg)
	if err != nil {
		return fail(stderr, err)
	}
	plan.Write(stdout, o.apply)
	if !o.apply {
		return exitOK
	}
	if err := plan.Apply(ctx, a.cloud(), func(s string) { fmt.Fprintln(stdout, s) }); err != nil {
		return fail(stderr, fmt.Errorf("%w\n(every image that is still registered has all its snapshots; run prune again to finish)", err))
	}
	fmt.Fprintln(stdout, "Done.")
	return exitOK
}

// config checks the flags, all problems at once.
func (o *pruneOpts) config() (prune.Config, error) {
	cfg := prune.Config{Regions: o.regions, Files: o.files, Parameters: o.params, PricePerGBMonth: o.price,
		Policy: prune.Policy{Keep: o.keep, NamePrefixes: o.prefixes, Builds: o.builds}}
	var problems []string
	if o.keep < 1 {
		problems = append(problems, fmt.Sprintf("-keep %d: keep at least 1 (a build's newest image may not be named anywhere yet)", o.keep))
	}
	if o.keepWithin != "" {
		d, err := prune.ParseAge(o.keepWithin)
		if err != nil {
			problems = append(problems, "-keep-within "+err.Error())
		}
		cfg.Policy.KeepWithin = d
	}
	for _, p := range o.params {
		if err := ssmchannel.CheckName(p); err != nil {
			problems = append(problems, "-ssm-parameter: "+err.Error())
		}
	}
	if o.price <= 0 {
		problems = append(problems, "-price-per-gb-month must be more than 0")
	}
	return cfg, joinProblems(problems)
}
