package main

// builderCleanupBreaks break "nothing left behind" (#2, #3, #15).
func builderCleanupBreaks() []Break {
	const area = "builder"
	const d = builderDir
	return []Break{
		{Name: "ami-remembered-after-wait", Area: area,
			Promise: "the AMI is remembered the moment CreateImage returns, before the wait, so a failed wait leaves none (#2, #3)",
			Edits: []Edit{
				{d + "/step_create_image.go", "s.images = append(s.images, id)\n uiOf(state).Say(fmt.Sprintf(\"AMI: %s\", id))",
					"uiOf(state).Say(fmt.Sprintf(\"AMI: %s\", id))"},
				{d + "/step_create_image.go", "uiOf(state).Say(fmt.Sprintf(\"AMI: %s\", id))\n return waitImageAvailable(ctx, s.EC2, uiOf(state).Say, s.Region, id, s.Polling)",
					"uiOf(state).Say(fmt.Sprintf(\"AMI: %s\", id))\n\timg, err := waitImageAvailable(ctx, s.EC2, uiOf(state).Say, s.Region, id, s.Polling)\n\tif err == nil {\n\t\ts.images = append(s.images, id)\n\t}\n\treturn img, err"},
			},
			Tests: []Test{ba("TestNoOrphansWhenTheImageFails"), ba("TestNoOrphansWhenTheWaitTimesOut")}},
		one("copy-remembered-after-wait", area, "each region copy is remembered as soon as CopyImage returns, so a cancelled copy wait leaves none (#3)",
			d+"/step_copy_images.go", `s.remember(region, id, nil)
	uiOf(state).Say(fmt.Sprintf("AMI copy in %s: %s", region, id))`, `uiOf(state).Say(fmt.Sprintf("AMI copy in %s: %s", region, id))`,
			ba("TestNoOrphansWhenCancelledWaitingForCopies"), ba("TestWholeBuildFailingDuringCopyWaitLeavesNothing")),
		one("encrypted-copy-left-on-failure", area, "a failed encrypt_boot build leaves no encrypted copy (#15)",
			d+"/step_create_image.go", `s.images = append(s.images, id)
	uiOf(state).Say(fmt.Sprintf("Encrypted AMI: %s", id))`, `uiOf(state).Say(fmt.Sprintf("Encrypted AMI: %s", id))`,
			ba("TestNoOrphansWhenTheImageFails"), ba("TestEachCreateFailingForGoodLeavesNothing")),
		one("unencrypted-intermediate-kept", area, "with encrypt_boot the unencrypted intermediate AMI is removed (#3)",
			d+"/step_create_image.go", `if err := deleteImage(ctx, s.EC2, src, true, s.Polling); err != nil {`,
			`if err := error(nil); err != nil {`,
			ba("TestImageStepsMakeTagShareAndCopyTheImage")),
		one("failed-build-keeps-ami", area, "a failed or cancelled build deregisters the AMIs it made (#2, #3)",
			d+"/step_create_image.go", `if !buildFailed(state) || len(images) == 0 {`, `if true {`,
			bq("TestStepCreateImageCleanup"), ba("TestNoOrphansWhenALaterStepFails")),
		one("failed-build-keeps-snapshots", area, "removing a build's AMI deletes its snapshots too (#3)",
			d+"/image_remove.go", `err = deleteImage(ctx, c, images[region], true, opts)`, `err = deleteImage(ctx, c, images[region], false, opts)`,
			bq("TestStepCreateImageCleanup"), ba("TestNoOrphansWhenALaterStepFails")),
		one("instance-not-terminated", area, "the build instance is terminated on success, failure and Ctrl-C (#2)",
			d+"/build_instance.go", `func (b *buildInstance) terminate(state multistep.StateBag) {
	if b.id == "" {`, `func (b *buildInstance) terminate(state multistep.StateBag) {
	if true {`,
			bq("TestStepRunInstance"), ba("TestBuildBakesAnImageAndLeavesNothing")),
		one("volumes-not-deleted", area, "volumes EC2 kept after the instance terminated are deleted (#15)",
			d+"/build_instance.go", `b.deleteVolumes(ctx, state, b.EC2)`, ``,
			bq("TestTerminateDeletesTheVolumesEC2Kept"), bq("TestStepRunInstance"), ba("TestBuildBakesAnImageAndLeavesNothing")),
		one("images-removed-region-by-region", area, "a failed build's images are deleted in every region at once (#12)",
			d+"/image_remove.go", `wg.Go(func() {
			c, err := clients(ctx, region)
			if err == nil {
				err = deleteImage(ctx, c, images[region], true, opts)
			}
			errs[i] = err
		})`, `func() {
			c, err := clients(ctx, region)
			if err == nil {
				err = deleteImage(ctx, c, images[region], true, opts)
			}
			errs[i] = err
		}()`,
			bq("TestRemoveImagesDeletesTheRegionsAtOnce")),
		one("key-pair-left", area, "the temporary key pair is deleted at the end (#2)",
			d+"/step_key_pair.go", `_, err := s.EC2.DeleteKeyPair(ctx, &ec2.DeleteKeyPairInput{KeyName: aws.String(s.created)})`,
			`err := ctx.Err()`,
			bq("TestStepKeyPair"), ba("TestBuildBakesAnImageAndLeavesNothing")),
		one("security-group-left", area, "the temporary security group is deleted at the end (#2)",
			d+"/step_security_group.go", `_, err := s.EC2.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: aws.String(s.created)})`,
			`err := error(nil)`,
			bq("TestStepSecurityGroupDeleteRetriesWhileInUse"), ba("TestBuildBakesAnImageAndLeavesNothing")),
		one("cleanup-failure-silent", area, "a cleanup that fails prints the exact ID and the command to delete it by hand (#3)",
			d+"/step_support.go", `if u := uiOf(state); u != nil {
		u.Error(msg)`, `if u := uiOf(state); u != nil && false {
		u.Error(msg)`,
			bq("TestStepKeyPair"), bq("TestStepSecurityGroupDeleteRetriesWhileInUse")),
		one("create-call-interruptible", area, "CreateImage survives Ctrl-C, so its ID always comes back to be cleaned up (#3)",
			d+"/step_support.go", `return context.WithTimeout(context.WithoutCancel(ctx), createCallTimeout)`,
			`return context.WithTimeout(ctx, createCallTimeout)`,
			ba("TestCtrlCWhileCreateImageIsInFlightLeavesNothing"), ba("TestNoOrphansWhenCancelledWaitingForTheImage")),
		one("halt-loses-the-cause", area, "a failing EC2 call fails the build with its cause named (#15 permanent errors)",
			d+"/step_support.go", `statePut(state, stateError, err)`, `statePut(state, stateError, fmt.Errorf("build failed"))`,
			bq("TestHaltKeepsTheCause"), bq("TestStepRunInstance"), ba("TestFailedAndCancelledBuildsLeaveNothing")),
	}
}

// builderStraysBreaks break what keeps a build on the strict local cloud
// (refusals right after a create, throttling bursts, lost answers) from
// failing or leaving something behind (#10, #15).
func builderStraysBreaks() []Break {
	const area = "builder"
	const d = builderDir
	const inUse = `opts.NotFoundGrace, opts.Tolerate = snapshotInUseGrace, ec2wait.Codes("InvalidSnapshot.InUse")`
	return []Break{
		one("launch-ignores-new-group", area, "a launch into a group just created is asked again while EC2 does not know the group yet (#10)",
			d+"/step_run_instance_launch.go", `opts.Timeout = profileRetryTimeout`, `opts.Timeout, opts.NotFoundGrace = profileRetryTimeout, -1`,
			ba("TestCtrlCWhileLaunchIsRetriedLeavesNothing")),
		one("interruptible-launch", area, "RunInstances survives Ctrl-C, so the instance's ID always comes back to be terminated (#10)",
			d+"/step_run_instance_launch.go", `cctx, cancel := uninterruptible(ctx)`, `cctx, cancel := context.WithCancel(ctx)`,
			ba("TestCtrlCWhileLaunchIsRetriedLeavesNothing")),
		one("terminate-notfound-is-gone", area, "an instance EC2 does not know yet right after its launch is asked to terminate again, never taken as gone (#10)",
			d+"/build_instance.go", `opts.NotFoundGrace = graceLeft(b.launchAt)`, `opts.NotFoundGrace = -1`,
			ba("TestTerminateRightAfterLaunchIsRetried")),
		one("cleanup-asks-once", area, "a cleanup call refused by a throttling or 5xx burst is asked again (#10)",
			d+"/step_key_pair.go", `if err := ec2wait.Delete(ctx, "deleting key pair "+s.created, opts,`,
			`if err := func(ctx context.Context, _ string, _ ec2wait.Options, call func(context.Context) error) error { return call(ctx) }(ctx, "", opts,`,
			ba("TestCleanupRidesOutThrottlingBursts")),
		one("no-image-adoption", area, "a CreateImage retried after a lost answer adopts the image it made (InvalidAMIName.Duplicate) (#10)",
			d+"/step_create_image_adopt.go", `if id = s.adopt(ctx, aws.ToString(in.Name)); id != "" {`, `if false {`,
			ba("TestLostAnswersLeaveOneOfEach")),
		one("no-sweep", area, "at the end the build sweeps, by its tag, what a lost answer made and nobody remembered (#10)",
			d+"/step_sweep_strays.go", `if creating, _ := stateGet[bool](state, stateCreating); !creating || s.BuildID == "" {`, `if true {`,
			ba("TestStrayFromALostAnswerIsSwept"), ba("TestSweepKeepsTheArtifactAndKeptVolumes")),
		one("no-spot-sweep", area, "the sweep of a Spot build removes its stray fleets, Spot requests and launch templates too (#10, #11)",
			d+"/step_sweep_strays.go", `if w.spot {`, `if false {`,
			ba("TestSweepRemovesSpotStrays")),
		one("kept-volume-deleted", area, "a delete_on_termination = false volume outlives the build (#15)",
			d+"/step_run_instance_volumes.go", `if b.Kept[dev] {`, `if false {`,
			bq("TestVolumeCleanupDeletesOnlyWhatTheBuildMustNotLeave")),
		one("volume-deleted-in-use", area, "a volume is deleted only once the terminated instance has released it (available) (#15)",
			d+"/step_run_instance_volumes.go", `return gone || st == ec2types.VolumeStateAvailable, nil`, `return true, nil`,
			bq("TestVolumeCleanupDeletesOnlyWhatTheBuildMustNotLeave")),
		one("no-delete-associated-snapshots", area, "DeregisterImage asks EC2 to delete the image's snapshots with it (DeleteAssociatedSnapshots) (#10)",
			d+"/image_wait_delete.go", `DeleteAssociatedSnapshots: aws.Bool(withSnapshots)`, `DeleteAssociatedSnapshots: aws.Bool(false)`,
			bq("TestDeleteImageAsksEC2ToDeleteSnapshotsAndRidesOutInUse")),
		one("snapshot-in-use-not-ridden", area, "a snapshot EC2 still calls in use right after its image was deregistered is asked again (InvalidSnapshot.InUse) (#10)",
			d+"/image_wait_delete.go", inUse, `opts.NotFoundGrace = snapshotInUseGrace`,
			bq("TestDeleteImageAsksEC2ToDeleteSnapshotsAndRidesOutInUse")),
		{Name: "snapshot-in-use-both", Area: area,
			Promise: "a failed build leaves no snapshot even when EC2 calls it in use right after the deregistration (#10)",
			Edits: []Edit{
				{d + "/image_wait_delete.go", `DeleteAssociatedSnapshots: aws.Bool(withSnapshots)`, `DeleteAssociatedSnapshots: aws.Bool(false)`},
				{d + "/image_wait_delete.go", inUse, `opts.NotFoundGrace = snapshotInUseGrace`},
			},
			Tests: []Test{ba("TestNoOrphansWhenTheImageFails")}},
	}
}
