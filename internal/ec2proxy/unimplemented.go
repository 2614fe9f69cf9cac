package ec2proxy

import (
	"fmt"
	"net/http"
)

// unimplemented answers the calls moto 5.2.1 does not implement, so tests
// can assert on the request the plugin sent: EnableImageDeprecation.
type unimplemented struct{}

func (unimplemented) Before(c *Call) *Answer {
	if c.Action != "EnableImageDeprecation" {
		return nil
	}
	return &Answer{Status: http.StatusOK, Body: []byte(fmt.Sprintf("<%[1]sResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>proxy</requestId><return>true</return></%[1]sResponse>", c.Action))}
}

func (unimplemented) After(_ *Call, body []byte) []byte { return body }
