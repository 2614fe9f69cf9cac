package ami

import (
	"fmt"
	"maps"

	"github.com/hashicorp/packer-plugin-sdk/multistep"
	"github.com/hashicorp/packer-plugin-sdk/template/interpolate"
)

// renderer renders attributes left for build time (tags, snapshot_tags,
// ami_description) with the build's generated data, so `{{ .SourceAMI }}`,
// `{{ .BuildRegion }}` and friends resolve. attr names the attribute in
// errors.
type renderer func(attr, value string) (string, error)

func newRenderer(state multistep.StateBag, ctx interpolate.Context) renderer {
	data, _ := stateGet[map[string]any](state, stateGeneratedData)
	ctx.Data = maps.Clone(data)
	return func(attr, value string) (string, error) {
		out, err := interpolate.Render(value, &ctx)
		if err != nil {
			return "", fmt.Errorf("rendering %s %q: %w", attr, value, err)
		}
		return out, nil
	}
}

// renderMap renders every value of m.
func (r renderer) renderMap(attr string, m map[string]string) (map[string]string, error) {
	out := make(map[string]string, len(m))
	for k, v := range m {
		rv, err := r(fmt.Sprintf("%s[%q]", attr, k), v)
		if err != nil {
			return nil, err
		}
		out[k] = rv
	}
	return out, nil
}
