package main

// commandBreaks break the history, rollback and promote subcommands
// (internal/command, #5, #10, #15).
func commandBreaks() []Break {
	const area = "command"
	const dir = "internal/command"
	const walk = "internal/tfvarsfile/history_walk.go" // the history walk rollback and the data source share
	t := func(name string) Test { return quick(dir, name) }
	return []Break{
		one("rollback-oldest-first", "tfvarsfile", "rollback searches the history newest-first when an image appears twice (#15)",
			walk, `for i := len(recorded) - 1; i >= 0 && at < 0; i-- {`,
			`for i := 0; i < len(recorded) && at < 0; i++ {`,
			t("TestRollbackUsesTheNewestOccurrence")),
		one("rollback-to-oldest-first", "tfvarsfile", "rollback -to restores the newest entry of the named image, with its region map (#15)",
			walk, `for i := len(history) - 1; i >= 0; i-- {`, `for i := 0; i < len(history); i++ {`,
			t("TestRollbackUsesTheNewestOccurrence")),
		one("rollback-toggles", "tfvarsfile", "successive rollbacks walk further back instead of toggling between two images (#5)",
			walk, `if e.Action != ActionRollback {`, `if true {`,
			t("TestRollbackWalksBackAndIsRecorded")),
		one("rollback-keeps-region-map", area, "rollback restores the region map the restored build wrote, not only ami_id (#5)",
			dir+"/rollback.go", `Value: target.Value, Images: target.Images,`, `Value: target.Value,`,
			t("TestRollbackWalksBackAndIsRecorded")),
		one("rollback-to-not-an-ami", area, "rollback -to refuses what is not an AMI ID, with exit status 2 (#5)",
			dir+"/rollback.go", `case *to != "" && !awsid.IsAMIID(*to):`, `case *to != "" && !awsid.IsAMIID(*to) && false:`,
			t("TestUsage")),
		one("rollback-refusal-exit-0", area, "a refused rollback exits 1 and leaves the file untouched (#5)",
			dir+"/command.go", `fmt.Fprintf(stderr, "error: %v\n", err)
	return exitError`, `fmt.Fprintf(stderr, "error: %v\n", err)
	return exitOK`,
			t("TestRollbackRefusesAndLeavesFileUntouched")),
		one("usage-error-exit-1", area, "a wrong command line exits 2 with the usage (#5)",
			dir+"/command.go", `printFlags(fs, about, stderr)
	return exitUsage`, `printFlags(fs, about, stderr)
	return exitError`,
			t("TestUsage")),
		one("promote-drops-region-map", area, "promote copies the region map as the source file holds it, with the image ID (#5)",
			dir+"/promote.go", `e.Images = m.Map
	return e, mapVariable, nil`, `_ = m
	return e, mapVariable, nil`,
			t("TestPromoteCopiesTheRegionMapAsTheSourceHoldsIt")),
		one("promote-loses-provenance", area, "a promotion records the build and source AMI the image came from (#5)",
			dir+"/promote.go", `e.Images, e.Build, e.SourceAMI = h.Images, h.Build, h.SourceAMI`,
			`e.Images = h.Images`,
			t("TestPromote")),
		one("history-marks-wrong-current", area, "history marks the current value with * (#5)",
			dir+"/history.go", `if e.Value == current {
			last = i`, `if e.Value != current {
			last = i`,
			t("TestHistory")),
		one("history-mixes-variables", "tfvarsfile", "history and rollback read the entries of the variable asked for only (#5)",
			walk, `if e.Variable == variable {
			out = append(out, e)`, `if e.Variable == variable || true {
			out = append(out, e)`,
			t("TestHistoryAndRollbackKeepToTheirVariable")),
		one("rollback-module-dir-ignored", area, "-module-dir: rollback refuses a variable the module does not declare, leaving the file untouched (#5)",
			dir+"/write.go", `if w.moduleDir == "" {`, `if true {`,
			t("TestRollbackRefusesAndLeavesFileUntouched")),
		one("promote-forgets-the-builds-map", area, "promote without -map-variable promotes the region map the build wrote with the image (#5)",
			dir+"/promote.go", `mapVariable = h.MapVariable // promote the region map the build wrote too`,
			`_ = h.MapVariable // promote the region map the build wrote too`,
			t("TestPromoteCarriesTheRegionMapTheBuildWrote")),
		one("subcommand-takes-plugin-protocol", area, "anything but history, rollback, promote and help goes to the Packer plugin protocol (describe, start …) (#5)",
			dir+"/command.go", `run, ok := subcommands[args[0]]
	if !ok {
		return exitOK, false
	}`, `run, ok := subcommands[args[0]]
	if !ok {
		return exitUsage, true
	}`,
			t("TestNotOurs"), acc(dir, "TestBinary")),
		one("plugin-log-unfiltered", area, "every log line of the plugin process passes the secret filter (#10)",
			dir+"/dispatch.go", `log.SetOutput(&packersdk.LogSecretFilter)`, `log.SetOutput(os.Stderr)`,
			t("TestDispatchFiltersThePluginsLog"), acc("e2e", "TestPackerLogHoldsNoSecret")),
		// Found by gremlins (docs/mutation-testing.md).
		one("history-marks-a-hand-written-value", area, "history marks no entry current when the file's value was written by hand (#10)",
			dir+"/history.go", `last := -1`, `last := 1`,
			t("TestHistoryMarksNothingWhenTheValueWasWrittenByHand")),
		one("promote-takes-another-builds-provenance", area, "a promotion records the build and source AMI of the image it promotes, not another's (#5)",
			dir+"/promote.go", `if h.Value == v.String { // the newest entry of the value wins`,
			`if h.Value != v.String { // the newest entry of the value wins`,
			t("TestPromoteRecordsTheProvenanceOfThePromotedImage")),
	}
}
