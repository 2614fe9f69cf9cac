# The benchmark's bake with immutable-ami: the seed's image in the local
# cloud, one provisioner, no post-processor (see docs/benchmarks.md). The same bake
# as amazon-ebs.pkr.hcl, option for option.
variable "name" {
  type = string
}

variable "ssh_port" {
  type    = number
  default = 22
}

source "immutable-ami" "bench" {
  region                                = "us-east-1"
  source_ami                            = "ami-0a1b2c3d4e5f60001"
  instance_type                         = "t2.micro"
  ami_name                              = "bench-${var.name}"
  ssh_username                          = "ubuntu"
  ssh_port                              = var.ssh_port
  temporary_security_group_source_cidrs = ["127.0.0.1/32"]
}

build {
  sources = ["source.immutable-ami.bench"]

  provisioner "shell" {
    inline = ["echo baked | sudo tee /etc/baked >/dev/null"]
  }
}
