package localcloud

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"time"
)

// Replacement is what Watch saw while an instance was replaced.
type Replacement struct {
	Lines []string // the timeline, one event a line
	// NewID answered first at NewAt; the old instance last answered at
	// OldLastAt and was seen not answering at OldGoneAt (all since the
	// watch began; -1 when it did not happen).
	NewID                       string
	NewAt, OldLastAt, OldGoneAt time.Duration
}

// Overlapped reports whether the new instance answered while the old one,
// which had answered, still ran: it was created before the old one was
// destroyed.
func (r Replacement) Overlapped() bool {
	return r.NewAt >= 0 && r.OldLastAt >= 0 && (r.OldGoneAt < 0 || r.NewAt < r.OldGoneAt)
}

// Watch polls the web page (port) of the old instance and of every instance
// launched after the watch began, on the addresses the cloud lists at
// endpoint, until the old one stopped answering and a new one answered, or
// ctx ends.
func Watch(ctx context.Context, endpoint, oldID string, port int, every time.Duration) Replacement {
	w := &watcher{endpoint: endpoint, old: oldID, port: port, start: time.Now(),
		r: Replacement{NewAt: -1, OldLastAt: -1, OldGoneAt: -1}, seen: map[string]bool{}, client: &http.Client{Timeout: time.Second}}
	if infos, err := w.list(ctx); err == nil {
		for _, in := range infos {
			w.seen[in.ID] = true
		}
	}
	for ctx.Err() == nil && (w.r.OldGoneAt < 0 || w.r.NewAt < 0) {
		w.poll(ctx)
		select {
		case <-ctx.Done():
		case <-time.After(every):
		}
	}
	return w.r
}

type watcher struct {
	endpoint, old string
	port          int
	start         time.Time
	r             Replacement
	seen          map[string]bool // instances there when the watch began
	client        *http.Client
}

func (w *watcher) poll(ctx context.Context) {
	infos, err := w.list(ctx)
	if err != nil {
		return
	}
	for _, in := range infos {
		at := time.Since(w.start)
		switch {
		case in.ID == w.old:
			page, ok := w.fetch(in)
			if ok && w.r.OldGoneAt < 0 {
				if w.r.OldLastAt < 0 {
					w.say(at, "old %s answers: %s", in.ID, page)
				}
				w.r.OldLastAt = at
			} else if !ok && w.r.OldGoneAt < 0 && !alive(phase(in.Phase)) {
				// Gone once EC2 stops it, not at the first fetch that
				// fails: on a loaded machine one may time out.
				w.r.OldGoneAt = at
				w.say(at, "old %s no longer answers (%s)", in.ID, in.Phase)
			}
		case !w.seen[in.ID] && w.r.NewAt < 0 && in.Phase == string(phaseRunning):
			if page, ok := w.fetch(in); ok {
				w.r.NewID, w.r.NewAt = in.ID, at
				still := "the old one no longer does"
				if w.r.OldGoneAt < 0 {
					still = "the old one still answers"
				}
				w.say(at, "new %s answers: %s (%s)", in.ID, page, still)
			}
		}
	}
}

func (w *watcher) say(at time.Duration, format string, args ...any) {
	w.r.Lines = append(w.r.Lines, fmt.Sprintf("%+7.1fs  ", at.Seconds())+fmt.Sprintf(format, args...))
}

func (w *watcher) list(ctx context.Context) ([]InstanceInfo, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, w.endpoint+"/localcloud/instances", nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var infos []InstanceInfo
	return infos, json.NewDecoder(resp.Body).Decode(&infos)
}

var appVersion = regexp.MustCompile(`App version [^,<]+`)

// fetch gets the instance's page and sums it up.
func (w *watcher) fetch(in InstanceInfo) (string, bool) {
	resp, err := w.client.Get(fmt.Sprintf("http://%s:%d/", in.PublicIP, w.port))
	if err != nil {
		return "", false
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if m := appVersion.Find(body); m != nil {
		return string(m), true
	}
	return fmt.Sprintf("HTTP %d, %q", resp.StatusCode, strings.TrimSpace(string(body[:min(len(body), 40)]))), true
}
