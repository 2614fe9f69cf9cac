package ec2proxy

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// tagSpec is one TagSpecification.N of a call.
type tagSpec struct {
	resourceType string
	tags         []types.Tag
}

// tagSpecs reads a call's TagSpecification.N.ResourceType and
// TagSpecification.N.Tag.M.Key/Value parameters, in order.
func tagSpecs(params url.Values) []tagSpec {
	byN := map[int]*tagSpec{}
	tagsByN := map[int]map[int]*types.Tag{}
	for k, vs := range params {
		parts := strings.Split(k, ".")
		if parts[0] != "TagSpecification" || len(parts) < 3 {
			continue
		}
		n, _ := strconv.Atoi(parts[1])
		if byN[n] == nil {
			byN[n], tagsByN[n] = &tagSpec{}, map[int]*types.Tag{}
		}
		switch {
		case parts[2] == "ResourceType":
			byN[n].resourceType = vs[0]
		case parts[2] == "Tag" && len(parts) == 5:
			m, _ := strconv.Atoi(parts[3])
			if tagsByN[n][m] == nil {
				tagsByN[n][m] = &types.Tag{}
			}
			if parts[4] == "Key" {
				tagsByN[n][m].Key = aws.String(vs[0])
			} else {
				tagsByN[n][m].Value = aws.String(vs[0])
			}
		}
	}
	var specs []tagSpec
	for _, n := range sortedKeys(byN) {
		for _, m := range sortedKeys(tagsByN[n]) {
			byN[n].tags = append(byN[n].tags, *tagsByN[n][m])
		}
		specs = append(specs, *byN[n])
	}
	return specs
}

func sortedKeys[V any](m map[int]V) []int {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	return keys
}

// takeTagSpecs keeps the tags moto would not apply for after the call:
// CreateImage's snapshot tags (moto 5.2.1 fails on them, so they are taken
// out of the call) and all of CopyImage's (moto ignores them).
func (h *strictHook) takeTagSpecs(c *Call) {
	specs := tagSpecs(c.Params)
	var later, keep []tagSpec
	for _, s := range specs {
		if c.Action == "CopyImage" || s.resourceType == "snapshot" {
			later = append(later, s)
		}
		if s.resourceType != "snapshot" {
			keep = append(keep, s)
		}
	}
	if c.Action == "CreateImage" && len(keep) != len(specs) {
		params := url.Values{}
		for k, vs := range c.Params {
			if !strings.HasPrefix(k, "TagSpecification.") {
				params[k] = vs
			}
		}
		for i, s := range keep {
			p := fmt.Sprintf("TagSpecification.%d.", i+1)
			params.Set(p+"ResourceType", s.resourceType)
			for j, t := range s.tags {
				params.Set(fmt.Sprintf("%sTag.%d.Key", p, j+1), aws.ToString(t.Key))
				params.Set(fmt.Sprintf("%sTag.%d.Value", p, j+1), aws.ToString(t.Value))
			}
		}
		c.Rewrite(params)
	}
	if len(later) > 0 {
		c.scratch = map[string]any{"tags": later}
	}
}

// applyTagSpecs puts the kept tags on the new image and its snapshots.
func (h *strictHook) applyTagSpecs(c *Call, image string) {
	specs, _ := c.scratch["tags"].([]tagSpec)
	if image == "" || len(specs) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), ownCallTimeout)
	defer cancel()
	snaps := h.snapshotsOf(c.Region, image)
	for _, s := range specs {
		ids := []string{image}
		if s.resourceType == "snapshot" {
			ids = snaps
		}
		if len(ids) > 0 && len(s.tags) > 0 {
			_, _ = h.p.own(c.Region).CreateTags(ctx, &ec2.CreateTagsInput{Resources: ids, Tags: s.tags})
		}
	}
}
