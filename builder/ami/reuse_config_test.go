package ami

import (
	"strings"
	"testing"
)

// TestReusePrepareReportsEveryProblem: a reuse block without inputs, with
// a pattern that matches nothing or is no glob, or beside options that
// leave no image in the build region, is refused with every problem named.
func TestReusePrepareReportsEveryProblem(t *testing.T) {
	for _, tc := range []struct {
		reuse map[string]any
		extra map[string]any
		want  []string
	}{
		{map[string]any{"inputs": []string{"*.go"}, "key": "v1"}, nil, nil},
		{map[string]any{"key": "v1"}, nil, []string{"reuse: inputs is required"}},
		{map[string]any{"inputs": []string{"*.nothing", "["}}, nil,
			[]string{`pattern "*.nothing" matches no file`, `pattern "[" is not a valid glob`}},
		{map[string]any{"inputs": []string{"*.go"}}, map[string]any{"skip_create_ami": true, "skip_save_build_region": true},
			[]string{"remove skip_create_ami or the reuse block", "remove skip_save_build_region or the reuse block"}},
	} {
		m := withOptions(tc.extra)
		m["reuse"] = tc.reuse
		var c Config
		err := c.Prepare(m)
		if (err == nil) != (len(tc.want) == 0) {
			t.Errorf("%v: err %v, want %v", tc.reuse, err, tc.want)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%v: error %q lacks %q", tc.reuse, err, w)
			}
		}
	}
}
