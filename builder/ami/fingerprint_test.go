package ami

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func fingerprint(t *testing.T, in FingerprintInput) string {
	t.Helper()
	fp, err := Fingerprint(in)
	if err != nil {
		t.Fatal(err)
	}
	return fp
}

func TestFingerprintChangesWithEveryInput(t *testing.T) {
	tree := map[string]string{"image.pkr.hcl": "source {}", "scripts/setup.sh": "apt-get install nginx", "scripts/lib/x.sh": "x", "notes.txt": "n"}
	dir := t.TempDir()
	writeTree(t, dir, tree)
	base := FingerprintInput{SourceAMI: "ami-0000000000000000a", Options: imageOptions{InstanceType: "t3.micro"}, Dir: dir,
		Files: []string{"*.pkr.hcl", "scripts/**"}, Key: "k1"}
	want := fingerprint(t, base)
	elsewhere := t.TempDir()
	writeTree(t, elsewhere, tree)
	moved := base
	moved.Dir = elsewhere
	if got := fingerprint(t, moved); got != want {
		t.Errorf("the same files elsewhere: %s, want %s", got, want)
	}
	writeTree(t, dir, map[string]string{"notes.txt": "not an input"})
	if got := fingerprint(t, base); got != want {
		t.Error("a file no pattern names changed the fingerprint")
	}
	changes := map[string]func(in *FingerprintInput){
		"source image": func(in *FingerprintInput) { in.SourceAMI = "ami-0000000000000000b" },
		"an option":    func(in *FingerprintInput) { in.Options.UserData = "#!/bin/sh" },
		"ena_support":  func(in *FingerprintInput) { in.Options.ENASupport = new(bool) },
		"the Spot instance types": func(in *FingerprintInput) {
			in.Options.InstanceType, in.Options.SpotInstanceTypes = "", []string{"t3.micro", "t3a.micro"}
		},
		"the key": func(in *FingerprintInput) { in.Key = "k2" },
		"a file": func(in *FingerprintInput) {
			writeTree(t, in.Dir, map[string]string{"scripts/setup.sh": "apt-get install apache2"})
		},
		"a new file": func(in *FingerprintInput) { writeTree(t, in.Dir, map[string]string{"scripts/lib/deep/y.sh": "y"}) },
		"a rename": func(in *FingerprintInput) {
			_ = os.Rename(filepath.Join(in.Dir, "scripts/lib/x.sh"), filepath.Join(in.Dir, "scripts/lib/z.sh"))
		},
	}
	for what, change := range changes {
		in := base
		in.Dir = t.TempDir()
		writeTree(t, in.Dir, tree)
		change(&in)
		if got := fingerprint(t, in); got == want {
			t.Errorf("changing %s left the fingerprint as it was", what)
		}
	}
}

func TestFingerprintPatterns(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"a/b/c.sh": "c", "a/d.sh": "d", "e.sh": "e"})
	files, err := expandGlobs(dir, []string{"**/*.sh", filepath.Join(dir, "a", "*.sh")})
	if err != nil || strings.Join(files, " ") != "a/b/c.sh a/d.sh e.sh" {
		t.Errorf("files %v %v", files, err)
	}
	for pat, want := range map[string]string{"*.pkr.hcl": "matches no file", "/elsewhere/**": "outside"} {
		if _, err := expandGlobs(dir, []string{pat}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("pattern %s: %v, want %q", pat, err, want)
		}
	}
}
