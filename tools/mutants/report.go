package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"
)

// printResult prints one line per break: status, name, time, and what
// caught it (or why nothing could).
func printResult(w io.Writer, r result) {
	why := strings.Join(r.Caught, ", ")
	if r.Detail != "" {
		why = strings.TrimSpace(why + " " + r.Detail)
	}
	if r.Status != Killed && r.Log != "" {
		why += " (log " + r.Log + ")"
	}
	fmt.Fprintf(w, "%-9s %-40s %6s  %s\n", r.Status, r.Break.Name, round(r.Duration), why)
}

// summary counts the results by status, e.g. "52 KILLED, 1 SURVIVED".
func summary(results []result) string {
	var parts []string
	for _, s := range []Status{Killed, Survived, Stale, Broken, Skipped, Baseline} {
		n := 0
		for _, r := range results {
			if r.Status == s {
				n++
			}
		}
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, s))
		}
	}
	return strings.Join(parts, ", ")
}

// Markers around the generated part of the docs page.
const (
	docBegin = "<!-- mutants:begin (written by `make mutants`; do not edit by hand) -->"
	docEnd   = "<!-- mutants:end -->"
)

// markdown is the results table with the date and commit it was made on.
func markdown(root string, results []result, took time.Duration) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Produced on %s at commit `%s`, %d breaks in %s: **%s**.\n\n",
		time.Now().UTC().Format("2006-01-02"), commit(root), len(results), took.Round(time.Second), summary(results))
	b.WriteString("| break | area | promise it breaks | expected to catch it | result |\n|---|---|---|---|---|\n")
	for _, r := range results {
		var tests []string
		for _, t := range r.Break.Tests {
			tests = append(tests, "`"+t.String()+"`")
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", r.Break.Name, r.Break.Area,
			cell(r.Break.Promise), strings.Join(tests, "<br>"), cell(verdict(r)))
	}
	return b.String()
}

func verdict(r result) string {
	switch r.Status {
	case Killed:
		caught := strings.Join(r.Caught, ", ")
		if r.Detail != "" {
			caught += " (" + r.Detail + ")"
		}
		return fmt.Sprintf("KILLED in %s by %s", round(r.Duration), caught)
	case Survived:
		return fmt.Sprintf("**SURVIVED** (%s)", round(r.Duration))
	}
	return fmt.Sprintf("**%s**: %s", r.Status, r.Detail)
}

func cell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}

// commit names the commit the working tree is on, marked when it has
// uncommitted changes.
func commit(root string) string {
	out, err := exec.Command("git", "-C", root, "rev-parse", "--short=12", "HEAD").Output()
	if err != nil {
		return "unknown"
	}
	c := strings.TrimSpace(string(out))
	if st, err := exec.Command("git", "-C", root, "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(bytes.TrimSpace(st)) > 0 {
		c += " + uncommitted changes"
	}
	return c
}

// writeDoc replaces the part of the docs page between the markers.
func writeDoc(path, table string) error {
	page, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	begin, end := bytes.Index(page, []byte(docBegin)), bytes.Index(page, []byte(docEnd))
	if begin < 0 || end < begin {
		return fmt.Errorf("%s has no %q … %q section to write the results into", path, docBegin, docEnd)
	}
	var out bytes.Buffer
	out.Write(page[:begin+len(docBegin)])
	out.WriteString("\n" + table)
	out.Write(page[end:])
	return os.WriteFile(path, out.Bytes(), 0o644)
}
