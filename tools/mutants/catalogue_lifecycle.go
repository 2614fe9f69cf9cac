package main

// lifecycleBreaks break retention, channels and chaining (#13): prune
// never deletes what a deploy or a rollback could still pick, SSM channels
// move labels safely, the data source reads what rollback would restore.
func lifecycleBreaks() []Break {
	const p, s, pp = "internal/prune", "internal/ssmchannel", "post-processor/tfvars"
	pq := func(name string) Test { return quick(p, name) }
	sq := func(name string) Test { return quick(s, name) }
	return []Break{
		one("prune-deletes-rollback-targets", "prune", "prune never deletes an image a tfvars history names: every rollback target stays (#13)",
			p+"/protect.go", `for _, id := range entryImages(e) {`, `for _, id := range entryImages(e)[:0] {`,
			pq("TestEveryReferenceProtects"), acc("internal/command", "TestPruneKeepsEveryImageSomethingNames")),
		one("prune-deletes-rollback-region-maps", "prune", "prune keeps every region's image a history entry would restore, not only its ami_id (#13)",
			p+"/protect.go", `for _, id := range e.Images {`, `for _, id := range map[string]string{} {`,
			pq("TestEveryReferenceProtects")),
		one("prune-ignores-unreadable-file", "prune", "a tfvars file prune cannot read stops the prune: nothing is deleted as if it named nothing (#13)",
			p+"/protect.go", `return nil, fmt.Errorf("reading %s, whose images must stay: %w (fix the path; nothing was deleted)", f, err)`,
			`continue`,
			pq("TestUnreadableReferencesStopThePrune")),
		one("prune-deletes-channel-versions", "prune", "prune never deletes an image any version of an SSM channel holds (#13)",
			p+"/decide.go", `for _, why := range ev.params[d.Region][d.ID] {`, `for _, why := range ev.params[""][d.ID] {`,
			pq("TestEveryReferenceProtects")),
		one("prune-deletes-images-in-use", "prune", "prune never deletes the image of a running or stopped instance (#13)",
			p+"/decide.go", `for _, i := range ev.invs[d.Region].inUse[d.ID] {`, `for _, i := range ev.invs[d.Region].inUse[""] {`,
			pq("TestEveryReferenceProtects")),
		one("prune-deletes-sources", "prune", "prune never deletes the source of an image that stays (an app image's base) (#13)",
			p+"/decide.go", `if src := byID[region+"/"+info.SourceAMI]; src != nil && src.Prune() {`,
			`if src := byID[region+"/"+info.SourceAMI]; src != nil && src.Prune() && false {`,
			pq("TestSourcesAndCopiesOfImagesThatStay")),
		one("prune-deletes-copies", "prune", "prune keeps every region copy of an image that stays (#13)",
			p+"/decide.go", `if c.Prune() {`, `if c.Prune() && false {`,
			pq("TestSourcesAndCopiesOfImagesThatStay")),
		one("prune-keeps-one-fewer", "prune", "prune keeps the newest N of each build (#13)",
			p+"/decide.go", `if i < p.Keep {`, `if i < p.Keep-1 {`,
			pq("TestKeepNewest")),
		one("prune-beyond-its-build", "prune", "prune -build touches that build's images only (#13)",
			p+"/decide.go", `case len(p.Builds) > 0 && !slices.Contains(p.Builds, build):`,
			`case len(p.Builds) > 0 && !slices.Contains(p.Builds, build) && false:`,
			pq("TestScopeToOneBuild")),
		one("prune-pending-images", "prune", "only available images are pruned: a pending one may be a build in progress (#13)",
			p+"/decide.go", `if d.State != "available" {`, `if false {`,
			pq("TestNotAvailableAndUntaggedImagesStay")),
		one("prune-unmarked-snapshots", "prune", "snapshots are marked before the image is deregistered, so a prune killed at any call leaves no image without snapshots and no snapshot untraceable (#13)",
			p+"/apply.go", `if len(snaps) > 0 {
		_, err := c.CreateTags(ctx,`, `if len(snaps) < 0 {
		_, err := c.CreateTags(ctx,`,
			pq("TestApplyMarksThenDeregistersThenDeletes"), pq("TestInterruptedAtEveryCallLeavesNoBrokenImage")),
		one("prune-applies-by-default", "prune", "prune is a dry run unless -apply (#13)",
			"internal/command/prune.go", `fs.BoolVar(&o.apply, "apply", false,`, `fs.BoolVar(&o.apply, "apply", true,`,
			acc("internal/command", "TestPruneKeepsEveryImageSomethingNames")),
		one("channel-lock-not-exclusive", "ssmchannel", "writes to an SSM channel hold a lock every machine sees: concurrent promotions lose none (#13)",
			s+"/lock.go", `Type: ssmtypes.ParameterTypeString, Overwrite: aws.Bool(false),`,
			`Type: ssmtypes.ParameterTypeString, Overwrite: aws.Bool(true),`,
			sq("TestLockIsMutuallyExclusive"), sq("TestConcurrentPromotionIsNotLost")),
		one("label-rollback-oldest-first", "ssmchannel", "a label rolls back to the newest older version holding another image (#13)",
			s+"/labels.go", `for i := len(versions) - 1; i >= 0; i-- {
		v := versions[i]
		if image != "" && v.Value == image {`, `for i := 0; i < len(versions); i++ {
		v := versions[i]
		if image != "" && v.Value == image {`,
			sq("TestRollbackLabelWalksBack")),
		one("published-version-not-checked", "ssmchannel", "a publication is not done until SSM shows the version with the image (#13)",
			s+"/publish.go", `func awaitVersion(ctx context.Context, c Reader, name string, v int64, value string) error {`,
			"func awaitVersion(ctx context.Context, c Reader, name string, v int64, value string) error {\n\tif true {\n\t\treturn nil\n\t}",
			sq("TestPublishFailsWhenSSMDropsTheVersion")),
		one("channel-not-reverted", "post-processor", "when the tfvars write fails after the channel was published, the channel is reverted: both or neither (#13)",
			pp+"/post-processor.go", `p.revert(ui, pubs, err)`, `_ = pubs`,
			quick(pp, "TestTfvarsFailureRevertsTheChannel")),
		{Name: "failed-prune-fails-build", Area: "post-processor",
			Promise: "a prune behind a build that fails is reported and never fails the build (Packer would delete the new image) (#13)",
			Edits: []Edit{
				{pp + "/prune.go", `buildRegion string) {`, `buildRegion string) error {`},
				{pp + "/prune.go", `if pc == nil {
		return
	}`, `if pc == nil {
		return nil
	}`},
				{pp + "/prune.go", `(nothing was deleted; the build itself succeeded)", err))
		return`, `(nothing was deleted; the build itself succeeded)", err))
		return err`},
				{pp + "/prune.go", `if pc.DryRun {
		return
	}`, `if pc.DryRun {
		return nil
	}`},
				{pp + "/prune.go", `the build itself succeeded)", err))
	}
}`, `the build itself succeeded)", err))
		return err
	}
	return nil
}`},
				{pp + "/post-processor.go", `p.prune(ctx, ui, entry, region)`, `if err := p.prune(ctx, ui, entry, region); err != nil {
		return a, true, true, err
	}`},
			},
			Tests: []Test{quick(pp, "TestAFailedPruneDoesNotFailTheBuild")}},
		one("datasource-previous-ignored", "datasource", "the data source's previous = N reads the image N rollbacks back (#13)",
			"datasource/tfvars/read_file.go", `for n := 1; n <= c.Previous; n++ {`, `for n := 1; n < c.Previous; n++ {`,
			quick("datasource/tfvars", "TestReadsTheFileAndItsHistory")),
	}
}
