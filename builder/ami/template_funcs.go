package ami

import "strings"

// amiNameAllowed are the characters EC2 accepts in an AMI name besides
// letters and digits.
const amiNameAllowed = "()[] ./-'@_"

// cleanResourceName is the clean_resource_name template function of
// amazon-ebs: every character EC2 refuses in an AMI name becomes "-", so
// `{{ isotime | clean_resource_name }}` makes a valid name.
func cleanResourceName(s string) string {
	out := []byte(s)
	for i, c := range out {
		alnum := '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
		if !alnum && strings.IndexByte(amiNameAllowed, c) < 0 {
			out[i] = '-'
		}
	}
	return string(out)
}
