package awsid

import "regexp"

// amiID is EC2's image ID: "ami-" and 8 (older images) or 17 hex digits.
var amiID = regexp.MustCompile(`^ami-[0-9a-f]{8}([0-9a-f]{9})?$`)

// IsAMIID reports whether id is an AMI ID such as ami-0123456789abcdef0.
func IsAMIID(id string) bool { return amiID.MatchString(id) }
