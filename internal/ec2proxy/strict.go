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
// The windows are short (about a second) so a suite of builds stays quick;
// what matters is that a build meets each refusal at least once. The
// random faults are rare, and come in pairs (BurstLength 1): each costs the
// SDK's backoff; tests of long bursts set their own.
func Strict() Faults {
	return Faults{
		ThrottleFraction: 0.03, ErrorFraction: 0.01, BurstLength: 1,
		HideNewFor:             500 * time.Millisecond,
		NewGroupHiddenFor:      time.Second,
		NewProfileRefusedFor:   time.Second,
		StoppedImageRefusedFor: time.Second,
		SnapshotInUseFor:       time.Second,
		TerminateNotFoundFor:   time.Second,
		InstancesPendingFor:    500 * time.Millisecond,
		StoppingFor:            500 * time.Millisecond,
		TerminatingFor:         500 * time.Millisecond,
		ImagesPendingFor:       500 * time.Millisecond,
	}
}

// Quirks is Strict without the random throttling and 5xx errors: every
// refusal after a create, deterministically, for tests that count calls.
func Quirks() Faults {
	f := Strict()
	f.ThrottleFraction, f.ErrorFraction, f.BurstLength = 0, 0, 0
	return f
}
