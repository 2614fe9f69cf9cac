package e2e

import (
	"bytes"
	"fmt"
	"regexp"
	"testing"
)

// tfvarsString returns the quoted string value of a top-level attribute.
func tfvarsString(data []byte, name string) (string, error) {
	re := regexp.MustCompile(`(?m)^[ \t]*` + regexp.QuoteMeta(name) + `[ \t]*=[ \t]*"([^"\n]*)"`)
	m := re.FindAllSubmatch(data, -1)
	if len(m) != 1 {
		return "", fmt.Errorf("want one %s = \"…\" in the tfvars file, found %d:\n%s", name, len(m), data)
	}
	return string(m[0][1]), nil
}

// oneValueChanged checks that after is before with exactly one occurrence of
// oldValue replaced by newValue, and no other byte changed.
func oneValueChanged(before, after []byte, oldValue, newValue string) error {
	if n := bytes.Count(before, []byte(oldValue)); n != 1 {
		return fmt.Errorf("%q occurs %d times in the file before the bake, want 1", oldValue, n)
	}
	want := bytes.Replace(before, []byte(oldValue), []byte(newValue), 1)
	if !bytes.Equal(want, after) {
		return fmt.Errorf("the bake changed more than %q -> %q:\nbefore:\n%s\nafter:\n%s", oldValue, newValue, before, after)
	}
	return nil
}

func TestTfvarsString(t *testing.T) {
	tests := []struct {
		name, in, want string
		wantErr        bool
	}{
		{"plain", "ami_id = \"ami-1\"\n", "ami-1", false},
		{"aligned with comment", "region = \"x\"\n# c\nami_id    = \"ami-2\" # baked\n", "ami-2", false},
		{"indented crlf", "  ami_id=\"ami-3\"\r\n", "ami-3", false},
		{"other name only", "my_ami_id = \"ami-4\"\n", "", true},
		{"twice", "ami_id = \"a\"\nami_id = \"b\"\n", "", true},
		{"missing", "region = \"x\"\n", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tfvarsString([]byte(tt.in), "ami_id")
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Fatalf("tfvarsString(%q) = %q, %v; want %q, error %v", tt.in, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestOneValueChanged(t *testing.T) {
	before := "region = \"us-east-1\"\n\n# baked\nami_id = \"ami-aaa\"\n"
	tests := []struct {
		name, after string
		wantErr     bool
	}{
		{"only the value", "region = \"us-east-1\"\n\n# baked\nami_id = \"ami-bbb\"\n", false},
		{"comment lost", "region = \"us-east-1\"\n\nami_id = \"ami-bbb\"\n", true},
		{"reformatted", "region = \"us-east-1\"\n\n# baked\nami_id   = \"ami-bbb\"\n", true},
		{"final newline lost", "region = \"us-east-1\"\n\n# baked\nami_id = \"ami-bbb\"", true},
		{"unchanged", before, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := oneValueChanged([]byte(before), []byte(tt.after), "ami-aaa", "ami-bbb")
			if (err != nil) != tt.wantErr {
				t.Fatalf("oneValueChanged: %v, want error %v", err, tt.wantErr)
			}
		})
	}
}
