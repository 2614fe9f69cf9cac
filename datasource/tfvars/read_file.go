package tfvars

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"slices"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/tfvarsfile"
)

// readFile reads the image from the tfvars file: the current value, or
// with previous the one that many rollbacks back, as the history records.
func (c *Config) readFile() (DatasourceOutput, error) {
	if _, err := os.Stat(c.Path); errors.Is(err, fs.ErrNotExist) {
		return DatasourceOutput{}, fmt.Errorf("path: %s does not exist: build the image it records first, or fix the path", c.Path)
	}
	current, found, err := tfvarsfile.Read(c.Path, c.Variable, false)
	if err != nil {
		return DatasourceOutput{}, errorf("path", err)
	}
	if !found {
		return DatasourceOutput{}, fmt.Errorf("variable: %s has no %s: set variable to the one holding the image ID", c.Path, c.Variable)
	}
	all, err := tfvarsfile.ReadHistory(c.Path)
	if err != nil {
		return DatasourceOutput{}, errorf("path", err)
	}
	history := tfvarsfile.ForVariable(all, c.Variable)
	e, ok := tfvarsfile.Newest(history, current.String)
	if !ok {
		e = tfvarsfile.Entry{Value: current.String} // written by hand
	}
	for n := 1; n <= c.Previous; n++ {
		if e, err = tfvarsfile.Before(history, e.Value); err != nil {
			return DatasourceOutput{}, fmt.Errorf("previous = %d: %s's history (%s) goes back only %d image(s) before the current one: %w",
				c.Previous, c.Path, tfvarsfile.HistoryPath(c.Path), n-1, err)
		}
	}
	return c.output(e)
}

// output is what an entry gives: with map_variable, its image of region
// (from the file itself for the current image).
func (c *Config) output(e tfvarsfile.Entry) (DatasourceOutput, error) {
	out := DatasourceOutput{Value: e.Value, Images: e.Images, Build: e.Build, SourceAMI: e.SourceAMI}
	if c.MapVariable == "" {
		return out, nil
	}
	if c.Previous == 0 {
		m, found, err := tfvarsfile.Read(c.Path, c.MapVariable, true)
		if err != nil {
			return out, errorf("map_variable", err)
		}
		if found {
			out.Images = m.Map
		}
	}
	id, ok := out.Images[c.Region]
	if !ok {
		return out, fmt.Errorf("map_variable: %s (for the image %s) has no region %s: it has %v", c.MapVariable, e.Value, c.Region, keys(out.Images))
	}
	out.Value = id
	return out, nil
}

func keys(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }
