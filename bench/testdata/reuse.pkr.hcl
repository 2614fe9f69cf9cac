# The reuse scenario: the benchmark's bake with a reuse block and the
# immutable-tfvars post-processor. Built twice with nothing changed, the
# second build launches nothing and writes the same image into
# terraform.tfvars.
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

  reuse {
    inputs = ["${path.root}/*.pkr.hcl", "${path.root}/scripts/**"]
  }
}

build {
  sources = ["source.immutable-ami.bench"]

  provisioner "shell" {
    script = "${path.root}/scripts/setup.sh"
  }

  post-processor "immutable-tfvars" {
    path = "${path.root}/terraform.tfvars"
  }
}
