package ec2proxy

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

var credentialRegion = regexp.MustCompile(`Credential=([^/]+)/\d+/([^/]+)/`)

// ServeHTTP records an EC2 Query call, lets the hooks answer or change it,
// and forwards it to moto. Anything else (moto's own API) is forwarded as
// is; a reset of moto's state also resets the hooks.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	params, _ := url.ParseQuery(string(body))
	action := params.Get("Action")
	if action == "" {
		if r.URL.Path == "/moto-api/reset" {
			p.Reset()
		}
		p.forward(w, r, body, nil, nil)
		return
	}
	call := &Call{Action: action, Params: params, At: time.Now(), SessionToken: r.Header.Get("X-Amz-Security-Token")}
	if m := credentialRegion.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
		call.AccessKey, call.Region = m[1], m[2]
	}
	hooks := p.record(*call)
	for _, h := range hooks {
		if a := h.Before(call); a != nil {
			writeXML(w, a.Status, string(a.Body))
			return
		}
	}
	p.forward(w, r, body, call, hooks)
}

// forward sends the request to moto and relays the answer, passed through
// the hooks' After when it is a successful EC2 call.
func (p *Proxy) forward(w http.ResponseWriter, r *http.Request, body []byte, call *Call, hooks []Hook) {
	req, err := http.NewRequestWithContext(r.Context(), r.Method, p.target+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		writeErrorMessage(w, http.StatusBadGateway, "ProxyError", err.Error())
		return
	}
	req.Header = r.Header.Clone()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		writeErrorMessage(w, http.StatusBadGateway, "ProxyError", err.Error())
		return
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	if call != nil && resp.StatusCode == http.StatusOK {
		for _, h := range hooks {
			out = h.After(call, out)
		}
	}
	for k, vs := range resp.Header {
		if k != "Content-Length" {
			w.Header()[k] = vs
		}
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(out)
}

// ErrorAnswer is an EC2 error reply with the given HTTP status, code and
// message, as hooks return it from Before.
func ErrorAnswer(status int, code, msg string) *Answer {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(msg))
	return &Answer{Status: status, Body: []byte(fmt.Sprintf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>%s</Code><Message>%s</Message></Error></Errors><RequestID>proxy</RequestID></Response>", code, b.String()))}
}

func writeErrorMessage(w http.ResponseWriter, status int, code, msg string) {
	a := ErrorAnswer(status, code, msg)
	writeXML(w, a.Status, string(a.Body))
}

func writeXML(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}
