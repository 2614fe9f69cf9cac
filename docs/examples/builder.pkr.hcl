# immutable-ami: bake an Ubuntu 22.04 image from Canonical's latest AMI and
# copy it to a second region. Lives in images/ beside instances/:
#   packer init builder.pkr.hcl && packer build builder.pkr.hcl
packer {
  required_plugins {
    immutable = {
      source  = "github.com/immutable-infrastructure/immutable"
      version = ">= 0.1.0"
    }
  }
}

variable "region" {
  type    = string
  default = "eu-west-1"
}

locals {
  timestamp = regex_replace(timestamp(), "[- TZ:]", "")
}

source "immutable-ami" "web" {
  region        = var.region
  instance_type = "t3.micro"
  ami_name      = "web-${local.timestamp}"
  ami_regions   = ["eu-central-1"]

  source_ami_filter {
    filters = {
      name                = "ubuntu/images/*ubuntu-jammy-22.04-amd64-server-*"
      root-device-type    = "ebs"
      virtualization-type = "hvm"
    }
    owners      = ["099720109477"] # Canonical
    most_recent = true
  }

  ssh_username = "ubuntu"
  # Only this machine may reach the build instance (the default, spelled out).
  public_ip_detection_url = "https://checkip.amazonaws.com"

  tags = {
    Name      = "web"
    SourceAMI = "{{ .SourceAMI }}"
  }
  run_tags = {
    Name = "packer-build-web"
  }

  # Bake only when something changed: a build whose template, source image
  # and key match an image it made before reuses that image (still copied,
  # tagged and handed to the post-processors). packer build -force bakes.
  reuse {
    inputs = ["${path.root}/*.pkr.hcl"]
  }
}

build {
  sources = ["source.immutable-ami.web"]

  provisioner "shell" {
    inline = ["cloud-init status --wait", "uname -a"]
  }
}
