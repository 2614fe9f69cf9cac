package ec2proxy

import (
	"fmt"
	"net/http"
)

// unimplemented answers the calls moto 5.2.1 does not implement, as EC2
// would (success), so tests can assert on the request the plugin sent:
// EnableImageDeprecation, Enable/DisableImageDeregistrationProtection, and
// ModifyInstanceAttribute's EnaSupport and SriovNetSupport (moto raises
// NotImplementedError for those).
type unimplemented struct{}

func (unimplemented) Before(c *Call) *Answer {
	switch c.Action {
	case "EnableImageDeprecation", "EnableImageDeregistrationProtection", "DisableImageDeregistrationProtection":
	case "ModifyInstanceAttribute":
		if c.Params.Get("EnaSupport.Value") == "" && c.Params.Get("SriovNetSupport.Value") == "" {
			return nil
		}
	default:
		return nil
	}
	return &Answer{Status: http.StatusOK, Body: []byte(fmt.Sprintf("<%[1]sResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>proxy</requestId><return>true</return></%[1]sResponse>", c.Action))}
}

func (unimplemented) After(_ *Call, body []byte) []byte { return body }
