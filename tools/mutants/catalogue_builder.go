package main

const builderDir = "builder/ami"

func bq(name string) Test { return quick(builderDir, name) }
func ba(name string) Test { return acc(builderDir, name) }

// builderSecurityBreaks break immutable-ami's secure defaults (#3, #15).
func builderSecurityBreaks() []Break {
	const area = "builder"
	const d = builderDir
	return []Break{
		one("sg-opens-every-port", area, "the temporary security group admits TCP ssh_port only, not every port (#15)",
			d+"/step_allow_ssh.go", `ToPort: aws.Int32(int32(port))}`, `ToPort: aws.Int32(65535)}`,
			ba("TestBuildLaunchesWithSecureDefaultsAndRunTags"), ba("TestDefaultSSHSourceIsTheRoute")),
		one("sg-adds-ipv6-world", area, "the temporary security group is never open to ::/0 by default (#15)",
			d+"/step_allow_ssh.go", `err := ec2wait.Retry(ctx, "allowing SSH into "+group, opts,`,
			"perm.Ipv6Ranges = append(perm.Ipv6Ranges, ec2types.Ipv6Range{CidrIpv6: aws.String(\"::/0\")})\n\terr := ec2wait.Retry(ctx, \"allowing SSH into \"+group, opts,",
			ba("TestBuildLaunchesWithSecureDefaultsAndRunTags"), ba("TestDefaultSSHSourceIsTheRoute")),
		one("sg-world-open-by-default", area, "without source CIDRs the temporary group admits this machine's address alone, never 0.0.0.0/0 (#3)",
			d+"/step_security_group_source.go", `return []string{netip.PrefixFrom(addr, addr.BitLen()).String()}`,
			"return []string{\"0.0.0.0/0\"}",
			bq("TestSourceCIDRs"), bq("TestSourceFollowsTheRoute"), ba("TestDefaultSSHSourceIsTheRoute")),
		one("sg-world-open-when-detection-fails", area, "when the address cannot be detected the build stops naming temporary_security_group_source_cidrs (#3)",
			d+"/step_security_group_source.go", `addr, err := detectPublicIP(ctx, client, s.DetectURL)
	if err != nil {`, `addr, err := detectPublicIP(ctx, client, s.DetectURL)
	if err != nil {
		return netip.IPv4Unspecified(), nil
	}
	if err != nil {`,
			bq("TestSourceCIDRs"), ba("TestPublicIPOptionDetectsAndFailsClearly")),
		one("temporary-key-rsa-by-default", area, "the temporary key pair is ed25519 unless temporary_key_pair_type says rsa (#3, #11)",
			d+"/temporary_key_config.go", `case "":
		k.SSHTemporaryKeyPairType = keyTypeED25519`, `case "":
		k.SSHTemporaryKeyPairType = keyTypeRSA`,
			bq("TestConfigDefaultsAreSecure"), ba("TestBuildLaunchesWithSecureDefaultsAndRunTags")),
		one("temporary-key-logged", area, "the temporary private key never reaches a log (#3, #10)",
			d+"/step_key_pair.go", `logsecret.Register(string(private))`, `_ = logsecret.Register`,
			bq("TestStepKeyPair"), acc("e2e", "TestPackerLogHoldsNoSecret")),
		one("temporary-key-written-without-debug", area, "the temporary private key is written to disk only with -debug (#3)",
			d+"/builder.go", `debugKey := ""
	if c.PackerDebug {`, `debugKey := "ec2_build.pem"
	if c.PackerDebug {`,
			bq("TestTemporaryKeyReachesTheDiskOnlyWithDebug"), ba("TestBuildBakesAnImageAndLeavesNothing")),
		one("temporary-key-not-removed", area, "the builder removes its temporary public key from authorized_keys before the image is taken (#3)",
			d+"/builder.go", `multistep.If(temporaryKey, &StepRemoveTempKey{`, `multistep.If(false, &StepRemoveTempKey{`,
			bq("TestOptionalStepsFollowTheTemplate"), ba("TestBuildBakesAnImageAndLeavesNothing")),
		one("temporary-key-removal-keeps-key", area, "the removal drops the lines holding the temporary key and keeps the others (#3)",
			d+"/step_remove_temp_key.go", `grep -vF '%s' "$f"`, `grep -vF 'NO-SUCH-KEY%s' "$f"`,
			bq("TestRemoveKeyCommand")),
		one("imds-optional-by-default", area, "IMDSv2 is required on the build instance unless the template says otherwise (#3)",
			d+"/run_config_prepare.go", `oneOf("http_tokens", &m.HTTPTokens, "required",`, `oneOf("http_tokens", &m.HTTPTokens, "optional",`,
			bq("TestConfigDefaultsAreSecure"), ba("TestBuildLaunchesWithSecureDefaultsAndRunTags")),
		one("ami-imds-support-not-set", area, "the AMI is registered with imds_support v2.0 (#3)",
			d+"/step_modify_image.go", `if s.IMDSSupport == "v2.0" {`, `if false {`,
			bq("TestStepModifyImage")),
		one("volumes-outlive-build-by-default", area, "launch volumes default to delete_on_termination = true: no volume outlives the build (#3)",
			d+"/block_device.go", `b.DeleteOnTermination = aws.Bool(true)`, `b.DeleteOnTermination = aws.Bool(false)`,
			bq("TestConfigDefaultsAreSecure")),
		one("name-check-without-owners-self", area, "the AMI name check asks only for this account's images (Owners: self): someone else's public AMI never blocks the build (#15)",
			d+"/step_pre_validate.go", `Owners:  []string{"self"},`, ``,
			bq("TestStepPreValidateName"), bq("TestNameCheckSeesOnlyThisAccountsImagesAllOfThem")),
		one("name-check-build-region-only", area, "the AMI name is checked free in every ami_regions region before launch (#3)",
			d+"/step_pre_validate.go", `checked := append([]string{s.Region}, s.CopyRegions...)`, `checked := []string{s.Region}`,
			bq("TestStepPreValidateName"), ba("TestAMINameTakenInCopyRegionFailsBeforeLaunch")),
		one("run-tags-drop-build-uuid", area, "run_tags may rename the instance but never drop the build UUID tag (#3)",
			d+"/step_render_run_tags.go", `mergeTags(s.Tags, rendered, buildTags(s.Tags[BuildUUIDTagKey], s.Tags[BuildIDTagKey]))`,
			`mergeTags(s.Tags, rendered)`,
			bq("TestRunTagsCannotDropTheBuildUUID"), ba("TestBuildLaunchesWithSecureDefaultsAndRunTags")),
	}
}

// builderSourceBreaks break where the temporary group lets SSH in from,
// on the strict local cloud (#10, #15).
func builderSourceBreaks() []Break {
	const area = "builder"
	const d = builderDir
	return []Break{
		one("source-always-public", area, "the SSH source is the address the route to the instance leaves from: a private route never gets the public address (#15)",
			d+"/step_security_group_source.go", `if !reachedPrivately(dest) {`, `if true {`,
			bq("TestSourceFollowsTheRoute"), ba("TestDefaultSSHSourceIsTheRoute")),
		one("detection-through-proxy", area, "the public address is detected without HTTP(S)_PROXY: the group admits this machine, not its proxy (#15)",
			d+"/step_security_group_source.go", `t.Proxy = nil`, `t.Proxy = http.ProxyFromEnvironment`,
			bq("TestPublicIPIsDetectedWithoutProxy")),
		one("authorize-once", area, "allowing SSH into a group just created is asked again while EC2 does not know the group yet (#10)",
			d+"/step_allow_ssh.go", `err := ec2wait.Retry(ctx, "allowing SSH into "+group, opts,`,
			`err := ec2wait.Retry(ctx, "allowing SSH into "+group, ec2wait.Options{NotFoundGrace: -1},`,
			ba("TestBuildBakesAnImageAndLeavesNothing")),
		one("group-duplicate-not-adopted", area, "a CreateSecurityGroup retried after a lost answer adopts the group it made (InvalidGroup.Duplicate) (#10)",
			d+"/step_security_group.go", `if ec2wait.Code(err) == "InvalidGroup.Duplicate" {`, `if false {`,
			ba("TestLostAnswersLeaveOneOfEach")),
		// Breaks the acceptance tests' SSH server, which stands for EC2's
		// groups: without it no test sees a group that admits the wrong source.
		one("instance-ignores-groups", area, "the acceptance tests' SSH server admits only the sources the instance's groups admit, as EC2 does (#10)",
			d+"/sshserver_groups_acc_test.go", `func (s *testSSHServer) admitted(ctx context.Context, conn net.Conn) error {`,
			"func (s *testSSHServer) admitted(ctx context.Context, conn net.Conn) error {\n\treturn nil",
			ba("TestWrongSourceIsRefusedAtTheInstance")),
	}
}
