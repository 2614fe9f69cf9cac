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
