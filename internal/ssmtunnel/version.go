package ssmtunnel

import (
	"strconv"
	"strings"
)

// newer reports whether dotted version v is newer than base (a version
// that does not parse is not).
func newer(v, base string) bool {
	a, b := strings.Split(v, "."), strings.Split(base, ".")
	for i := 0; i < max(len(a), len(b)); i++ {
		x, y := part(a, i), part(b, i)
		if x < 0 {
			return false
		}
		if x != y {
			return x > y
		}
	}
	return false
}

func part(p []string, i int) int {
	if i >= len(p) {
		return 0
	}
	n, err := strconv.Atoi(p[i])
	if err != nil {
		return -1
	}
	return n
}
