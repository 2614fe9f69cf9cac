package main

// postProcessorBreaks break immutable-tfvars (post-processor/tfvars, #5,
// #10).
func postProcessorBreaks() []Break {
	const area = "post-processor"
	const dir = "post-processor/tfvars"
	t := func(name string) Test { return quick(dir, name) }
	return []Break{
		one("artifact-id-first-pair-only", area, "every region:ami pair of the artifact ID is read, not only the first (the cut -d: trap) (#5)",
			dir+"/artifact_ids.go", `for pair := range strings.SplitSeq(id, ",") {`,
			`for pair := range strings.SplitSeq(strings.Split(id, ",")[0], ",") {`,
			t("TestParseImages"), t("TestPostProcessAfterAmazonEBS")),
		one("build-region-ignored", area, "variable gets the build region's image when the artifact has several (#5)",
			dir+"/artifact_ids.go", `pick, from = generated["BuildRegion"], "the builder's BuildRegion"`,
			`pick, from = regions[len(regions)-1], "the builder's BuildRegion"`,
			t("TestBuildRegion")),
		one("input-artifact-discarded", area, "the post-processor keeps the input artifact: discarding it would deregister the image the tfvars now names (#5)",
			dir+"/post-processor.go", `return a, true, true, nil`, `return a, false, false, nil`,
			t("TestPostProcessAfterAmazonEBS")),
		one("generated-secrets-logged", area, "immutable-tfvars registers the generated data's secrets with its log filter: no line of its process shows them (#10)",
			dir+"/post-processor.go", `logsecret.Generated(generated)`, `_ = logsecret.Generated[string]`,
			t("TestPostProcessRegistersTheGeneratedSecrets")),
		one("prepare-skips-file-check", area, "a tfvars file that does not parse fails Prepare, before the bake, left untouched (#2)",
			dir+"/prepare.go", `if names {
		for _, err := range c.checkFiles() {`, `if names && false {
		for _, err := range c.checkFiles() {`,
			t("TestPrepareChecksFileAndModuleLeavingThemUntouched"), acc(dir, "TestEndToEndConfigErrorStopsBeforeTheBake")),
		one("module-dir-ignored", area, "module_dir: the variable must be declared by the module (#5)",
			dir+"/prepare.go", `if c.ModuleDir == "" {`, `if true {`,
			t("TestPrepareChecksFileAndModuleLeavingThemUntouched")),
		one("history-without-source-ami", area, "the history entry of a build records its source AMI (#5)",
			dir+"/post-processor.go", `SourceAMI:   generated["SourceAMI"],`, `SourceAMI:   "",`,
			t("TestPostProcessAfterAmazonEBS")),
		one("keep-history-negative-accepted", area, "keep_history below 1 is refused by Prepare (#5)",
			dir+"/prepare.go", `if c.KeepHistory < 0 {`, `if false {`,
			t("TestPrepareReportsAllProblemsAtOnce")),
		one("variable-name-unchecked", area, "variable must be a valid Terraform name, refused by Prepare (#5)",
			dir+"/prepare.go", `if !hclsyntax.ValidIdentifier(c.Variable) {`, `if false {`,
			t("TestPrepareReportsAllProblemsAtOnce")),
		one("map-variable-same-as-variable", area, "map_variable must differ from variable (#5)",
			dir+"/prepare.go", `|| c.MapVariable == c.Variable) {`, `) {`,
			t("TestPrepareRefusesOneNameForBothVariables")),
		one("generated-data-over-rpc-ignored", area, "the generated data is read as it arrives through Packer's RPC (msgpack maps), so BuildRegion picks the image (#5)",
			dir+"/artifact_ids.go", `case map[interface{}]interface{}:
		for k, v := range gd {`, `case map[interface{}]bool:
		for k, v := range gd {`,
			t("TestGeneratedDataShapes"), acc(dir, "TestEndToEndWithPackerAndAnAmazonEBSShapedArtifact")),
		one("duplicate-region-accepted", area, "an artifact ID naming a region twice is refused (#5)",
			dir+"/artifact_ids.go", `if _, dup := images[region]; dup {`, `if _, dup := images[region]; dup && false {`,
			t("TestParseImages")),
		one("default-path-elsewhere", area, "path defaults to ../instances/terraform.tfvars, the seed's layout (#2)",
			dir+"/prepare.go", `const DefaultPath = "../instances/terraform.tfvars"`, `const DefaultPath = "terraform.tfvars"`,
			t("TestPrepareDefaults")),
		one("run-uuid-not-recorded", area, "the history entry of a build records Packer's run UUID (#5)",
			dir+"/post-processor.go", `RunUUID:     os.Getenv("PACKER_RUN_UUID"),`, `RunUUID:     os.Getenv("PACKER_RUN_UUID_UNSET"),`,
			t("TestPostProcessAfterAmazonEBS"), acc(dir, "TestEndToEndWithPackerAndAnAmazonEBSShapedArtifact")),
		// Found by gremlins (docs/mutation-testing.md).
		one("prune-keep-one-refused", area, "prune { keep = 1 } is accepted: the smallest retention (#13)",
			dir+"/prepare_lifecycle.go", `if p.Keep < 1 {`, `if p.Keep <= 1 {`,
			t("TestPruneKeepOneIsAccepted")),
		one("revert-reports-failure-anyway", area, "a revert that worked is reported as done, and no failure is reported (#13)",
			dir+"/publish.go", `if len(failed) > 0 {`, `if len(failed) >= 0 {`,
			t("TestRevertSaysWhatItUndid")),
	}
}
