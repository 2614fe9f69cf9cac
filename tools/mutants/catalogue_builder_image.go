package main

// builderImageBreaks break how immutable-ami finds its source, makes,
// copies, shares and tags the image (#2, #3, #15).
func builderImageBreaks() []Break {
	const area = "builder"
	const d = builderDir
	return []Break{
		one("image-from-running-instance", area, "the image is taken from the stopped instance: quiet disks (#2)",
			d+"/builder.go", `multistep.If(!spot, &StepStopInstance{EC2: client, DisableStop: c.DisableStopInstance, Polling: polling}),`, ``,
			bq("TestPlainBuildStopsTheInstanceBeforeTheImage"), ba("TestBuildBakesAnImageAndLeavesNothing")),
		one("skip-create-ami-still-images", area, "skip_create_ami makes no image (#3)",
			d+"/builder.go", `if c.SkipCreateAMI {
		return nil
	}`, `if false {
		return nil
	}`,
			bq("TestSkipCreateAMIMakesNoImage")),
		one("encrypt-boot-not-encrypted", area, "encrypt_boot copies the image encrypted, with kms_key_id (#3)",
			d+"/step_create_image.go", `Encrypted: aws.Bool(true), KmsKeyId: optional(s.KmsKeyID),`,
			`Encrypted: aws.Bool(false), KmsKeyId: optional(s.KmsKeyID),`,
			ba("TestImageStepsMakeTagShareAndCopyTheImage")),
		one("tag-error-ignored", area, "a CreateTags that keeps failing fails the build, leaving nothing (#15 permanent errors)",
			d+"/step_tag_images.go", `return ec2wait.Retry(ctx, "tagging", s.Polling, func(ctx context.Context) error {
		_, err := c.CreateTags(ctx, &ec2.CreateTagsInput{Resources: ids, Tags: ec2Tags(tags)})
		return err
	})`, `_ = ec2wait.Retry(ctx, "tagging", s.Polling, func(ctx context.Context) error {
		_, err := c.CreateTags(ctx, &ec2.CreateTagsInput{Resources: ids, Tags: ec2Tags(tags)})
		return err
	})
	return nil`,
			ba("TestNoOrphansWhenALaterStepFails"), ba("TestEachCreateFailingForGoodLeavesNothing")),
		one("modify-image-error-ignored", area, "a ModifyImageAttribute that keeps failing fails the build, leaving nothing (#15 permanent errors)",
			d+"/step_modify_image.go", `if err := ec2wait.Retry(ctx, what, s.Polling, call); err != nil {`,
			`if err := ec2wait.Retry(ctx, what, s.Polling, call); err != nil && false {`,
			bq("TestStepModifyImage"), ba("TestEachCreateFailingForGoodLeavesNothing")),
		one("sharing-not-applied", area, "ami_users and ami_groups share the AMI in every region (#3)",
			d+"/step_modify_image.go", `if perm := launchPermission(s.Sharing); perm != nil {`, `if perm := launchPermission(s.Sharing); false {
		_ = perm`,
			bq("TestStepModifyImage"), ba("TestImageStepsMakeTagShareAndCopyTheImage")),
		one("snapshots-not-tagged", area, "snapshot_tags (and tags) reach the AMI's snapshots (#3)",
			d+"/step_tag_images.go", `if len(snaps) == 0 {
		return nil
	}`, `if len(snaps) >= 0 {
		return nil
	}`,
			ba("TestImageStepsMakeTagShareAndCopyTheImage")),
		one("most-recent-picks-oldest", area, "source_ami_filter with most_recent picks the newest image (#2)",
			d+"/step_source_ami_choice.go", `return slices.MaxFunc(images, func(a, b ec2types.Image) int {`,
			`return slices.MinFunc(images, func(a, b ec2types.Image) int {`,
			bq("TestChooseImage")),
		one("source-filter-owners-dropped", area, "source_ami_filter's owners reach DescribeImages (#2)",
			d+"/step_source_ami.go", `in := &ec2.DescribeImagesInput{Owners: s.Filter.Owners,`, `in := &ec2.DescribeImagesInput{`,
			ba("TestBuildBakesAnImageAndLeavesNothing")),
		one("wrong-architecture-accepted", area, "a source AMI the instance type cannot boot is refused before launch (#3)",
			d+"/step_source_ami_choice.go", `if !slices.Contains(it.ProcessorInfo.SupportedArchitectures, arch) {`,
			`if !slices.Contains(it.ProcessorInfo.SupportedArchitectures, arch) && false {`,
			bq("TestCompatible"), ba("TestPreValidationFailsBeforeLaunch")),
		one("unknown-region-accepted", area, "a region EC2 does not know stops the build before anything is created (#3)",
			d+"/step_pre_validate.go", `if !slices.Contains(names, s.Region) {`, `if false {`,
			bq("TestStepPreValidateRegion")),
		one("force-deregister-keeps-snapshots", area, "force_delete_snapshot deletes the replaced AMI's snapshots (#3)",
			d+"/step_deregister_existing.go", `if err := deleteImage(ctx, c, id, withSnapshots, opts); err != nil {`,
			`if err := deleteImage(ctx, c, id, false, opts); err != nil {`,
			ba("TestForceDeregisterRemovesTheOldImageAndSnapshot")),
		one("artifact-id-unsorted", area, "the artifact ID lists region:ami pairs sorted by region, as amazon-ebs (#2)",
			d+"/artifact.go", `for _, r := range slices.Sorted(maps.Keys(a.Amis)) {
		parts = append(parts, r+":"+a.Amis[r])`, `for _, r := range slices.Backward(slices.Sorted(maps.Keys(a.Amis))) {
		parts = append(parts, r+":"+a.Amis[r])`,
			bq("TestArtifactDescribesEveryRegion")),
	}
}

// builderImageStrictBreaks break how the image is made and found on the
// strict local cloud (#10, #11, #15).
func builderImageStrictBreaks() []Break {
	const area = "builder"
	const d = builderDir
	return []Break{
		one("image-right-after-stop", area, "CreateImage right after the stop is asked again while EC2 still answers IncorrectInstanceState (#10)",
			d+"/step_create_image_adopt.go", `opts.Tolerate = ec2wait.Codes("IncorrectInstanceState")`, ``,
			ba("TestBuildBakesAnImageAndLeavesNothing")),
		one("snapshots-untagged-at-creation", area, "CreateImage tags the snapshots as it makes them: no snapshot is ever untagged (#10)",
			d+"/step_create_image.go", `BlockDeviceMappings: BuildBlockDeviceMappings(s.Mappings),
		TagSpecifications:   tagSpecs(s.Tags, ec2types.ResourceTypeImage, ec2types.ResourceTypeSnapshot),`,
			`BlockDeviceMappings: BuildBlockDeviceMappings(s.Mappings),
		TagSpecifications:   tagSpecs(s.Tags, ec2types.ResourceTypeImage),`,
			ba("TestWholeBuildSucceedsOnFlakyEC2")),
		one("intermediate-fails-build", area, "an unencrypted intermediate AMI that cannot be removed is reported, never a reason to fail the encrypted build (#15)",
			d+"/step_create_image.go", `"--image-id %s --delete-associated-snapshots", s.Region, src), err)
		return img, nil`, `"--image-id %s --delete-associated-snapshots", s.Region, src), err)
		return ec2types.Image{}, err`,
			ba("TestEncryptedImageOutlivesALeftoverIntermediate")),
		one("name-check-no-disabled", area, "the AMI name check sees this account's disabled images too: they still hold the name (#10)",
			d+"/step_pre_validate.go", `IncludeDisabled:   aws.Bool(true),`, `IncludeDisabled:   aws.Bool(false),`,
			bq("TestNameCheckSeesOnlyThisAccountsImagesAllOfThem"), ba("TestNameCheckSeesThisAccountsDisabledImage")),
		one("no-include-deprecated", area, "source_ami_filter's include_deprecated reaches DescribeImages (#11)",
			d+"/step_source_ami.go", `IncludeDeprecated: aws.Bool(s.Filter.IncludeDeprecated)`, `IncludeDeprecated: aws.Bool(false)`,
			ba("TestSourceLookupSeesDeprecatedImagesOnlyWhenAsked")),
	}
}
