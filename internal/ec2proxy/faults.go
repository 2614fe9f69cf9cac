package ec2proxy

import "time"

// Faults says what the proxy does to the EC2 calls passing through it. The
// zero value forwards everything unchanged.
type Faults struct {
	// ThrottleFraction of calls (0..1) get 503 RequestLimitExceeded.
	ThrottleFraction float64
	// ErrorFraction of calls (0..1) get 500 InternalError.
	ErrorFraction float64
	// HideNewFor: an image or instance ID created through the proxy is
	// answered with InvalidAMIID.NotFound / InvalidInstanceID.NotFound by
	// calls naming it, for this long after its creation (EC2's eventual
	// consistency).
	HideNewFor time.Duration
	// ImagesPendingFor: DescribeImages shows images created through the
	// proxy as "pending" for this long (moto makes them available at once).
	ImagesPendingFor time.Duration
	// FailImages: after ImagesPendingFor, such images show "failed" instead
	// of "available".
	FailImages bool
	// InstancesPendingFor, StoppingFor, TerminatingFor: DescribeInstances
	// shows an instance "pending" this long after RunInstances, "stopping"
	// after StopInstances, "shutting-down" after TerminateInstances (moto
	// changes states at once), so waits take as long as on a real region.
	InstancesPendingFor time.Duration
	StoppingFor         time.Duration
	TerminatingFor      time.Duration
	// HoldOnly limits ImagesPendingFor to images made by these actions
	// (e.g. "CopyImage"); empty means every image.
	HoldOnly []string
	// InstanceAddresses replaces instance addresses in RunInstances and
	// DescribeInstances answers, keyed by EC2's XML element: "ipAddress"
	// (public IP), "privateIpAddress", "dnsName" (public DNS),
	// "privateDnsName". moto's addresses lead nowhere; this points them at
	// a local SSH server (or at nothing) to test ssh_interface for real.
	InstanceAddresses map[string]string
	// FleetErrors: the first len(FleetErrors) CreateFleet calls launch
	// nothing, the Nth answering with FleetErrors[N] (e.g.
	// "InsufficientInstanceCapacity") for each instance type asked for, as
	// EC2 does when it has no Spot capacity; later calls go through. Such a
	// fleet exists only in the proxy, which also answers its DeleteFleets.
	FleetErrors []string
	// InterruptSpotAfter: this long after CreateFleet launched an instance
	// (0: never), EC2 gives the Spot interruption notice: its Spot request
	// shows "marked-for-termination". SpotNoticeFor later EC2 takes it back:
	// DescribeInstances shows it terminated (Server.SpotInstanceTermination),
	// the request closed (instance-terminated-no-capacity), and calls that
	// need a live instance answer IncorrectInstanceState. Setting it during
	// a build (SetFaults) interrupts instances launched long enough ago at
	// once.
	InterruptSpotAfter time.Duration
	SpotNoticeFor      time.Duration

	// BurstLength: each throttle or 5xx drawn by ThrottleFraction or
	// ErrorFraction is followed by this many more for the same action, as
	// EC2's throttling comes in bursts (a token bucket per account and
	// action: docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html).
	BurstLength int
	// FaultActions limits ThrottleFraction and ErrorFraction to these
	// actions (e.g. only the cleanup calls); empty means every action.
	FaultActions []string
	// BurstFirst: the first call of each action (of FaultActions) starts a
	// throttling burst, whatever the draw: a test that must meet bursts
	// meets them on every run.
	BurstFirst bool
	// Fail answers every call of an action with an EC2 error code, for
	// good: "RunInstances": "InsufficientInstanceCapacity" (a server error
	// EC2 returns when a zone has no capacity), "UnauthorizedOperation",
	// "InvalidParameterValue" …
	Fail map[string]string
	// LoseAnswer: the first N calls of an action are carried out, then
	// answered 500 InternalError, as a reply lost on the way (a timeout)
	// looks to a client: a retried create must not make a second one.
	LoseAnswer map[string]int

	// EC2's refusals right after a create, each EC2's own (see strict.go).
	// A new security group is unknown to AuthorizeSecurityGroupIngress,
	// RunInstances and DescribeSecurityGroups naming it for this long
	// (InvalidGroup.NotFound).
	NewGroupHiddenFor time.Duration
	// RunInstances refuses an instance profile created this recently
	// (InvalidParameterValue: Invalid IAM Instance Profile name).
	NewProfileRefusedFor time.Duration
	// CreateImage refuses an instance that DescribeInstances first showed
	// stopped this recently (IncorrectInstanceState).
	StoppedImageRefusedFor time.Duration
	// DeleteSnapshot refuses a snapshot whose AMI was deregistered this
	// recently (InvalidSnapshot.InUse).
	SnapshotInUseFor time.Duration
	// TerminateInstances does not know an instance launched this recently
	// (InvalidInstanceID.NotFound).
	TerminateNotFoundFor time.Duration
}
