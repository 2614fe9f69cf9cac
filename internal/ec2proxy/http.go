package ec2proxy

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// credentialScope is the SigV4 scope of a request: access key, region and
// service ("Credential=AKID/20260101/us-east-1/ec2/aws4_request").
var credentialScope = regexp.MustCompile(`Credential=([^/]+)/\d+/([^/]+)/([^/]+)/`)

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
		status, header, out, err := p.send(r.Context(), r.Method, r.URL.RequestURI(), r.Host, r.Header, body)
		p.reply(w, status, header, out, err)
		return
	}
	call := &Call{Action: action, Params: params, At: time.Now(), SessionToken: r.Header.Get("X-Amz-Security-Token"),
		ctx: r.Context(), header: r.Header.Clone(), body: body, path: r.URL.RequestURI(), host: r.Host}
	if m := credentialScope.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
		call.AccessKey, call.Region, call.Service = m[1], m[2], m[3]
	}
	hooks := p.record(*call)
	for _, h := range hooks {
		if a := h.Before(call); a != nil {
			writeXML(w, a.Status, string(a.Body))
			return
		}
	}
	status, header, out, err := p.Exchange(call, hooks)
	p.reply(w, status, header, out, err)
}

// Exchange sends the call to moto (re-signed if a hook rewrote it) and
// passes a successful answer through the hooks' After and the strict
// hook's final look; an EC2 refusal for lack of permission is answered the
// way EC2 answers it.
func (p *Proxy) Exchange(call *Call, hooks []Hook) (int, http.Header, []byte, error) {
	header, body, host := call.header, call.body, call.host
	if call.rewritten {
		body, host = []byte(call.Params.Encode()), "" // signed for moto's own address
		var err error
		if header, err = p.resign(call, body); err != nil {
			return 0, nil, nil, err
		}
	}
	status, header, out, err := p.send(call.context(), http.MethodPost, call.path, host, header, body)
	if err != nil {
		return status, header, out, err
	}
	if status == http.StatusOK {
		for _, h := range hooks {
			out = h.After(call, out)
		}
		out = p.strict.observe(call, out)
	} else if a := p.unauthorized(call, status, out); a != nil {
		return a.Status, http.Header{}, a.Body, nil
	}
	return status, header, out, nil
}

// send forwards one request to moto. host, when set, is the Host the
// client sent (and signed: SigV4 covers it).
func (p *Proxy) send(ctx context.Context, method, uri, host string, header http.Header, body []byte) (int, http.Header, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, p.target+uri, bytes.NewReader(body))
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header = header.Clone()
	if host != "" {
		req.Host = host
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, out, err
}

func (p *Proxy) reply(w http.ResponseWriter, status int, header http.Header, body []byte, err error) {
	if err != nil {
		writeErrorMessage(w, http.StatusBadGateway, "ProxyError", err.Error())
		return
	}
	for k, vs := range header {
		if k != "Content-Length" {
			w.Header()[k] = vs
		}
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
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
