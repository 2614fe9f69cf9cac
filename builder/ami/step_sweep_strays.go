package ami

import (
	"context"
	"fmt"
	"log"
	"maps"
	"slices"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/hashicorp/packer-plugin-sdk/multistep"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2wait"
)

// sweepEC2 is what finding and removing strays takes.
type sweepEC2 interface {
	deleteImageEC2
	volumesEC2
	sweepSpotEC2
	DescribeInstances(context.Context, *ec2.DescribeInstancesInput, ...func(*ec2.Options)) (*ec2.DescribeInstancesOutput, error)
	TerminateInstances(context.Context, *ec2.TerminateInstancesInput, ...func(*ec2.Options)) (*ec2.TerminateInstancesOutput, error)
	DescribeSnapshots(context.Context, *ec2.DescribeSnapshotsInput, ...func(*ec2.Options)) (*ec2.DescribeSnapshotsOutput, error)
	DescribeKeyPairs(context.Context, *ec2.DescribeKeyPairsInput, ...func(*ec2.Options)) (*ec2.DescribeKeyPairsOutput, error)
	DeleteKeyPair(context.Context, *ec2.DeleteKeyPairInput, ...func(*ec2.Options)) (*ec2.DeleteKeyPairOutput, error)
	DescribeSecurityGroups(context.Context, *ec2.DescribeSecurityGroupsInput, ...func(*ec2.Options)) (*ec2.DescribeSecurityGroupsOutput, error)
	DeleteSecurityGroup(context.Context, *ec2.DeleteSecurityGroupInput, ...func(*ec2.Options)) (*ec2.DeleteSecurityGroupOutput, error)
}

// StepSweepStrays runs first, so its Cleanup runs last: after every step
// removed what it knows it made, it looks for anything else tagged with
// this build's ID (BuildIDTagKey) — instances, AMIs, snapshots, volumes,
// key pairs, security groups; a Spot build's fleets and launch templates
// — and removes it. Steps learn every ID they
// create, so a stray means EC2 made something whose answer never arrived
// (a create cut off, the process killed and rerun is not covered); the
// sweep is the net under that. It keeps the build's AMIs and their
// snapshots when the build succeeded, and the volumes the template marked
// delete_on_termination = false. Uses (in Cleanup): stateCreating,
// stateAMIs, stateKeptVolumes. Puts: nothing.
type StepSweepStrays struct {
	Clients clientFor[sweepEC2]
	Regions []string // the build region first, then ami_regions
	BuildID string
	Polling ec2wait.Options
	// Spot: the build launches through a fleet and a launch template.
	Spot bool
	// Uncertain reports whether a create call failed or was sent more
	// than once (awsaccess.Clients.CreatesUncertain); nil: always. A build
	// that succeeded with every create answered at once knows all it made,
	// and skips the sweep's Describe calls.
	Uncertain func() bool
}

func (s *StepSweepStrays) Run(context.Context, multistep.StateBag) multistep.StepAction {
	return multistep.ActionContinue
}

func (s *StepSweepStrays) Cleanup(state multistep.StateBag) {
	if creating, _ := stateGet[bool](state, stateCreating); !creating || s.BuildID == "" {
		return // stopped before anything could be created
	}
	if !buildFailed(state) && s.Uncertain != nil && !s.Uncertain() {
		log.Printf("every create was answered at once: no stray to look for")
		return
	}
	ctx, cancel := cleanupContext()
	defer cancel()
	keep := map[string]bool{}
	if !buildFailed(state) {
		amis, _ := stateGet[map[string]string](state, stateAMIs)
		for _, id := range amis {
			keep[id] = true
		}
	}
	kept, _ := stateGet[[]string](state, stateKeptVolumes)
	for _, id := range kept {
		keep[id] = true
	}
	for i, region := range s.Regions {
		c, err := s.Clients(ctx, region)
		if err != nil {
			log.Printf("[WARN] looking for strays in %s: %v", region, err)
			continue
		}
		w := &sweeper{c: c, region: region, tag: s.BuildID, keep: keep, state: state, opts: s.Polling, snapshotsOf: map[string][]string{},
			spot: s.Spot}
		w.sweep(ctx, i == 0)
	}
}

// sweeper removes one region's strays.
type sweeper struct {
	c      sweepEC2
	region string
	tag    string
	keep   map[string]bool
	state  multistep.StateBag
	opts   ec2wait.Options
	spot   bool
	// snapshotsOf are the snapshots of each stray AMI: kept when the AMI
	// cannot be removed (they are in use while it is registered).
	snapshotsOf map[string][]string
}

// sweep removes strays in dependency order: instances before the groups
// and volumes they hold, images before their snapshots. Temporaries
// (fleets, instances, volumes, key pairs, groups, templates) exist only in
// the build region.
func (w *sweeper) sweep(ctx context.Context, buildRegion bool) {
	for _, k := range w.kinds() {
		if !buildRegion && k.kind != "AMI" && k.kind != "snapshot" {
			continue
		}
		w.sweepKind(ctx, k)
	}
}

type strayKind struct {
	kind   string
	find   func(context.Context) (map[string]string, error)
	remove func(context.Context, string) error
}

// kinds are the kinds of strays, in the order they are removed.
func (w *sweeper) kinds() []strayKind {
	kinds := []strayKind{
		{"instance", w.instances, w.terminate},
		{"AMI", w.images, w.deregister},
		{"snapshot", w.snapshots, w.deleteSnapshot},
		{"volume", w.volumes, w.deleteVolume},
		{"key pair", w.keyPairs, w.deleteKeyPair},
		{"security group", w.groups, w.deleteGroup},
	}
	if w.spot {
		kinds = append([]strayKind{{"fleet", w.fleets, w.deleteFleet}}, kinds...)
		kinds = append(kinds, strayKind{"launch template", w.templates, w.deleteTemplate})
	}
	return kinds
}

// sweepKind finds and removes one kind of stray.
func (w *sweeper) sweepKind(ctx context.Context, k strayKind) {
	found, err := k.find(ctx)
	if err != nil {
		msg := fmt.Sprintf("could not look for stray %ss of this build in %s: %v\nLook by hand: %s",
			k.kind, w.region, explainDenied(err), w.manual(k.kind))
		log.Printf("[ERROR] %s", msg)
		uiOf(w.state).Error(msg)
		return
	}
	for _, id := range slices.Sorted(maps.Keys(found)) {
		uiOf(w.state).Say(fmt.Sprintf("Removing stray %s %s in %s (%s), tagged with this build", k.kind, id, w.region, found[id]))
		if err := k.remove(ctx, id); err != nil {
			leftBehind(w.state, k.kind, id, w.manual(k.kind), err)
			for _, snap := range w.snapshotsOf[id] {
				w.keep[snap] = true
			}
		}
	}
}

// manual is how to find a kind of stray by hand.
func (w *sweeper) manual(kind string) string {
	cmd := map[string]string{"instance": "describe-instances", "AMI": "describe-images --owners self",
		"snapshot": "describe-snapshots --owner-ids self", "volume": "describe-volumes",
		"key pair": "describe-key-pairs", "security group": "describe-security-groups",
		"launch template": "describe-launch-templates"}[kind]
	if kind == "fleet" { // DescribeFleets filters by state and type only
		return fmt.Sprintf("aws ec2 describe-fleets --region %s --query \"Fleets[?Tags[?Key=='%s' && Value=='%s']]\"", w.region, BuildIDTagKey, w.tag)
	}
	return fmt.Sprintf("aws ec2 %s --region %s --filters Name=tag:%s,Values=%s", cmd, w.region, BuildIDTagKey, w.tag)
}
