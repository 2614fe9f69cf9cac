package ami

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func mustFingerprint(t *testing.T, in FingerprintInput) string {
	t.Helper()
	fp, err := Fingerprint(in)
	if err != nil {
		t.Fatal(err)
	}
	return fp
}

var fingerprintTree = map[string]string{"images/image.pkr.hcl": "source {}", "scripts/setup.sh": "apt-get install nginx",
	"scripts/lib/x.sh": "x", "notes.txt": "n"}

func TestFingerprintChangesWithEveryInput(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, fingerprintTree)
	base := FingerprintInput{SourceAMI: "ami-0000000000000000a", Options: map[string]any{"instance_type": "t3.micro"},
		Dir: dir, Files: []string{"images/*.pkr.hcl", "scripts/**"}, Key: "k1"}
	want := mustFingerprint(t, base)
	writeTree(t, dir, map[string]string{"notes.txt": "not an input"})
	if got := mustFingerprint(t, base); got != want {
		t.Error("a file no pattern names changed the fingerprint")
	}
	changes := map[string]func(in *FingerprintInput){
		"source image": func(in *FingerprintInput) { in.SourceAMI = "ami-0000000000000000b" },
		"an option":    func(in *FingerprintInput) { in.Options = map[string]any{"instance_type": "t3.small"} },
		"a new option": func(in *FingerprintInput) { in.Options = map[string]any{"instance_type": "t3.micro", "user_data": "x"} },
		"the key":      func(in *FingerprintInput) { in.Key = "k2" },
		"no key":       func(in *FingerprintInput) { in.Key = "" },
		"fewer inputs": func(in *FingerprintInput) { in.Files = []string{"scripts/**"} },
		"a file's text": func(in *FingerprintInput) {
			writeTree(t, in.Dir, map[string]string{"scripts/setup.sh": "apt-get install apache2"})
		},
		"a new file": func(in *FingerprintInput) { writeTree(t, in.Dir, map[string]string{"scripts/lib/deep/y.sh": "y"}) },
		"a rename": func(in *FingerprintInput) {
			_ = os.Rename(filepath.Join(in.Dir, "scripts/lib/x.sh"), filepath.Join(in.Dir, "scripts/lib/z.sh"))
		},
		"a move to another folder": func(in *FingerprintInput) {
			_ = os.MkdirAll(filepath.Join(in.Dir, "scripts/other"), 0o755)
			_ = os.Rename(filepath.Join(in.Dir, "scripts/lib/x.sh"), filepath.Join(in.Dir, "scripts/other/x.sh"))
		},
	}
	for what, change := range changes {
		in := base
		in.Dir = t.TempDir()
		writeTree(t, in.Dir, fingerprintTree)
		change(&in)
		if got := mustFingerprint(t, in); got == want {
			t.Errorf("changing %s left the fingerprint as it was", what)
		}
	}
}

// TestFingerprintIsTheSameElsewhere: the same tree checked out in another
// folder, and packer run from another folder with the patterns given
// from the template's folder (path.root), give the same fingerprint.
func TestFingerprintIsTheSameElsewhere(t *testing.T) {
	var got []string
	for range 2 {
		dir := t.TempDir()
		writeTree(t, dir, fingerprintTree)
		rel := FingerprintInput{SourceAMI: "ami-1", Dir: dir, Files: []string{"images/*.pkr.hcl", "scripts/**"}}
		abs := FingerprintInput{SourceAMI: "ami-1", Dir: t.TempDir(),
			Files: []string{filepath.Join(dir, "images", "*.pkr.hcl"), filepath.Join(dir, "images", "..", "scripts", "**")}}
		got = append(got, mustFingerprint(t, rel), mustFingerprint(t, abs))
	}
	for _, fp := range got[1:] {
		if fp != got[0] {
			t.Fatalf("fingerprints %v: want all equal", got)
		}
	}
}

func TestFingerprintInputPatterns(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"a/b/c.sh": "c", "a/d.sh": "d", "e.sh": "e", ".env": "secret-ish",
		".git/config": "g", "a/.hidden/h.sh": "h", "a/.f.sh": "f", "x/.config/app.conf": "conf"})
	if err := os.Symlink(filepath.Join(dir, "e.sh"), filepath.Join(dir, "a", "link.sh")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "a"), filepath.Join(dir, "linked-folder")); err != nil {
		t.Fatal(err)
	}
	for pats, want := range map[string]string{
		"**":                 "a/b/c.sh a/d.sh a/link.sh e.sh",
		"**/*.sh":            "a/b/c.sh a/d.sh a/link.sh e.sh",
		"a/*.sh":             "a/d.sh a/link.sh",
		"a/.*.sh":            "a/.f.sh",
		".env":               ".env",
		"**/.config/*":       "x/.config/app.conf",
		"a/**/c.sh|e.sh":     "a/b/c.sh e.sh",
		dir + "/a/b/*":       "a/b/c.sh",
		"linked-folder/d.sh": "linked-folder/d.sh",
		"a/[b]/?.sh":         "a/b/c.sh",
	} {
		files, err := expandInputs(dir, strings.Split(pats, "|"))
		var rels []string
		for _, p := range files.Paths {
			rels = append(rels, strings.TrimPrefix(filepath.ToSlash(p), filepath.ToSlash(dir)+"/"))
		}
		if err != nil || strings.Join(rels, " ") != want {
			t.Errorf("%s: %v %v, want %s", pats, rels, err, want)
		}
	}
}

func TestFingerprintInputErrorsNameThePattern(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"a.sh": "a"})
	_, err := expandInputs(dir, []string{"*.pkr.hcl", "a.sh", "[", "nowhere/**"})
	for _, want := range []string{`"*.pkr.hcl" matches no file`, `"[" is not a valid glob`, `"nowhere/**" matches no file`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v: want %q (every bad pattern at once)", err, want)
		}
	}
}

func TestFingerprintPathsAreRelativeToTheFilesCommonFolder(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, fingerprintTree)
	files, err := expandInputs(filepath.Join(dir, "images"), []string{"*.pkr.hcl", "../scripts/*.sh"})
	if err != nil || files.Root != dir || files.Rel(files.Paths[0]) != "images/image.pkr.hcl" ||
		files.Rel(files.Paths[1]) != "scripts/setup.sh" {
		t.Errorf("root %s, files %v, %v", files.Root, files.Paths, err)
	}
}
