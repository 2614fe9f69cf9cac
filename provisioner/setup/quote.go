package setup

import "strings"

// shellQuote quotes s as one POSIX sh word: single quotes keep every byte
// literal; an embedded single quote closes the quotes, is escaped with a
// backslash and the quotes reopen.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// shellWords quotes each word and joins them with spaces.
func shellWords(words ...string) string {
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = shellQuote(w)
	}
	return strings.Join(quoted, " ")
}
