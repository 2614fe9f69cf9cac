package setup

import (
	"strings"
	"testing"
)

// The stubs below answer as Amazon Linux 2023 does (checked against AWS's
// "Package changes for curl and libcurl" page, Fedora's CurlMinimal_as_Default
// change, amazonlinux/amazon-linux-2023#150 and #416): curl-minimal is
// installed and has Provides: curl; the full build is the package curl,
// which has Provides: curl-full; both conflict. rpm -q names packages only,
// rpm -q --whatprovides any capability. The stub's database is a file of
// "package capability..." lines that dnf rewrites as it installs.
const al2023RPM = `db=$(dirname @CALLS@)/rpmdb
[ -e "$db" ] || printf '%s\n' 'curl-minimal-8.5.0-1.amzn2023.0.4.x86_64 curl' 'bash-5.2.15-1.amzn2023.0.2.x86_64 bash' >"$db"
if [ "$2" = --whatprovides ]; then
	while read -r pkg caps; do
		for c in ${pkg%%-[0-9]*} $caps; do [ "$c" = "$3" ] && { echo "$pkg"; exit 0; }; done
	done <"$db"
	echo "no package provides $3"; exit 1
fi
while read -r pkg caps; do [ "${pkg%%-[0-9]*}" = "$2" ] && { echo "$pkg"; exit 0; }; done <"$db"
echo "package $2 is not installed"; exit 1`

const al2023DNF = `db=$(dirname @CALLS@)/rpmdb
[ "$1 $2" = "-y install" ] || exit 0
shift 2
erase=0
[ "$1" != --allowerasing ] || { erase=1; shift; }
for p in "$@"; do
	case $p in
	curl | curl-full)
		if [ "$erase" = 0 ]; then
			echo 'Last metadata expiration check: 0:01:02 ago on Mon 01 Dec 2025 10:00:00 AM UTC.'
			echo 'Error: '
			echo ' Problem: problem with installed package curl-minimal-8.5.0-1.amzn2023.0.4.x86_64'
			echo '  - package curl-minimal-8.5.0-1.amzn2023.0.4.x86_64 from @System conflicts with curl provided by curl-8.5.0-1.amzn2023.0.4.x86_64 from amazonlinux'
			echo '  - conflicting requests'
			echo "(try to add '--allowerasing' to command line to replace conflicting packages or '--skip-broken' to skip uninstallable packages or '--nobest' to use not only best candidate packages)"
			exit 1
		fi
		grep -v '^curl-minimal' "$db" >"$db.new"; echo 'curl-8.5.0-1.amzn2023.0.4.x86_64 curl curl-full' >>"$db.new"; mv "$db.new" "$db"
		echo 'Installed:   curl-8.5.0-1.amzn2023.0.4.x86_64'
		echo 'Removed:   curl-minimal-8.5.0-1.amzn2023.0.4.x86_64' ;;
	git) echo 'git-2.40.1-1.amzn2023.0.3.x86_64 git' >>"$db"; echo 'Installed:   git-2.40.1-1.amzn2023.0.3.x86_64' ;;
	*) echo "No match for argument: $p"; echo 'Error: Unable to find a match: '"$p"; exit 1 ;;
	esac
done
echo Complete!`

func al2023Stubs() map[string]string {
	return map[string]string{"dnf": al2023DNF, "rpm": al2023RPM, "cat": "/usr/bin/cat", "grep": "/usr/bin/grep",
		"mv": "/usr/bin/mv", "dirname": "/usr/bin/dirname"}
}

// TestDnfCountsProvidedPackagesAsInstalled: on AL2023, curl (provided by
// curl-minimal) is installed; only git is, and dnf is never asked for curl,
// which would conflict.
func TestDnfCountsProvidedPackagesAsInstalled(t *testing.T) {
	out, calls, err := shellWithStubs(t, al2023Stubs(), "set -e; ensure_packages 0 curl git; ensure_packages 0 curl git")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if got := strings.Count(calls, "dnf -y install"); got != 1 || !strings.Contains(calls, "dnf -y install git\n") {
		t.Errorf("want one dnf install, of git only; calls:\n%s", calls)
	}
	if !strings.Contains(out, "already installed: curl git") {
		t.Errorf("the second run did not find both installed:\n%s", out)
	}
}

// TestDnfReplacesAConflictingProvider: asking for the full curl on AL2023
// conflicts with curl-minimal; the install is repeated with --allowerasing,
// which replaces it, and a second run finds curl-full installed.
func TestDnfReplacesAConflictingProvider(t *testing.T) {
	out, calls, err := shellWithStubs(t, al2023Stubs(), "set -e; ensure_packages 0 curl-full; ensure_packages 0 curl-full")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	want := "dnf -y install curl-full\ndnf -y install --allowerasing curl-full\n"
	if !strings.Contains(calls, want) || strings.Count(calls, "dnf -y install") != 2 {
		t.Errorf("calls:\n%s\nwant the conflicting install, then one with --allowerasing:\n%s", calls, want)
	}
	for _, w := range []string{"conflicts with curl provided by", "installing again with --allowerasing", "already installed: curl-full"} {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
}

// TestDnfOtherFailuresAreNotRetried: a package dnf cannot find fails at
// once; --allowerasing is only for conflicts.
func TestDnfOtherFailuresAreNotRetried(t *testing.T) {
	out, calls, err := shellWithStubs(t, al2023Stubs(), "set -e; ensure_packages 0 nope")
	if err == nil || strings.Contains(calls, "--allowerasing") || !strings.Contains(out, "Unable to find a match: nope") {
		t.Errorf("err %v, calls:\n%s\noutput:\n%s", err, calls, out)
	}
}
