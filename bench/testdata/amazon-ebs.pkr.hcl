# The benchmark's bake with the official amazon-ebs (v1.2.1): the same bake as
# immutable.pkr.hcl, plus what amazon-ebs needs to reach a local endpoint.
variable "name" {
  type = string
}

variable "ssh_port" {
  type    = number
  default = 22
}

variable "endpoint" {
  type = string
}

source "amazon-ebs" "bench" {
  region                                = "us-east-1"
  source_ami                            = "ami-0a1b2c3d4e5f60001"
  instance_type                         = "t2.micro"
  ami_name                              = "bench-${var.name}"
  ssh_username                          = "ubuntu"
  ssh_port                              = var.ssh_port
  temporary_security_group_source_cidrs = ["127.0.0.1/32"]
  custom_endpoint_ec2                   = var.endpoint
  skip_credential_validation            = true
}

build {
  sources = ["source.amazon-ebs.bench"]

  provisioner "shell" {
    inline = ["echo baked | sudo tee /etc/baked >/dev/null"]
  }
}
