package ec2proxy

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// ownCallTimeout bounds one of the proxy's own calls to moto.
const ownCallTimeout = 10 * time.Second

// emulateBefore does, before moto sees the call, what EC2 does and moto
// 5.2.1 does not: answer a repeated client token with the first answer
// (docs.aws.amazon.com/ec2/latest/devguide/ec2-api-idempotency.html),
// refuse a second AMI with the same name (InvalidAMIName.Duplicate), keep
// the snapshot tags CreateImage and CopyImage are given (moto fails on
// them, or drops them), note an image's snapshots before it is
// deregistered, and record image deprecation and disabling.
func (h *strictHook) emulateBefore(c *Call) *Answer {
	switch c.Action {
	case "RunInstances", "CopyImage":
		if a := h.replayToken(c); a != nil {
			return a
		}
	}
	switch c.Action {
	case "CreateImage", "CopyImage", "RegisterImage":
		if a := h.duplicateName(c); a != nil {
			return a
		}
		h.takeTagSpecs(c)
	case "DeregisterImage":
		c.scratch = map[string]any{"snapshots": h.snapshotsOf(c.Region, c.Params.Get("ImageId"))}
	case "EnableImageDeprecation", "DisableImageDeprecation", "DisableImage", "EnableImage":
		return h.imageLifecycle(c)
	}
	return nil
}

// emulateAfter completes what moto left undone once the call succeeded.
func (h *strictHook) emulateAfter(c *Call, body []byte) []byte {
	switch c.Action {
	case "CreateImage", "CopyImage":
		h.applyTagSpecs(c, Element(body, "imageId"))
	case "DeregisterImage":
		return h.deregistered(c, body)
	case "DescribeImages":
		return h.hideRetired(c, body)
	}
	return body
}

func tokenKey(c *Call) string {
	t := c.Params.Get("ClientToken")
	if t == "" {
		return ""
	}
	return c.Region + "|" + c.Action + "|" + t
}

func (h *strictHook) replayToken(c *Call) *Answer {
	h.mu.Lock()
	defer h.mu.Unlock()
	if k := tokenKey(c); k != "" && h.tokens[k] != nil {
		return &Answer{Status: http.StatusOK, Body: h.tokens[k]}
	}
	return nil
}

func (h *strictHook) rememberToken(c *Call, body []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if k := tokenKey(c); k != "" && h.tokens[k] == nil {
		h.tokens[k] = append([]byte(nil), body...)
	}
}

// duplicateName refuses an AMI name this account already uses in the
// region, deregistered images aside (disabled ones keep their name).
func (h *strictHook) duplicateName(c *Call) *Answer {
	name := c.Params.Get("Name")
	if name == "" {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), ownCallTimeout)
	defer cancel()
	out, err := h.p.own(c.Region).DescribeImages(ctx, &ec2.DescribeImagesInput{Owners: []string{"self"},
		Filters: []types.Filter{{Name: aws.String("name"), Values: []string{name}}}})
	if err != nil || len(out.Images) == 0 {
		return nil
	}
	return ErrorAnswer(http.StatusBadRequest, "InvalidAMIName.Duplicate",
		fmt.Sprintf("AMI name %s is already in use by AMI %s", name, aws.ToString(out.Images[0].ImageId)))
}

// snapshotsOf lists the snapshots an image's block devices use.
func (h *strictHook) snapshotsOf(region, image string) []string {
	ctx, cancel := context.WithTimeout(context.Background(), ownCallTimeout)
	defer cancel()
	out, err := h.p.own(region).DescribeImages(ctx, &ec2.DescribeImagesInput{ImageIds: []string{image}})
	if err != nil || len(out.Images) == 0 {
		return nil
	}
	var snaps []string
	for _, m := range out.Images[0].BlockDeviceMappings {
		if m.Ebs != nil && m.Ebs.SnapshotId != nil {
			snaps = append(snaps, *m.Ebs.SnapshotId)
		}
	}
	return snaps
}

// deregistered deletes the image's snapshots when the call asked for it
// (DeleteAssociatedSnapshots: each unless another AMI uses it, as EC2
// does), and otherwise keeps them "in use" for SnapshotInUseFor.
func (h *strictHook) deregistered(c *Call, body []byte) []byte {
	snaps, _ := c.scratch["snapshots"].([]string)
	if !strings.EqualFold(c.Params.Get("DeleteAssociatedSnapshots"), "true") {
		h.mu.Lock()
		for _, s := range snaps {
			h.inUse[s] = time.Now()
		}
		h.mu.Unlock()
		return body
	}
	var results strings.Builder
	for _, s := range snaps {
		fmt.Fprintf(&results, "<item><snapshotId>%s</snapshotId><returnCode>%s</returnCode></item>", s, h.deleteSnapshot(c.Region, s))
	}
	end := "</DeregisterImageResponse>"
	return []byte(strings.Replace(string(body), end, "<deleteSnapshotResultSet>"+results.String()+"</deleteSnapshotResultSet>"+end, 1))
}

// deleteSnapshot deletes one snapshot of a deregistered image and says
// how it went, in EC2's words.
func (h *strictHook) deleteSnapshot(region, snap string) string {
	ctx, cancel := context.WithTimeout(context.Background(), ownCallTimeout)
	defer cancel()
	c := h.p.own(region)
	// moto has no block-device-mapping.snapshot-id filter: look through all.
	users, err := c.DescribeImages(ctx, &ec2.DescribeImagesInput{Owners: []string{"self"}})
	if err != nil {
		return "internal-error"
	}
	for _, img := range users.Images {
		for _, m := range img.BlockDeviceMappings {
			if m.Ebs != nil && aws.ToString(m.Ebs.SnapshotId) == snap {
				return "skipped" // another AMI uses it
			}
		}
	}
	if _, err := c.DeleteSnapshot(ctx, &ec2.DeleteSnapshotInput{SnapshotId: aws.String(snap)}); err != nil {
		return "internal-error"
	}
	return "success"
}
