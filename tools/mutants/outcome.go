package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
)

type testEvent struct {
	Action string
	Test   string
	Output string
}

// goOutcome reads go test -json output.
func goOutcome(names []string, out []byte) outcome {
	o := outcome{Log: out}
	result := map[string]string{}
	var text strings.Builder
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var e testEvent
		if json.Unmarshal(sc.Bytes(), &e) != nil {
			text.WriteString(sc.Text() + "\n") // go's own messages
			continue
		}
		text.WriteString(e.Output)
		switch {
		case e.Action == "build-fail":
			result["(build)"] = "fail"
		case e.Test != "" && !strings.Contains(e.Test, "/") && (e.Action == "pass" || e.Action == "fail" || e.Action == "skip"):
			result[e.Test] = e.Action
		case e.Test == "" && e.Action == "fail":
			result["(package)"] = "fail"
		}
	}
	log := text.String()
	o.Log = []byte(log)
	if result["(build)"] == "fail" || strings.Contains(log, "[setup failed]") {
		return outcome{Status: Broken, Detail: "does not build: " + firstMatch(log, `(?m)^\S+\.go:\d+:\d+: .*$`), Log: o.Log}
	}
	return judge(names, result, log, o)
}

// judge turns each named test's result into the group's outcome.
func judge(names []string, result map[string]string, log string, o outcome) outcome {
	var notRun, skipped []string
	for _, n := range names {
		switch result[n] {
		case "fail":
			o.Failed = append(o.Failed, n)
		case "skip":
			skipped = append(skipped, n)
		case "":
			notRun = append(notRun, n)
		}
	}
	switch {
	case len(o.Failed) > 0:
		o.Status = Killed
	case strings.Contains(log, "panic: test timed out"):
		o.Status, o.Detail = Killed, "timed out in "+strings.Join(notRun, ", ")
		o.Failed = notRun
	case result["(package)"] == "fail" && len(notRun) > 0:
		o.Status, o.Detail = Killed, "the test binary failed before "+strings.Join(notRun, ", ")+" finished"
		o.Failed = notRun
	case len(notRun) > 0:
		o.Status, o.Detail = Broken, "did not run: "+strings.Join(notRun, ", ")
	case len(skipped) > 0:
		o.Status, o.Detail = Skipped, "skipped: "+strings.Join(skipped, ", ")
	default:
		o.Status = Survived
	}
	return o
}

var terraformRun = regexp.MustCompile(`(?m)^\s*run "([^"]+)"\.\.\. (pass|fail|skip)`)

// terraformOutcome reads tools/terraform-test.sh's output.
func terraformOutcome(names []string, out []byte, err error) outcome {
	result := map[string]string{}
	for _, m := range terraformRun.FindAllSubmatch(out, -1) {
		result[string(m[1])] = string(m[2])
	}
	if len(result) == 0 {
		detail := "terraform fmt, init or validate failed"
		if err == nil {
			detail = "terraform test ran no run block"
		}
		return outcome{Status: Broken, Detail: detail, Log: out}
	}
	return judge(names, result, "", outcome{Log: out})
}

func firstMatch(s, pattern string) string {
	if m := regexp.MustCompile(pattern).FindString(s); m != "" {
		return m
	}
	return "see the log"
}
