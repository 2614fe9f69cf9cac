package main

// connectBreaks break how immutable-ami connects without an inbound rule
// and what it creates for that (#11).
func connectBreaks() []Break {
	const area = "builder"
	const d = builderDir
	return []Break{
		{Name: "session-manager-group-admits-ssh", Area: area, Promise: "with ssh_interface = session_manager the temporary group admits nothing (#11)",
			Edits: []Edit{
				{d + "/step_security_group.go", "if s.NoIngress || s.NoSSH {\n return s.createClosed(ctx, state, vpc)", "if s.NoSSH {\n\t\treturn s.createClosed(ctx, state, vpc)"},
			},
			Tests: []Test{ba("TestSessionManagerBuild"), acc("e2e", "TestSessionManagerBuildInTheLocalCloud")}},
		one("temporary-role-left", area, "the temporary role, its policy and instance profile are all removed at the end (#11)",
			d+"/step_temporary_instance_profile_parts.go", `s.made.role = err == nil`, `s.made.role = false`,
			bq("TestStepTemporaryInstanceProfile"), ba("TestTemporaryInstanceProfile")),
		one("rsa-key-default-2048", area, "temporary_key_pair_type = rsa makes 4096-bit keys unless temporary_key_pair_bits says 2048 (#11)",
			d+"/temporary_key_config.go", `defaultRSABits = 4096`, `defaultRSABits = 2048`,
			bq("TestConnectOptionsDefaults")),
	}
}

// optionsBreaks break amazon-ebs options that immutable-ami took over (#11).
func optionsBreaks() []Break {
	const area = "builder"
	const d, a = builderDir, "internal/awsaccess"
	return []Break{
		one("ena-support-ignored", area, "ena_support reaches the instance before it is imaged (#11)",
			d+"/step_modify_instance.go", `if s.ENA != nil {`, `if s.ENA != nil && false {`,
			ba("TestEnhancedNetworkingSetOnTheStoppedInstance")),
		one("winrm-accepted", area, "communicator winrm is refused by Prepare, naming amazon-ebs for Windows images (#11)",
			d+"/windows_options.go", `if comm.Type == "winrm" {`, `if false {`,
			bq("TestConfigPrepareReportsEveryProblem")),
		one("assume-role-external-id-dropped", "awsaccess", "assume_role's external_id reaches STS (#11)",
			a+"/assume_role.go", `if a.ExternalID != "" {`, `if false {`,
			acc(a, "TestAssumeRoleSendsEveryParameter")),
		one("custom-endpoint-ec2-ignored", "awsaccess", "custom_endpoint_ec2 is where EC2 calls go (#11)",
			a+"/aws_config.go", `if c.CustomEndpointEC2 != "" {`, `if false {`,
			acc(a, "TestCustomEndpointEC2")),
		one("region-only-from-the-template", "awsaccess", "without region the build takes AWS_REGION or the profile's, as amazon-ebs (#11)",
			a+"/access_config_prepare.go", `c.RawRegion = cfg.Region`, `_ = cfg.Region`,
			quick(a, "TestRegionFromEnvironmentOrProfile")),
		one("moving-page-loses-an-option", "docs", "the Moving from amazon-ebs page lists every amazon-ebs option: a missing row fails make test (#11)",
			"docs/moving-from-amazon-ebs.mdx", "| `ena_support` | 1.2.1 | same |", "| `ena_supported` | 1.2.1 | same |",
			bq("TestMovingFromAmazonEBSPageCoversEveryOption")),
		one("spot-fleet-left", area, "a Spot build deletes its EC2 Fleet (and so its instance) at the end (#11)",
			d+"/step_run_spot_instance_cleanup.go", `for _, id := range s.fleets {`, `for _, id := range s.fleets[:0] {`,
			bq("TestStepRunSpotInstanceRequestsOneSpotInstanceThroughAFleet"), ba("TestSpotBuildWithAutoPriceBakesAndLeavesNothing")),
		one("spot-launch-template-left", area, "a Spot build deletes its launch template at the end (#11)",
			d+"/step_run_spot_instance_cleanup.go", `_, err := s.EC2.DeleteLaunchTemplate(ctx, &ec2.DeleteLaunchTemplateInput{LaunchTemplateId: aws.String(s.template)})`,
			`err := ctx.Err()`,
			bq("TestStepRunSpotInstanceRequestsOneSpotInstanceThroughAFleet"), ba("TestSpotBuildWithAutoPriceBakesAndLeavesNothing")),
		one("spot-interruption-unexplained", area, "a Spot interruption fails the build naming the interruption (#11)",
			d+"/step_run_spot_instance_cleanup.go", `if r := inst.StateReason; r != nil && aws.ToString(r.Code) == spotTerminationReason {`,
			`if r := inst.StateReason; r != nil && false {`,
			bq("TestStepRunSpotInstanceExplainsAnInterruption"), ba("TestSpotBuildInterruptedFailsClearlyAndLeavesNothing")),
	}
}

// builderIAMBreaks break what the build does about permissions and EC2's
// current limits (#10, #11).
func builderIAMBreaks() []Break {
	const area = "builder"
	const d = builderDir
	return []Break{
		one("launch-ignores-new-profile", area, "a launch with an instance profile IAM just made is asked again until EC2 knows the profile (#10, #11)",
			d+"/step_run_instance_launch.go", `if profileNotYetKnown(err) {`, `if false && profileNotYetKnown(err) {`,
			ba("TestIAMInstanceProfile")),
		one("hop-limit-one", area, "with IMDSv2 required the hop limit defaults to 2, so containers on the instance get its credentials (#10)",
			d+"/run_config_prepare.go", `m.HTTPPutResponseHopLimit = 2`, `m.HTTPPutResponseHopLimit = 0`,
			bq("TestHopLimitDefaultsToTwoWithIMDSv2")),
		one("gp3-old-limits", area, "gp3 volumes are checked against EC2's current limits (80000 IOPS, 2000 MiB/s) (#10)",
			d+"/block_device_limits.go", `maxIOPS: 80000, iopsPerGiB: 500, minMiBps: 125, maxMiBps: 2000},`,
			`maxIOPS: 16000, iopsPerGiB: 500, minMiBps: 125, maxMiBps: 1000},`,
			bq("TestBlockDeviceLimitsFollowEC2")),
		one("no-permission-dry-runs", area, "missing permissions are found by dry runs before anything is created, every one named at once (#10)",
			d+"/step_check_permissions.go", `missing = append(missing, ec2wait.MissingPermission(err))`, ``,
			ba("TestMinimalIAMPolicy")),
		one("no-spot-dry-runs", area, "a Spot build dry-runs its Spot calls too before anything is created (#10, #11)",
			d+"/step_check_permissions.go", `if s.Spot {`, `if false {`,
			ba("TestMinimalIAMPolicy")),
		one("denial-unnamed", area, "a call refused for lack of permission fails the build naming the IAM action to grant (#10)",
			d+"/step_support.go", `err = explainDenied(err)`, ``,
			ba("TestMinimalIAMPolicy")),
		one("policy-misses-an-action", "docs", "docs/iam-policy.json grants every action the builder calls (#10)",
			"docs/iam-policy.json", `"ec2:DescribeKeyPairs",`, ``,
			bq("TestIAMPolicyFile")),
	}
}
