# A chain of images, step 1: the base image (packages, the terraform user),
# built on Canonical's Ubuntu. Its ID goes into images/base.tfvars and, for
# the machines of a team, into SSM parameter /images/base, where the label
# prod says which base app images build on:
#   packer build images/base.pkr.hcl
#   packer-plugin-immutable promote -ssm-parameter /images/base -to prod
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
  default = "us-east-1"
}

variable "ssh_port" {
  type    = number
  default = 22
}

variable "ssh_source_cidrs" {
  type    = list(string)
  default = null
}

locals {
  timestamp = regex_replace(timestamp(), "[- TZ:]", "")
}

source "immutable-ami" "base" {
  region        = var.region
  instance_type = "t2.micro"
  ami_name      = "base-${local.timestamp}"

  source_ami_filter {
    filters = {
      name                = "ubuntu/images/*ubuntu-jammy-22.04-amd64-server-*"
      root-device-type    = "ebs"
      virtualization-type = "hvm"
    }
    owners      = ["099720109477"] # Canonical
    most_recent = true
  }

  ssh_username                          = "ubuntu"
  ssh_port                              = var.ssh_port
  temporary_security_group_source_cidrs = var.ssh_source_cidrs
  # The image's lineage tags record this folder's git commit.
  template_dir = path.root
}

build {
  sources = ["source.immutable-ami.base"]

  provisioner "immutable-setup" {
    packages = ["curl", "git", "vim"]

    group {
      name   = "hashicorp"
      system = true
    }

    user {
      name                 = "terraform"
      groups               = ["hashicorp"]
      shell                = "/bin/bash"
      home                 = "/home/terraform"
      sudo_nopasswd        = true
      authorized_key_files = ["${path.root}/../keys/terraform.pub"]
    }
  }

  post-processor "immutable-tfvars" {
    path          = "${path.root}/base.tfvars"
    ssm_parameter = "/images/base"
  }
}
