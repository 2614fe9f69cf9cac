package localssm

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
)

// portForwardingDocument is the one document the stand-in runs.
const portForwardingDocument = "AWS-StartPortForwardingSession"

var credentialRegion = regexp.MustCompile(`Credential=[^/]+/\d+/([^/]+)/`)

type startSessionInput struct {
	Target       string              `json:"Target"`
	DocumentName string              `json:"DocumentName"`
	Parameters   map[string][]string `json:"Parameters"`
	Reason       string              `json:"Reason"`
}

type sessionIDBody struct {
	SessionID string `json:"SessionId"`
}

// apiError is an SSM error answer.
type apiError struct {
	status        int
	code, message string
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

// serveAPI answers one SSM API call (the awsJson1_1 protocol); moto
// (next) first says whether the caller may make it.
func (s *StandIn) serveAPI(w http.ResponseWriter, r *http.Request, action string, next http.Handler) {
	body, _ := io.ReadAll(r.Body)
	call := Call{Action: action}
	if m := credentialRegion.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
		call.Region = m[1]
	}
	var answer any
	err := authorize(r, body, next)
	switch {
	case err != nil:
	case action == "StartSession":
		answer, err = s.startSession(r, body, &call)
	case action == "TerminateSession":
		answer, err = s.terminateSession(body, &call)
	default:
		err = &apiError{http.StatusBadRequest, "ValidationException", "the local stand-in does not implement " + action}
	}
	var ae *apiError
	if errors.As(err, &ae) {
		call.Error = ae.code
	}
	s.record(call)
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	if ae != nil {
		w.Header().Set("X-Amzn-Errortype", ae.code)
		w.WriteHeader(ae.status)
		_ = json.NewEncoder(w).Encode(map[string]string{"__type": ae.code, "message": ae.message})
		return
	}
	_ = json.NewEncoder(w).Encode(answer)
}

type startSessionOutput struct {
	SessionID  string `json:"SessionId"`
	StreamURL  string `json:"StreamUrl"`
	TokenValue string `json:"TokenValue"`
}

// startSession opens a session to an online instance: the client then
// connects to its StreamUrl with its TokenValue.
func (s *StandIn) startSession(r *http.Request, body []byte, call *Call) (any, error) {
	var in startSessionInput
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, &apiError{http.StatusBadRequest, "SerializationException", err.Error()}
	}
	call.Target, call.Document, call.Parameters = in.Target, in.DocumentName, in.Parameters
	if in.DocumentName != portForwardingDocument {
		return nil, &apiError{http.StatusBadRequest, "InvalidDocument",
			fmt.Sprintf("Document %s does not exist (the local stand-in runs only %s)", in.DocumentName, portForwardingDocument)}
	}
	port, err := portParameter(in.Parameters)
	if err != nil {
		return nil, err
	}
	if err := s.cfg.Targets.Online(r.Context(), call.Region, in.Target); err != nil {
		s.logf("StartSession %s: not connected: %v", in.Target, err)
		return nil, &apiError{http.StatusBadRequest, "TargetNotConnected", in.Target + " is not connected."}
	}
	se := s.newSession(in.Target, port, in.Parameters)
	call.SessionID = se.id
	s.logf("session %s to port %d of %s", se.id, port, in.Target)
	return startSessionOutput{SessionID: se.id, TokenValue: se.token,
		StreamURL: "ws://" + r.Host + dataChannelPath + se.id + "?role=publish_subscribe"}, nil
}

// portParameter is the document's portNumber (its default is 80).
func portParameter(p map[string][]string) (int, error) {
	v := "80"
	if len(p["portNumber"]) > 0 {
		v = p["portNumber"][0]
	}
	port, err := strconv.Atoi(v)
	if err != nil || port < 1 || port > 65535 {
		return 0, &apiError{http.StatusBadRequest, "InvalidParameters", fmt.Sprintf("portNumber %q is not a port", v)}
	}
	return port, nil
}

func (s *StandIn) terminateSession(body []byte, call *Call) (any, error) {
	var in sessionIDBody
	_ = json.Unmarshal(body, &in)
	call.SessionID = in.SessionID
	s.mu.Lock()
	se := s.sessions[in.SessionID]
	s.mu.Unlock()
	if se == nil {
		return nil, &apiError{http.StatusBadRequest, "DoesNotExistException", "Session " + in.SessionID + " does not exist."}
	}
	se.terminate("Session terminated by TerminateSession")
	return sessionIDBody{SessionID: in.SessionID}, nil
}
