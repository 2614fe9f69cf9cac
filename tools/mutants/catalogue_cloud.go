package main

// localcloudBreaks break the local cloud's promise to behave like EC2
// where the tests rely on it: security groups apply, instances run their
// image, terminated instances are gone (#10, #14).
func localcloudBreaks() []Break {
	const area = "localcloud"
	const d = "internal/localcloud"
	return []Break{
		one("gate-admits-everything", area, "a port the instance's security groups do not admit is refused (#10, #14)",
			d+"/gate.go", `if _, ok := Admitting(groups, src, port); ok {`, `if true {`,
			acc("e2e", "TestBuildRefusedByItsGroup"), acc("e2e", "TestLocalCloudInstances")),
		one("rule-ignores-ports", area, "a group rule admits only its port range (#10)",
			d+"/groups.go", `return r.From <= port && port <= r.To`, `return true`,
			quick(d, "TestAdmitting")),
		one("rule-ignores-source", area, "a group rule admits only sources inside its CIDRs (#10)",
			d+"/groups.go", `if p, err := netip.ParsePrefix(c); err == nil && p.Contains(src.Unmap()) {`,
			`if _, err := netip.ParsePrefix(c); err == nil {`,
			quick(d, "TestAdmitting")),
		one("instance-ignores-its-image", area, "an instance runs its image's disk: v2's instance serves v2 (#14)",
			d+"/hooks.go", `in.layers, in.hasDisk = append([]string(nil), img.Layers...), true`, `in.layers, in.hasDisk = nil, true`,
			acc("e2e", "TestLocalCloudDisks"), acc("e2e", "TestLoop")),
		one("terminated-instance-answers", area, "a terminated instance stops: its processes end and it answers no more (#14)",
			d+"/hooks.go", `c.each(call, notGone, phaseTerminating,`, `c.each(call, func(phase) bool { return false }, phaseTerminating,`,
			acc("e2e", "TestLoop")),
		one("stop-keeps-running", area, "a stopped instance's processes end; it starts again from the same disk (#14)",
			d+"/hooks.go", `c.each(call, alive, phaseStopping,`, `c.each(call, func(phase) bool { return false }, phaseStopping,`,
			acc("e2e", "TestLocalCloudDisks")),
		one("moved-ssh-admits-any-port", area, "a rule for the moved SSH port admits SSH, and nothing else (#14)",
			d+"/gate.go", `return port == 22 && g.c.cfg.SSHPort != 22 && ok`, `return ok`,
			quick(d, "TestGateAdmitsMovedSSH")),
		one("copy-has-no-disk", area, "a copied image shares its source's layers: instances from the copy run its disk (#14)",
			d+"/images.go", `c.images[id] = &image{ID: id, Layers: append([]string(nil), img.Layers...)}`,
			`c.images[id] = &image{ID: id}`,
			acc("e2e", "TestLocalCloudDisks")),
		one("layers-never-collected", area, "an image's disk goes once no image or instance uses it: nothing piles up (#14)",
			d+"/images.go", `if layer := c.layerDir(e.Name()); !used[layer] {`, `if layer := c.layerDir(e.Name()); !used[layer] && false {`,
			acc("e2e", "TestLocalCloudDisks")),
		one("cloud-forgiving", area, "the local cloud is strict by default: it refuses as EC2 does right after creates, throttles and loses answers (#10)",
			"localcloud/cmd/localcloud/serve.go", `fs.Bool("strict", true,`, `fs.Bool("strict", false,`,
			quick("localcloud/cmd/localcloud", "TestServeIsStrictByDefault"), acc("e2e", "TestLocalCloudIsStrictByDefault")),
	}
}

// instancesBreaks break the Terraform module in instances/ (#2, #14, #15).
func instancesBreaks() []Break {
	const area = "instances"
	const f = "instances/main.tf"
	return []Break{
		one("no-create-before-destroy", area, "a new image's instance answers before the old one is destroyed (create_before_destroy) (#15)",
			f, `create_before_destroy = true`, `create_before_destroy = false`,
			acc("e2e", "TestLoop")),
		one("ami-not-from-tfvars", area, "aws_instance.web runs var.ami_id, the value packer writes into terraform.tfvars (#2)",
			f, `ami_id = var.ami_ssm_parameter == null ? var.ami_id :`, `ami_id = var.ami_ssm_parameter == null ? "ami-0123456789abcdef0" :`,
			tfrun("instance_runs_the_image_from_tfvars"), tfrun("short_ami_ids_are_accepted")),
		one("ami-id-validation-loose", area, "ami_id is validated as an AMI ID: a placeholder or a region:ami pair is refused (#2)",
			"instances/variables.tf", `can(regex("^ami-[0-9a-f]{8}([0-9a-f]{9})?$", var.ami_id))`,
			`can(regex("ami-", var.ami_id))`,
			tfrun("bad_ami_id_is_rejected"), tfrun("ami_id_with_region_prefix_is_rejected")),
		one("short-ami-ids-refused", area, "8-digit AMI IDs are accepted (#2)",
			"instances/variables.tf", `can(regex("^ami-[0-9a-f]{8}([0-9a-f]{9})?$", var.ami_id))`,
			`can(regex("^ami-[0-9a-f]{17}$", var.ami_id))`,
			tfrun("short_ami_ids_are_accepted")),
		one("web-port-closed", area, "sg_22 admits SSH and the web app on 80 and 8080 (#2, #14)",
			f, `for_each = [22, 80, 8080]`, `for_each = [22, 80]`,
			tfrun("security_group_opens_ssh_and_web_ports"), acc("e2e", "TestLoop")),
		one("output-ami-id-wrong", area, "output ami_id reports the image the instance runs (#2)",
			"instances/outputs.tf", `value       = aws_instance.web.ami`, `value       = var.region`,
			tfrun("outputs_are_wired")),
		one("instance-type-changed", area, "the web instance is a t2.micro by default, as in the seed (#2)",
			"instances/variables.tf", `default     = "t2.micro"`, `default     = "t3.micro"`,
			tfrun("instance_runs_the_image_from_tfvars")),
		one("instance-without-public-ip", area, "the web instance gets a public address, so public_ip reaches it (#2)",
			f, `associate_public_ip_address = true`, `associate_public_ip_address = false`,
			tfrun("outputs_are_wired"), acc("e2e", "TestLoop")),
		one("instance-outside-sg-22", area, "the web instance sits behind sg_22, which admits SSH and the web app (#2, #14)",
			f, `vpc_security_group_ids      = [aws_security_group.sg_22.id]`, `vpc_security_group_ids      = []`,
			tfrun("security_group_opens_ssh_and_web_ports"), acc("e2e", "TestLoop")),
		one("no-egress", area, "sg_22 lets the instance reach out (apt, the app's downloads) (#2)",
			f, `protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]`, `protocol    = "-1"
    cidr_blocks = [var.cidr_vpc]`,
			tfrun("security_group_lets_the_instance_reach_out")),
	}
}
