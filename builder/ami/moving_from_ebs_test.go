package ami

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ebsoptions"
)

// movingPage reads docs/moving-from-amazon-ebs.mdx.
func movingPage(t *testing.T) (string, []ebsoptions.Row) {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	text, err := os.ReadFile(filepath.Join(filepath.Dir(file), "..", "..", "docs", "moving-from-amazon-ebs.mdx"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := ebsoptions.ParsePage(string(text))
	if err != nil {
		t.Fatal(err)
	}
	return string(text), rows
}

// TestMovingFromAmazonEBSPageCoversEveryOption: the page lists every
// amazon-ebs option (read from amazon-ebs's own generated spec in the Go
// module cache, plus ebsoptions.Later) once, with the release that added
// it, and nothing else; and its coverage line is the one make generate
// computes from its rows. A new amazon-ebs option fails here until the page
// says what immutable-ami does with it.
func TestMovingFromAmazonEBSPageCoversEveryOption(t *testing.T) {
	text, rows := movingPage(t)
	ebs, err := ebsoptions.AmazonEBS()
	if err != nil {
		t.Fatal(err)
	}
	want := ebsoptions.Paths(ebs)
	for _, r := range rows {
		if _, ok := want[r.Path]; !ok {
			t.Errorf("line %d: %s is not an amazon-ebs option", r.Line, r.Path)
		} else if "v"+r.Since != ebsoptions.Since(r.Path) {
			t.Errorf("line %d: %s came with amazon-ebs %s, the page says %s", r.Line, r.Path, ebsoptions.Since(r.Path), r.Since)
		}
		delete(want, r.Path)
	}
	for path := range want {
		t.Errorf("amazon-ebs option %s is missing from the page: add a row saying whether immutable-ami supports it", path)
	}
	if fixed, err := ebsoptions.SetCoverage(text); err != nil || fixed != text {
		t.Errorf("the coverage line is stale (%v): run make generate", err)
	}
}

// TestMovingFromAmazonEBSPageMatchesTheBuilder: an option the page calls
// "same" or "different" is in immutable-ami's spec and, set alone, is not
// refused; one it calls "not supported" is refused by Prepare with an error
// naming it.
func TestMovingFromAmazonEBSPageMatchesTheBuilder(t *testing.T) {
	_, rows := movingPage(t)
	var b Builder
	ours := ebsoptions.Paths(ebsoptions.FromSpec(b.ConfigSpec()))
	statuses := map[string]string{}
	for _, r := range rows {
		statuses[r.Path] = r.Status
	}
	for _, r := range rows {
		opt, inSpec := ours[r.Path]
		if !inSpec {
			t.Errorf("line %d: %s (%s) is not in immutable-ami's spec: a template using it fails to decode", r.Line, r.Path, r.Status)
			continue
		}
		errs := prepareErrorsWith(t, r.Path, sampleRaw(r.Path, opt, ours))
		leaf := r.Path[strings.LastIndex(r.Path, ".")+1:]
		top := strings.Split(r.Path, ".")[0]
		refused := strings.Contains(errs, "not supported") &&
			(strings.Contains(errs, leaf) || (statuses[top] == ebsoptions.Unsupported && strings.Contains(errs, top)))
		switch {
		case r.Status == ebsoptions.Unsupported && !refused:
			t.Errorf("line %d: the page says %s is not supported, but Prepare does not refuse it by name:\n%s", r.Line, r.Path, errs)
		case r.Status != ebsoptions.Unsupported && strings.Contains(errs, "not supported"):
			t.Errorf("line %d: the page says %s is %s, but Prepare refuses it:\n%s", r.Line, r.Path, r.Status, errs)
		}
	}
}

// prepareErrorsWith is Prepare's error text for the minimal template plus
// raw, "" when it is valid.
func prepareErrorsWith(t *testing.T, path string, raw map[string]any) string {
	t.Helper()
	m := minimalTemplate()
	for k, v := range raw {
		m[k] = v
	}
	var c Config
	if err := c.Prepare(m); err != nil {
		return err.Error()
	}
	return ""
}

// sampleRaw is a template fragment setting path to a value of its type,
// inside the blocks that hold it.
func sampleRaw(path string, opt ebsoptions.Option, ours map[string]ebsoptions.Option) map[string]any {
	parts := strings.Split(path, ".")
	var v any
	switch opt.Kind {
	case ebsoptions.Block:
		v = map[string]any{}
	case ebsoptions.BlockList:
		v = []map[string]any{{}}
	default:
		v = sampleValue(parts[len(parts)-1], opt.Type)
	}
	for i := len(parts) - 1; i > 0; i-- {
		inner := map[string]any{parts[i]: v}
		if ours[strings.Join(parts[:i], ".")].Kind == ebsoptions.BlockList {
			v = []map[string]any{inner}
		} else {
			v = inner
		}
	}
	return map[string]any{parts[0]: v}
}

// samples are values an option accepts where any other would be refused
// for the value, not for the option.
var samples = map[string]any{"communicator": "ssh", "temporary_key_pair_type": "ed25519"}

func sampleValue(name, typ string) any {
	if v, ok := samples[name]; ok {
		return v
	}
	if strings.HasSuffix(name, "timeout") || strings.HasSuffix(name, "interval") || strings.HasPrefix(name, "pause_") {
		return "5m" // durations
	}
	switch typ {
	case "bool":
		return true
	case "number":
		return 1
	case "list of string":
		return []string{sampleText}
	case "list of number":
		return []int{1}
	case "map of string":
		return map[string]string{"sample-key-4f1c9e": sampleText}
	}
	return sampleText
}

// sampleText is the sample string: distinctive, because Prepare registers
// secrets (secret_key, token …) with the process-wide log filter, which
// would then mask that text in every later test's output.
const sampleText = "sample-4f1c9e"
