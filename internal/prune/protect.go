package prune

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ssmchannel"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/tfvarsfile"
)

// references maps an image ID to why something names it.
type references map[string][]string

func (r references) add(id, why string) {
	if !slices.Contains(r[id], why) {
		r[id] = append(r[id], why)
	}
}

// amiIDs finds image IDs in text: 17 hex digits, or 8 for older images.
var amiIDs = regexp.MustCompile(`\bami-(?:[0-9a-f]{17}|[0-9a-f]{8})\b`)

// fileReferences collects every image ID in the tfvars files and their
// histories: the current values, a commented-out one, and every rollback
// target. A file that cannot be read is an error: pruning as if it named
// nothing could delete the image it deploys.
func fileReferences(files []string) (references, error) {
	refs := references{}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("reading %s, whose images must stay: %w (fix the path; nothing was deleted)", f, err)
		}
		for _, id := range amiIDs.FindAllString(string(src), -1) {
			refs.add(id, "in "+f)
		}
		history, err := tfvarsfile.ReadHistory(f)
		if err != nil {
			return nil, fmt.Errorf("reading the history of %s, whose images must stay: %w", f, err)
		}
		why := "rollback target in " + tfvarsfile.HistoryPath(f)
		for _, e := range history {
			for _, id := range entryImages(e) {
				refs.add(id, why)
			}
		}
	}
	return refs, nil
}

// entryImages is every image a history entry would restore.
func entryImages(e tfvarsfile.Entry) []string {
	ids := []string{e.Value}
	for _, id := range e.Images {
		ids = append(ids, id)
	}
	for _, raw := range e.Raw {
		ids = append(ids, amiIDs.FindAllString(raw, -1)...)
	}
	return ids
}

// parameterReferences collects the image of every version of the SSM
// parameters in one region (any version can be labelled, or rolled back
// to). A parameter that does not exist there names nothing; any other
// error stops the prune.
func parameterReferences(ctx context.Context, c ssmchannel.Reader, region string, params []string) (references, error) {
	refs := references{}
	for _, p := range params {
		versions, err := ssmchannel.History(ctx, c, p)
		if err != nil {
			return nil, fmt.Errorf("in %s: %w (nothing was deleted)", region, err)
		}
		for _, v := range versions {
			why := fmt.Sprintf("version %d of SSM parameter %s", v.Number, p)
			if len(v.Labels) > 0 {
				why += " (" + strings.Join(v.Labels, ", ") + ")"
			}
			refs.add(strings.TrimSpace(v.Value), why)
		}
	}
	return refs, nil
}
