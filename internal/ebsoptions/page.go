package ebsoptions

import (
	"fmt"
	"regexp"
	"strings"
)

// Statuses a page row may give an option.
const (
	Same        = "same"
	Different   = "different"
	Unsupported = "not supported"
)

// Row is one option's line in the page's tables:
// | `path` | since | status | notes |
type Row struct {
	Path, Since, Status, Notes string
	Line                       int
}

var rowRE = regexp.MustCompile("^\\|\\s*`([A-Za-z0-9_.]+)`\\s*\\|([^|]*)\\|([^|]*)\\|(.*)\\|\\s*$")

// ParsePage reads every option row of the page. A row whose status is not
// one of Same, Different, Unsupported, or a path given twice, is an error.
func ParsePage(text string) ([]Row, error) {
	var rows []Row
	var errs []string
	seen := map[string]int{}
	for i, line := range strings.Split(text, "\n") {
		m := rowRE.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		r := Row{Path: m[1], Since: strings.TrimSpace(m[2]), Status: strings.TrimSpace(m[3]),
			Notes: strings.TrimSpace(m[4]), Line: i + 1}
		if r.Status != Same && r.Status != Different && r.Status != Unsupported {
			errs = append(errs, fmt.Sprintf("line %d: %s has status %q; use %q, %q or %q", r.Line, r.Path, r.Status, Same, Different, Unsupported))
		}
		if r.Status != Same && r.Notes == "" {
			errs = append(errs, fmt.Sprintf("line %d: %s is %q: say why in the notes column", r.Line, r.Path, r.Status))
		}
		if prev, dup := seen[r.Path]; dup {
			errs = append(errs, fmt.Sprintf("line %d: %s is already on line %d", r.Line, r.Path, prev))
		}
		seen[r.Path] = r.Line
		rows = append(rows, r)
	}
	if len(errs) > 0 {
		return rows, fmt.Errorf("the page's option table: %s", strings.Join(errs, "; "))
	}
	return rows, nil
}

// Coverage counts the rows by status.
type Coverage struct{ Same, Different, Unsupported int }

// Count tallies rows.
func Count(rows []Row) Coverage {
	var c Coverage
	for _, r := range rows {
		switch r.Status {
		case Same:
			c.Same++
		case Different:
			c.Different++
		case Unsupported:
			c.Unsupported++
		}
	}
	return c
}

// Total is the number of options counted.
func (c Coverage) Total() int { return c.Same + c.Different + c.Unsupported }

// Line is the sentence the page prints between its coverage markers.
func (c Coverage) Line() string {
	pct := 0.0
	if c.Total() > 0 {
		pct = 100 * float64(c.Same+c.Different) / float64(c.Total())
	}
	return fmt.Sprintf("**Coverage: %d of %d amazon-ebs options (%.1f%%) work in immutable-ami** — %d the same, "+
		"%d with a different default or behaviour; %d are not supported and refused with an error that says why.",
		c.Same+c.Different, c.Total(), pct, c.Same, c.Different, c.Unsupported)
}

const (
	coverageStart = "<!-- coverage: written by `make generate` from the tables below; do not edit -->"
	coverageEnd   = "<!-- /coverage -->"
)

// SetCoverage returns text with the line between the coverage markers
// replaced by the coverage of its rows.
func SetCoverage(text string) (string, error) {
	rows, err := ParsePage(text)
	if err != nil {
		return "", err
	}
	start := strings.Index(text, coverageStart)
	end := strings.Index(text, coverageEnd)
	if start < 0 || end < start {
		return "", fmt.Errorf("the page has no coverage markers %q … %q", coverageStart, coverageEnd)
	}
	return text[:start] + coverageStart + "\n" + Count(rows).Line() + "\n" + text[end:], nil
}
