package prune

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseAge reads an age such as "720h", "90m" or "30d" (days: Go's
// durations stop at hours).
func ParseAge(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.ParseFloat(days, 64)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("%q is not an age such as 30d, 720h or 90m", s)
		}
		return time.Duration(n * float64(24*time.Hour)), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%q is not an age such as 30d, 720h or 90m", s)
	}
	return d, nil
}
