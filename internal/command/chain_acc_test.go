//go:build acc

package command

import (
	"strings"
	"testing"
	"time"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2test"
)

// history -image walks an image's lineage tags down to an image this plugin
// did not build; from a region copy it follows the source into the build
// region; an image that is gone is said so.
func TestHistoryShowsTheChain(t *testing.T) {
	m := ec2test.Start(t)
	m.SetEnv(t)
	e := seedEstate(t, m)
	code, out, errOut := run(t, "history", "-image", e.app1, "-region", "us-east-1")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 3 || !strings.HasPrefix(lines[0], e.app1+" (app-1, us-east-1)") || !strings.Contains(lines[0], "by immutable-ami.app") ||
		!strings.HasPrefix(lines[1], "└─ "+e.base1+" (base-1, us-east-1)") || !strings.HasPrefix(lines[2], "   └─ "+ec2test.SeedAMI) ||
		!strings.Contains(lines[2], "not built by this plugin (owner 099720109477") {
		t.Errorf("history -image app-1: %d\n%s%s", code, out, errOut)
	}
	code, out, _ = run(t, "history", "-image", e.west[0], "-region", "us-west-2")
	if code != 0 || !strings.Contains(out, "└─ "+ec2test.SeedAMI+" (ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240207, us-east-1)") {
		t.Errorf("history -image of a copy in us-west-2: %d\n%s", code, out)
	}
	code, _, errOut = run(t, "history", "-image", "ami-0123456789abcdef0", "-region", "us-east-1")
	if code != 1 || !strings.Contains(errOut, "not found in us-east-1: name its region with -region") {
		t.Errorf("history -image of an unknown image: %d %q", code, errOut)
	}
}

// Without -regions, prune looks in every region the account has enabled
// (moto's DescribeRegions lists them all) and finds copies anywhere.
func TestPruneLooksInEveryEnabledRegion(t *testing.T) {
	m := ec2test.Start(t)
	m.SetEnv(t)
	e := seedEstate(t, m)
	start := time.Now()
	code, out, errOut := run(t, "prune", "-keep", "1", "-keep-within", "0", "-file", e.file, "-ssm-parameter", "/images/web")
	if code != 0 || !strings.Contains(out, "ap-southeast-2") || !strings.HasPrefix(lineFor(out, e.west[1]), "would delete  us-west-2") {
		t.Errorf("prune over every region: %d\n%s%s", code, out, errOut)
	}
	t.Logf("a dry run over %d regions took %s", strings.Count(strings.SplitN(out, "\n", 2)[0], ",")+1, time.Since(start).Round(time.Millisecond))
	// By default an image younger than an hour stays: a parallel build may
	// still be writing it into its tfvars file.
	code, out, _ = run(t, "prune", "-keep", "1", "-regions", "us-east-1,us-west-2", "-file", e.file, "-ssm-parameter", "/images/web")
	if l := lineFor(out, e.web[3]); code != 0 || !strings.HasPrefix(l, "keep") || !strings.Contains(l, "younger than 1h0m0s") {
		t.Errorf("default -keep-within: %d, %q", code, l)
	}
}
