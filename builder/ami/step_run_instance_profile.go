package ami

import (
	"strings"
	"time"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2wait"
)

// profileRetryTimeout bounds asking RunInstances again while EC2 does not
// know an instance profile yet. IAM changes reach EC2 seconds after IAM
// answers for them: RunInstances naming a new profile fails with
// InvalidParameterValue "Invalid IAM Instance Profile name" meanwhile
// (amazon-ebs retries it too).
const profileRetryTimeout = 2 * time.Minute

// profileNotYetKnown reports whether RunInstances refused the instance
// profile as invalid, which is how EC2 answers for a profile IAM made
// moments ago.
func profileNotYetKnown(err error) bool {
	if ec2wait.Code(err) != "InvalidParameterValue" {
		return false
	}
	msg := strings.ToLower(err.Error())
	return strings.Contains(msg, "iaminstanceprofile") || strings.Contains(msg, "invalid iam instance profile")
}
