package ec2proxy

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// motoAccount is the account moto serves every caller as: "self".
const motoAccount = "123456789012"

// Deprecate marks an image deprecated from at on, as EnableImageDeprecation
// does (moto 5.2.1 does not implement it), for any image: a test can
// deprecate a seed image that belongs to someone else.
func (p *Proxy) Deprecate(image string, at time.Time) {
	p.strict.mu.Lock()
	defer p.strict.mu.Unlock()
	p.strict.deprecated[image] = at
}

// Disable marks an image disabled, as DisableImage does.
func (p *Proxy) Disable(image string) {
	p.strict.mu.Lock()
	defer p.strict.mu.Unlock()
	p.strict.disabled[image] = true
}

// imageLifecycle records deprecation and disabling, which moto does not
// implement, and answers the calls (EnableImageDeprecation is answered by
// the unimplemented hook after this one).
func (h *strictHook) imageLifecycle(c *Call) *Answer {
	id := c.Params.Get("ImageId")
	h.mu.Lock()
	defer h.mu.Unlock()
	switch c.Action {
	case "EnableImageDeprecation":
		if at, err := time.Parse(time.RFC3339, c.Params.Get("DeprecateAt")); err == nil {
			h.deprecated[id] = at
		}
		return nil
	case "DisableImageDeprecation":
		delete(h.deprecated, id)
	case "DisableImage":
		h.disabled[id] = true
	case "EnableImage":
		delete(h.disabled, id)
	}
	return &Answer{Status: http.StatusOK, Body: []byte(fmt.Sprintf("<%[1]sResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>proxy</requestId><return>true</return></%[1]sResponse>", c.Action))}
}

// hideRetired shows DescribeImages as EC2 answers it: an image past its
// deprecation time is listed only to its owner, when asked for by ID, or
// with IncludeDeprecated; a disabled image only with IncludeDisabled
// (docs.aws.amazon.com/AWSEC2/latest/UserGuide/ami-deprecate.html,
// disable-an-ami.html). Each carries its deprecationTime.
func (h *strictHook) hideRetired(c *Call, body []byte) []byte {
	byID := false
	for k := range c.Params {
		byID = byID || strings.HasPrefix(k, "ImageId.")
	}
	withDeprecated := strings.EqualFold(c.Params.Get("IncludeDeprecated"), "true") || byID
	withDisabled := strings.EqualFold(c.Params.Get("IncludeDisabled"), "true")
	h.mu.Lock()
	defer h.mu.Unlock()
	return EachItem(body, Images(body), func(it InstanceItem) []byte {
		x := string(it.XML)
		if h.disabled[it.ID] {
			if !withDisabled {
				return nil
			}
			x = strings.Replace(x, "<imageState>available</imageState>", "<imageState>disabled</imageState>", 1)
		}
		at, ok := h.deprecated[it.ID]
		if !ok {
			return []byte(x)
		}
		if time.Now().After(at) && !withDeprecated && Element(it.XML, "imageOwnerId") != motoAccount {
			return nil
		}
		i := strings.LastIndex(x, "</item>")
		return []byte(x[:i] + "<deprecationTime>" + at.UTC().Format(time.RFC3339) + "</deprecationTime>" + x[i:])
	})
}
