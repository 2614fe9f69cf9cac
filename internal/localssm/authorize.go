package localssm

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"regexp"
)

// xmlMessage finds an error message in moto's XML answer.
var xmlMessage = regexp.MustCompile(`<Message>([^<]*)</Message>`)

// authorize asks moto whether the caller may make this SSM call: the
// request goes to moto as it came, signature and all. moto checks IAM
// (when told to enforce it: INITIAL_NO_AUTH_ACTION_COUNT) before it finds
// it does not implement the call, so AccessDenied means the caller's
// policy lacks the action; anything else means go on. The answer is SSM's
// own for a denied call.
func authorize(r *http.Request, body []byte, next http.Handler) error {
	probe := r.Clone(r.Context())
	probe.Body = http.NoBody
	if len(body) > 0 {
		probe.Body = readCloser{bytes.NewReader(body)}
	}
	probe.ContentLength = int64(len(body))
	rec := httptest.NewRecorder()
	next.ServeHTTP(rec, probe)
	out := rec.Body.Bytes()
	if rec.Code != http.StatusForbidden && !bytes.Contains(out, []byte("<Code>AccessDenied</Code>")) {
		return nil
	}
	msg := "access denied"
	if m := xmlMessage.FindSubmatch(out); m != nil {
		msg = string(m[1])
	}
	return &apiError{http.StatusBadRequest, "AccessDeniedException", msg}
}

type readCloser struct{ *bytes.Reader }

func (readCloser) Close() error { return nil }
