package ec2test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

var (
	newImageID    = regexp.MustCompile(`<imageId>(ami-[0-9a-f]+)</imageId>`)
	newInstanceID = regexp.MustCompile(`<instanceId>(i-[0-9a-f]+)</instanceId>`)
	imageItem     = regexp.MustCompile(`(?s)<imageId>(ami-[0-9a-f]+)</imageId>(.*?)<imageState>available</imageState>`)
)

// injectLocked picks the fault for one call: an HTTP status and EC2 error
// code, or "" to forward it. p.mu is held.
func (p *Proxy) injectLocked(action string, params url.Values) (int, string) {
	f := p.faults
	if f.ThrottleFraction > 0 && p.rng.Float64() < f.ThrottleFraction {
		return http.StatusServiceUnavailable, "RequestLimitExceeded"
	}
	if f.ErrorFraction > 0 && p.rng.Float64() < f.ErrorFraction {
		return http.StatusInternalServerError, "InternalError"
	}
	if f.HideNewFor <= 0 {
		return 0, ""
	}
	for key, vs := range params {
		if key == "Action" || key == "Version" {
			continue
		}
		for _, v := range vs {
			if t, ok := p.created[v]; ok && time.Since(t) < f.HideNewFor {
				return http.StatusBadRequest, notFoundCode(v)
			}
		}
	}
	return 0, ""
}

func notFoundCode(id string) string {
	if strings.HasPrefix(id, "i-") {
		return "InvalidInstanceID.NotFound"
	}
	return "InvalidAMIID.NotFound"
}

// afterResponse notes the IDs a create returned and holds new images'
// state back.
func (p *Proxy) afterResponse(action string, body []byte) []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch action {
	case "CreateImage", "CopyImage", "RegisterImage":
		for _, m := range newImageID.FindAllSubmatch(body, -1) {
			p.created[string(m[1])] = time.Now()
			p.madeBy[string(m[1])] = action
		}
	case "RunInstances":
		for _, m := range newInstanceID.FindAllSubmatch(body, -1) {
			p.created[string(m[1])] = time.Now()
		}
		return rewriteAddresses(body, p.faults.InstanceAddresses)
	case "DescribeImages":
		return p.holdImagesLocked(body)
	case "DescribeInstances":
		return rewriteAddresses(p.holdInstancesLocked(body), p.faults.InstanceAddresses)
	}
	return body
}

// noteLocked remembers when instances were asked to stop or terminate.
func (p *Proxy) noteLocked(action string, params url.Values) {
	var m map[string]time.Time
	switch action {
	case "StopInstances":
		m = p.stopped
	case "TerminateInstances":
		m = p.ended
	default:
		return
	}
	for k, vs := range params {
		if strings.HasPrefix(k, "InstanceId.") {
			for _, v := range vs {
				m[v] = time.Now()
			}
		}
	}
}

var instanceItem = regexp.MustCompile(`(?s)<instanceId>(i-[0-9a-f]+)</instanceId>(.{0,400}?)<instanceState><code>\d+</code><name>([a-z-]+)</name></instanceState>`)

// holdInstancesLocked shows instances in their transitional state for as
// long as the faults say.
func (p *Proxy) holdInstancesLocked(body []byte) []byte {
	f := p.faults
	since := func(m map[string]time.Time, id string, d time.Duration) bool {
		t, ok := m[id]
		return ok && time.Since(t) < d
	}
	return instanceItem.ReplaceAllFunc(body, func(item []byte) []byte {
		m := instanceItem.FindSubmatch(item)
		id, state := string(m[1]), string(m[3])
		code, name := "", ""
		switch {
		case state == "running" && since(p.created, id, f.InstancesPendingFor):
			code, name = "0", "pending"
		case state == "stopped" && since(p.stopped, id, f.StoppingFor):
			code, name = "64", "stopping"
		case state == "terminated" && since(p.ended, id, f.TerminatingFor):
			code, name = "32", "shutting-down"
		default:
			return item
		}
		return []byte("<instanceId>" + id + "</instanceId>" + string(m[2]) + "<instanceState><code>" + code + "</code><name>" + name + "</name></instanceState>")
	})
}

// holdImagesLocked rewrites "available" to "pending" (or "failed") for
// images created less than ImagesPendingFor ago.
func (p *Proxy) holdImagesLocked(body []byte) []byte {
	f := p.faults
	if f.ImagesPendingFor <= 0 {
		return body
	}
	return imageItem.ReplaceAllFunc(body, func(item []byte) []byte {
		m := imageItem.FindSubmatch(item)
		t, ok := p.created[string(m[1])]
		if !ok || (len(f.HoldOnly) > 0 && !contains(f.HoldOnly, p.madeBy[string(m[1])])) {
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
