package setup

import (
	"embed"
	"fmt"
	"strings"
	"text/template"
)

// step is one named part of the setup program; Body is sh code calling the
// helpers defined in program.tmpl, with every value quoted.
type step struct {
	Name string
	Body string
}

// upload is a file the program needs in its working directory: a local
// file (Local) or bytes (Content), stored as Name.
type upload struct {
	Name    string
	Local   string
	Content []byte
}

// plan is everything one run needs: the steps of the program and the
// files to upload beside it.
type plan struct {
	RunDir  string
	Steps   []step
	Uploads []upload
}

//go:embed program.tmpl
var programSource string

// helperFiles are the sh helpers of the program, in the order the program
// defines them.
var helperFiles = []string{"common.sh", "boot.sh", "packages.sh", "accounts.sh", "seal.sh"}

//go:embed sh/*.sh
var helperFS embed.FS

// helpersSource is every helper file, concatenated.
var helpersSource = func() string {
	var b strings.Builder
	for _, name := range helperFiles {
		data, err := helperFS.ReadFile("sh/" + name)
		if err != nil {
			panic(err)
		}
		b.Write(data)
		b.WriteString("\n")
	}
	return b.String()
}()

var programTemplate = template.Must(template.New("program").Funcs(template.FuncMap{
	"quote":   shellQuote,
	"inc":     func(i int) int { return i + 1 },
	"helpers": func() string { return helpersSource },
}).Parse(programSource))

// render writes the POSIX sh program for the plan.
func (p plan) render() (string, error) {
	var b strings.Builder
	if err := programTemplate.Execute(&b, p); err != nil {
		return "", fmt.Errorf("rendering the setup program: %w", err)
	}
	return b.String(), nil
}

// header is the line the program prints when step i (0-based) starts.
func (p plan) header(i int) string {
	return fmt.Sprintf("[%d/%d] %s", i+1, len(p.Steps), p.Steps[i].Name)
}

// call renders a helper call with quoted arguments.
func call(helper string, args ...string) string {
	if len(args) == 0 {
		return "\t" + helper
	}
	return "\t" + helper + " " + shellWords(args...)
}

// inRunDir renders a path inside the run directory.
func inRunDir(name string) string {
	return `"$run_dir"/` + shellQuote(name)
}
