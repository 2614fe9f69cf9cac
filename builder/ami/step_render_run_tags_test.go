package ami

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/packer-plugin-sdk/multistep"
)

// TestRunTagsCannotDropTheBuildUUID: run_tags rendered for the temporary
// resources may rename them but never replace the build's UUID tag, which
// the cleanup and the stray sweep find them by.
func TestRunTagsCannotDropTheBuildUUID(t *testing.T) {
	var out bytes.Buffer
	state := testState(&out)
	statePut(state, stateGeneratedData, map[string]any{"SourceAMIName": "jammy"})
	s := &StepRenderRunTags{
		RunTags: map[string]string{"Name": "bake {{ .SourceAMIName }}", BuildUUIDTagKey: "mine"},
		Tags:    map[string]string{BuildUUIDTagKey: "uuid-1", "App": "web"},
	}
	if got := s.Run(context.Background(), state); got != multistep.ActionContinue {
		t.Fatalf("Run = %v\n%s", got, out.String())
	}
	tags, _ := stateGet[map[string]string](state, stateRunTags)
	want := fmt.Sprint(map[string]string{"App": "web", "Name": "bake jammy", BuildUUIDTagKey: "uuid-1"})
	if fmt.Sprint(tags) != want {
		t.Errorf("temporary tags %v, want %s", tags, want)
	}
}
