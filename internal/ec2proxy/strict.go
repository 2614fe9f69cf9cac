package ec2proxy

import "time"

// Strict is every refusal real EC2 makes right after a create, with
// throttling and 5xx bursts that hit every call (cleanup included), and the
// waits of a real region shortened to a few seconds. The local cloud, the
// e2e suite and the builder's acceptance tests run with it by default, so a
// build that passes them rides out what a real account does to it.
//
// Each switch is EC2's own behaviour, with where it is documented:
//
//	NewGroupHiddenFor      InvalidGroup.NotFound from AuthorizeSecurityGroupIngress and
//	                       RunInstances for a new group (hashicorp/packer#4368, #878, #1539)
//	NewProfileRefusedFor   RunInstances: "Invalid IAM Instance Profile name" for a new
//	                       profile (hashicorp/packer#9516, #12303)
//	StoppedImageRefusedFor CreateImage right after "stopped": IncorrectInstanceState
//	                       (hashicorp/packer#9562)
//	SnapshotInUseFor       DeleteSnapshot right after DeregisterImage: InvalidSnapshot.InUse
//	                       (boto/boto#3019)
//	TerminateNotFoundFor   TerminateInstances right after RunInstances:
//	                       InvalidInstanceID.NotFound (EC2 eventual consistency:
//	                       docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html)
//	HideNewFor             the same for every call naming a new image or instance
//	ThrottleFraction,      RequestLimitExceeded and 5xx, in bursts, on any call
//	ErrorFraction,         (docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html;
//	BurstLength            hashicorp/packer#50, #4090)
//	InstancesPendingFor,   instances pending, stopping and shutting-down, images pending,
//	StoppingFor,           for a while (moto changes states at once)
//	TerminatingFor,
//	ImagesPendingFor
//
// The windows are short (a few seconds) so a suite of builds stays quick;
// what matters is that a build meets each refusal at least once.
func Strict() Faults {
	return Faults{
		ThrottleFraction: 0.05, ErrorFraction: 0.02, BurstLength: 2,
		HideNewFor:             time.Second,
		NewGroupHiddenFor:      2 * time.Second,
		NewProfileRefusedFor:   2 * time.Second,
		StoppedImageRefusedFor: 2 * time.Second,
		SnapshotInUseFor:       2 * time.Second,
		TerminateNotFoundFor:   2 * time.Second,
		InstancesPendingFor:    time.Second,
		StoppingFor:            time.Second,
		TerminatingFor:         time.Second,
		ImagesPendingFor:       time.Second,
	}
}

// Quirks is Strict without the random throttling and 5xx errors: every
// refusal after a create, deterministically, for tests that count calls.
func Quirks() Faults {
	f := Strict()
	f.ThrottleFraction, f.ErrorFraction, f.BurstLength = 0, 0, 0
	return f
}
