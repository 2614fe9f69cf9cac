package ec2proxy

import (
	"regexp"
	"time"
)

var (
	newImageID    = regexp.MustCompile(`<imageId>(ami-[0-9a-f]+)</imageId>`)
	newInstanceID = regexp.MustCompile(`<instanceId>(i-[0-9a-f]+)</instanceId>`)
	imageItem     = regexp.MustCompile(`(?s)<imageId>(ami-[0-9a-f]+)</imageId>(.*?)<imageState>available</imageState>`)
	instanceItem  = regexp.MustCompile(`(?s)<instanceId>(i-[0-9a-f]+)</instanceId>(.{0,400}?)<instanceState><code>\d+</code><name>([a-z-]+)</name></instanceState>`)
)

// After notes the IDs a create returned, holds new images' and instances'
// states back, and rewrites instance addresses.
func (h *faultHook) After(c *Call, body []byte) []byte {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch c.Action {
	case "CreateImage", "CopyImage", "RegisterImage":
		for _, m := range newImageID.FindAllSubmatch(body, -1) {
			h.created[string(m[1])] = time.Now()
			h.madeBy[string(m[1])] = c.Action
		}
	case "RunInstances":
		for _, m := range newInstanceID.FindAllSubmatch(body, -1) {
			h.created[string(m[1])] = time.Now()
		}
		return RewriteElements(body, h.faults.InstanceAddresses)
	case "CreateFleet":
		for _, id := range FleetInstanceIDs(body) {
			h.created[id] = time.Now()
			h.spot.launched[id] = time.Now()
		}
	case "DescribeImages":
		return h.holdImagesLocked(body)
	case "DescribeInstances":
		return RewriteElements(h.interruptInstancesLocked(h.holdInstancesLocked(body)), h.faults.InstanceAddresses)
	case "DescribeSpotInstanceRequests":
		return h.interruptRequestsLocked(body)
	}
	return body
}

// holdInstancesLocked shows instances in their transitional state for as
// long as the faults say.
func (h *faultHook) holdInstancesLocked(body []byte) []byte {
	f := h.faults
	since := func(m map[string]time.Time, id string, d time.Duration) bool {
		t, ok := m[id]
		return ok && time.Since(t) < d
	}
	return instanceItem.ReplaceAllFunc(body, func(item []byte) []byte {
		m := instanceItem.FindSubmatch(item)
		id, state := string(m[1]), string(m[3])
		code, name := "", ""
		switch {
		case state == "running" && since(h.created, id, f.InstancesPendingFor):
			code, name = "0", "pending"
		case state == "stopped" && since(h.stopped, id, f.StoppingFor):
			code, name = "64", "stopping"
		case state == "terminated" && since(h.ended, id, f.TerminatingFor):
			code, name = "32", "shutting-down"
		default:
			return item
		}
		return []byte("<instanceId>" + id + "</instanceId>" + string(m[2]) + "<instanceState><code>" + code + "</code><name>" + name + "</name></instanceState>")
	})
}

// holdImagesLocked rewrites "available" to "pending" (or "failed") for
// images created less than ImagesPendingFor ago.
func (h *faultHook) holdImagesLocked(body []byte) []byte {
	f := h.faults
	if f.ImagesPendingFor <= 0 {
		return body
	}
	return imageItem.ReplaceAllFunc(body, func(item []byte) []byte {
		m := imageItem.FindSubmatch(item)
		t, ok := h.created[string(m[1])]
		if !ok || (len(f.HoldOnly) > 0 && !contains(f.HoldOnly, h.madeBy[string(m[1])])) {
			return item
		}
		state := ""
		switch {
		case time.Since(t) < f.ImagesPendingFor:
			state = "pending"
		case f.FailImages:
			state = "failed"
		default:
			return item
		}
		return []byte("<imageId>" + string(m[1]) + "</imageId>" + string(m[2]) + "<imageState>" + state + "</imageState>")
	})
}
