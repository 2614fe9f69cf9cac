package instanceinit

import (
	"os"
	"strings"
)

// Words splits a systemd value into words: whitespace separates them,
// double and single quotes group, a backslash escapes the next character.
func Words(s string) []string {
	var (
		words []string
		cur   strings.Builder
		quote rune
		in    bool
	)
	runes := []rune(s)
	for i := 0; i < len(runes); i++ {
		r := runes[i]
		switch {
		case r == '\\' && i+1 < len(runes):
			i++
			cur.WriteRune(runes[i])
			in = true
		case quote != 0 && r == quote:
			quote = 0
		case quote == 0 && (r == '"' || r == '\''):
			quote, in = r, true
		case quote == 0 && (r == ' ' || r == '\t'):
			if in {
				words = append(words, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteRune(r)
			in = true
		}
	}
	if in {
		words = append(words, cur.String())
	}
	return words
}

// Command is one Exec line: its argv after variable expansion, and
// whether a failure is ignored (the "-" prefix).
type Command struct {
	Argv          []string
	IgnoreFailure bool
}

// ParseCommand splits an Exec line and expands variables from env as
// systemd does: "$VAR" alone is split into words (none when empty),
// "${VAR}" inside a word is replaced as is. Prefixes other than "-"
// (@ : + !) are dropped; "%%" becomes "%".
func ParseCommand(line string, env map[string]string) Command {
	var c Command
	line = strings.TrimSpace(line)
	for len(line) > 0 && strings.ContainsRune("-@:+!", rune(line[0])) {
		c.IgnoreFailure = c.IgnoreFailure || line[0] == '-'
		line = line[1:]
	}
	for _, w := range Words(line) {
		if name, ok := strings.CutPrefix(w, "$"); ok && isName(name) {
			c.Argv = append(c.Argv, strings.Fields(env[name])...)
			continue
		}
		w = os.Expand(w, func(k string) string { return env[k] })
		c.Argv = append(c.Argv, strings.ReplaceAll(w, "%%", "%"))
	}
	return c
}

// ReadEnvFile reads KEY=VALUE lines (comments, blank lines and quotes
// allowed) into env.
func ReadEnvFile(path string, env map[string]string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		if k, v, ok := strings.Cut(line, "="); ok {
			if ws := Words(v); len(ws) > 0 {
				v = strings.Join(ws, " ")
			} else {
				v = ""
			}
			env[strings.TrimSpace(k)] = v
		}
	}
	return nil
}

func isName(s string) bool {
	for i, r := range s {
		if !(r == '_' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return s != ""
}
