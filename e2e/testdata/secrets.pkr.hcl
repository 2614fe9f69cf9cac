# Bakes with every component of the plugin (immutable-ami, immutable-setup,
# immutable-tfvars) in the local cloud, plus the test-only probe-capture
# provisioner (testdata/probeplugin) that hands the test the build's temporary
# private key. Used by TestPackerLogHoldsNoSecret.
variable "ssh_port" {
  type = number
}

source "immutable-ami" "secrets" {
  region        = "us-east-1"
  instance_type = "t2.micro"
  ami_name      = "secrets-{{timestamp}}"
  source_ami_filter {
    filters = {
      name                = "ubuntu/images/*ubuntu-jammy-22.04-amd64-server-*"
      root-device-type    = "ebs"
      virtualization-type = "hvm"
    }
    owners      = ["099720109477"]
    most_recent = true
  }
  ssh_username                          = "ubuntu"
  ssh_port                              = var.ssh_port
  temporary_security_group_source_cidrs = ["127.0.0.1/32"]
}

build {
  sources = ["source.immutable-ami.secrets"]

  provisioner "probe-capture" {}

  provisioner "immutable-setup" {
    inline = ["echo baked > /tmp/baked"]
    verify {
      name    = "baked"
      command = "test -f /tmp/baked"
    }
  }

  post-processor "immutable-tfvars" {
    path         = "${path.root}/terraform.tfvars"
    map_variable = "ami_ids"
  }
}
