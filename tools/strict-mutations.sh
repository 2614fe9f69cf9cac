#!/usr/bin/env bash
# Usage: tools/strict-mutations.sh [NAME...]
#
# Breaks, one at a time, each fix the strict local cloud calls for (issue 10,
# and the breaks of issue 15 it covers) in a copy of the committed tree, runs
# the test that must catch the break, and reports CAUGHT or SURVIVED. With
# NAMEs, only those mutations. Exit status 1 when one survived or did not
# apply (the code moved: update its line here), or broke the build rather
# than the promise. Needs what the acceptance
# tests need (moto; root for e2e). Slow: minutes per mutation at most.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git -C "$repo" archive HEAD | tar -x -C "$work"

# name # file # perl substitution (on the whole file) # packages # tests (regex)
mutations=$(cat <<'LIST'
authorize-once#builder/ami/step_allow_ssh.go#s/err := ec2wait\.Retry\(ctx, "allowing SSH into "\+group, opts, /err := ec2wait.Retry(ctx, "allowing SSH into "+group, ec2wait.Options{NotFoundGrace: -1}, /#./builder/ami#TestBuildBakesAnImageAndLeavesNothing
launch-ignores-new-group#builder/ami/step_run_instance_launch.go#s/opts\.Timeout = profileRetryTimeout/opts.Timeout, opts.NotFoundGrace = profileRetryTimeout, -1/#./builder/ami#TestCtrlCWhileLaunchIsRetriedLeavesNothing
launch-ignores-new-profile#builder/ami/step_run_instance_launch.go#s/if profileNotYetKnown\(err\) \{/if false \&\& profileNotYetKnown(err) {/#./builder/ami#TestIAMInstanceProfile
image-right-after-stop#builder/ami/step_create_image_adopt.go#s/\topts\.Tolerate = ec2wait\.Codes\("IncorrectInstanceState"\)\n//#./builder/ami#TestBuildBakesAnImageAndLeavesNothing
no-delete-associated-snapshots#builder/ami/image_wait_delete.go#s/DeleteAssociatedSnapshots: aws\.Bool\(withSnapshots\)/DeleteAssociatedSnapshots: aws.Bool(false)/#./builder/ami#TestDeleteImageAsksEC2ToDeleteSnapshotsAndRidesOutInUse
snapshot-in-use-not-ridden#builder/ami/image_wait_delete.go#s/opts\.NotFoundGrace, opts\.Tolerate = snapshotInUseGrace, ec2wait\.Codes\("InvalidSnapshot\.InUse"\)/opts.NotFoundGrace = snapshotInUseGrace/#./builder/ami#TestDeleteImageAsksEC2ToDeleteSnapshotsAndRidesOutInUse
snapshot-in-use-both#builder/ami/image_wait_delete.go#s/DeleteAssociatedSnapshots: aws\.Bool\(withSnapshots\)/DeleteAssociatedSnapshots: aws.Bool(false)/; s/opts\.NotFoundGrace, opts\.Tolerate = snapshotInUseGrace, ec2wait\.Codes\("InvalidSnapshot\.InUse"\)/opts.NotFoundGrace = snapshotInUseGrace/#./builder/ami#TestNoOrphansWhenTheImageFails
terminate-notfound-is-gone#builder/ami/build_instance.go#s/opts\.NotFoundGrace = graceLeft\(b\.launchAt\)/opts.NotFoundGrace = -1/#./builder/ami#TestTerminateRightAfterLaunchIsRetried
cleanup-asks-once#builder/ami/step_key_pair.go#s/if err := ec2wait\.Delete\(ctx, "deleting key pair "\+s\.created, opts, /if err := func(ctx context.Context, _ string, _ ec2wait.Options, call func(context.Context) error) error { return call(ctx) }(ctx, "", opts, /#./builder/ami#TestCleanupRidesOutThrottlingBursts
instance-ignores-groups#builder/ami/sshserver_groups_acc_test.go#s/(func \(s \*testSSHServer\) admitted\(ctx context\.Context, conn net\.Conn\) error \{\n)/$1\treturn nil\n/#./builder/ami#TestWrongSourceIsRefusedAtTheInstance
source-always-public#builder/ami/step_security_group_source.go#s/if !reachedPrivately\(dest\) \{/if true {/#./builder/ami#TestDefaultSSHSourceIsTheRoute|TestSourceFollowsTheRoute
group-opens-every-port#builder/ami/step_allow_ssh.go#s/ToPort: aws\.Int32\(int32\(port\)\)\}/ToPort: aws.Int32(65535)}/#./builder/ami#TestDefaultSSHSourceIsTheRoute
group-adds-world-v6#builder/ami/step_allow_ssh.go#s/(\terr := ec2wait\.Retry\(ctx, "allowing SSH)/\tperm.Ipv6Ranges = append(perm.Ipv6Ranges, ec2types.Ipv6Range{CidrIpv6: aws.String("::\/0")})\n$1/#./builder/ami#TestDefaultSSHSourceIsTheRoute
detection-through-proxy#builder/ami/step_security_group_source.go#s/\tt\.Proxy = nil\n/\tt.Proxy = http.ProxyFromEnvironment\n/#./builder/ami#TestPublicIPIsDetectedWithoutProxy
no-image-adoption#builder/ami/step_create_image_adopt.go#s/if id = s\.adopt\(ctx, aws\.ToString\(in\.Name\)\); id != "" \{/if false {/#./builder/ami#TestLostAnswersLeaveOneOfEach
no-sweep#builder/ami/step_sweep_strays.go#s/if creating, _ := stateGet\[bool\]\(state, stateCreating\); !creating \|\| s\.BuildID == "" \{/if true {/#./builder/ami#TestStrayFromALostAnswerIsSwept|TestSweepKeepsTheArtifactAndKeptVolumes
interruptible-launch#builder/ami/step_run_instance_launch.go#s/cctx, cancel := uninterruptible\(ctx\)/cctx, cancel := context.WithCancel(ctx)/#./builder/ami#TestCtrlCWhileLaunchIsRetriedLeavesNothing
snapshots-untagged-at-creation#builder/ami/step_create_image.go#s/TagSpecifications:   tagSpecs\(s\.Tags, ec2types\.ResourceTypeImage, ec2types\.ResourceTypeSnapshot\)/TagSpecifications:   tagSpecs(s.Tags, ec2types.ResourceTypeImage)/#./builder/ami#TestWholeBuildSucceedsOnFlakyEC2
kept-volume-deleted#builder/ami/step_run_instance_volumes.go#s/if b\.Kept\[dev\] \{/if false {/#./builder/ami#TestVolumeCleanupDeletesOnlyWhatTheBuildMustNotLeave
volume-deleted-in-use#builder/ami/step_run_instance_volumes.go#s/return gone \|\| st == ec2types\.VolumeStateAvailable, nil/return true, nil/#./builder/ami#TestVolumeCleanupDeletesOnlyWhatTheBuildMustNotLeave
intermediate-fails-build#builder/ami/step_create_image.go#s/(leftBehind\(state, "the unencrypted intermediate AMI".*?err\)\n)\t\treturn id, nil/$1\t\treturn "", err/s#./builder/ami#TestEncryptedImageOutlivesALeftoverIntermediate
encrypted-copy-left#builder/ami/step_create_image.go#s/\ts\.images = append\(s\.images, id\)\n\tuiOf\(state\)\.Say\(fmt\.Sprintf\("Encrypted AMI/\tuiOf(state).Say(fmt.Sprintf("Encrypted AMI/#./builder/ami#TestEachCreateFailingForGoodLeavesNothing
name-check-any-owner#builder/ami/step_pre_validate.go#s/\t\tOwners:            \[\]string\{"self"\},\n//#./builder/ami#TestNameCheckSeesOnlyThisAccountsImagesAllOfThem
name-check-no-disabled#builder/ami/step_pre_validate.go#s/IncludeDisabled:   aws\.Bool\(true\)/IncludeDisabled:   aws.Bool(false)/#./builder/ami#TestNameCheckSeesOnlyThisAccountsImagesAllOfThem|TestNameCheckSeesThisAccountsDisabledImage
no-include-deprecated#builder/ami/step_source_ami.go#s/IncludeDeprecated: aws\.Bool\(s\.Filter\.IncludeDeprecated\)/IncludeDeprecated: aws.Bool(false)/#./builder/ami#TestSourceLookupSeesDeprecatedImagesOnlyWhenAsked
hop-limit-one#builder/ami/run_config_prepare.go#s/m\.HTTPPutResponseHopLimit = 2/m.HTTPPutResponseHopLimit = 0/#./builder/ami#TestHopLimitDefaultsToTwoWithIMDSv2
gp3-old-limits#builder/ami/block_device_limits.go#s/maxIOPS: 80000/maxIOPS: 16000/; s/maxMiBps: 2000/maxMiBps: 1000/#./builder/ami#TestBlockDeviceLimitsFollowEC2
no-permission-dry-runs#builder/ami/step_check_permissions.go#s/\t\t\tmissing = append\(missing, ec2wait\.MissingPermission\(err\)\)\n//#./builder/ami#TestMinimalIAMPolicy
denial-unnamed#builder/ami/step_support.go#s/\terr = explainDenied\(err\)\n//#./builder/ami#TestMinimalIAMPolicy
policy-misses-an-action#docs/iam-policy.json#s/\s*"ec2:DescribeKeyPairs",//#./builder/ami#TestIAMPolicyFile
group-duplicate-not-adopted#builder/ami/step_security_group.go#s/if ec2wait\.Code\(err\) == "InvalidGroup\.Duplicate" \{/if false {/#./builder/ami#TestLostAnswersLeaveOneOfEach
no-spot-sweep#builder/ami/step_sweep_strays.go#s/\tif w\.spot \{/\tif false {/#./builder/ami#TestSweepRemovesSpotStrays
no-spot-dry-runs#builder/ami/step_check_permissions.go#s/\tif s\.Spot \{/\tif false {/#./builder/ami#TestMinimalIAMPolicy
cloud-forgiving#localcloud/cmd/localcloud/serve.go#s/fs\.Bool\("strict", true,/fs.Bool("strict", false,/#./localcloud/cmd/localcloud ./e2e#TestServeIsStrictByDefault|TestLocalCloudIsStrictByDefault
LIST
)

only=" $* "
failed=0
while IFS='#' read -r name file expr pkgs tests; do
	[ -z "$name" ] && continue
	[ $# -gt 0 ] && [[ $only != *" $name "* ]] && continue
	cp "$work/$file" "$work/$file.orig"
	perl -0pi -e "$expr" "$work/$file"
	if cmp -s "$work/$file" "$work/$file.orig"; then
		echo "NOT APPLIED $name ($file)"
		failed=1
	else
		# shellcheck disable=SC2086 # pkgs is a list
		if (cd "$work" && go test -tags acc -count=1 -timeout 20m -run "^($tests)\$" $pkgs >"$work/$name.log" 2>&1); then
			echo "SURVIVED    $name: $tests passed with $file broken"
			failed=1
		elif ! grep -q -- '^--- FAIL' "$work/$name.log"; then
			echo "BROKE BUILD $name: the mutated code does not compile or the tests did not run:"
			head -n 5 "$work/$name.log" | sed 's/^/    /'
			failed=1
		else
			echo "CAUGHT      $name by $tests:"
			grep -m1 -E '_test\.go:[0-9]+: ' "$work/$name.log" | cut -c1-220 | sed 's/^ */    /'
		fi
	fi
	mv "$work/$file.orig" "$work/$file"
done <<<"$mutations"
exit $failed
