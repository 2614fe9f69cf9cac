package ec2test

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

var credentialRegion = regexp.MustCompile(`Credential=[^/]+/\d+/([^/]+)/`)

func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	params, _ := url.ParseQuery(string(body))
	action := params.Get("Action")
	if action == "" {
		p.forward(w, r, body, nil)
		return
	}
	region := ""
	if m := credentialRegion.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
		region = m[1]
	}
	p.mu.Lock()
	p.requests = append(p.requests, Request{Action: action, Region: region, Params: params, At: time.Now()})
	status, code := p.injectLocked(action, params)
	if code == "" {
		p.noteLocked(action, params)
	}
	p.mu.Unlock()
	switch {
	case code != "":
		writeError(w, status, code)
	case action == "EnableImageDeprecation":
		writeXML(w, http.StatusOK, fmt.Sprintf("<%[1]sResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>proxy</requestId><return>true</return></%[1]sResponse>", action))
	default:
		p.forward(w, r, body, &action)
	}
}

// forward sends the request to moto and relays (and maybe rewrites) the
// answer.
func (p *Proxy) forward(w http.ResponseWriter, r *http.Request, body []byte, action *string) {
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
	if action != nil && resp.StatusCode == http.StatusOK {
		out = p.afterResponse(*action, out)
	}
	for k, vs := range resp.Header {
		if k != "Content-Length" {
			w.Header()[k] = vs
		}
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(out)
}

func writeError(w http.ResponseWriter, status int, code string) {
	writeErrorMessage(w, status, code, "injected by ec2test proxy")
}

func writeErrorMessage(w http.ResponseWriter, status int, code, msg string) {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(msg))
	writeXML(w, status, fmt.Sprintf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>%s</Code><Message>%s</Message></Error></Errors><RequestID>proxy</RequestID></Response>", code, b.String()))
}

func writeXML(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}
