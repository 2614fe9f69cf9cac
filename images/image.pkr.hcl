# Bakes the web server image: Ubuntu 22.04 (jammy) from Canonical, set up by
# scripts/setup.sh, and writes the new image's ID into
# instances/terraform.tfvars so that `terraform apply` redeploys it.
#
#   ssh-keygen -t ed25519 -f keys/terraform    # once: the terraform user's key
#   packer init images/image.pkr.hcl
#   packer build images/image.pkr.hcl
packer {
  required_plugins {
    immutable = {
      source  = "github.com/immutable-infrastructure/immutable"
      version = ">= 0.1.0"
    }
  }
}

variable "region" {
  type        = string
  default     = "us-east-1"
  description = "AWS region to bake the image in; instances/ must deploy to the same one."
}

variable "ssh_host" {
  type        = string
  default     = null
  description = "Address to reach the build instance at; unset means the instance's own address (the local demo sets 127.0.0.1)."
}

variable "ssh_port" {
  type        = number
  default     = 22
  description = "SSH port of the build instance."
}

variable "ssh_source_cidrs" {
  type        = list(string)
  default     = null
  description = "CIDRs the temporary security group admits on the SSH port; unset means only this machine's public address."
}

variable "terraform_public_key_file" {
  type        = string
  default     = null
  description = "Public key that may log in as the image's `terraform` user; unset means keys/terraform.pub at the top of the repository (create it with `ssh-keygen -t ed25519 -f keys/terraform`)."
}

locals {
  timestamp          = regex_replace(timestamp(), "[- TZ:]", "")
  terraform_key_file = coalesce(var.terraform_public_key_file, "${path.root}/../keys/terraform.pub")
}

source "immutable-ami" "ubuntu" {
  ami_name      = "learn-terraform-packer-${local.timestamp}"
  instance_type = "t2.micro"
  region        = var.region

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
  ssh_host                              = var.ssh_host
  ssh_port                              = var.ssh_port
  temporary_security_group_source_cidrs = var.ssh_source_cidrs

  tags = {
    Name        = "learn-terraform-packer"
    Environment = "Learn"
    BuiltBy     = "packer-plugin-immutable"
  }
}

build {
  sources = ["source.immutable-ami.ubuntu"]

  # scripts/setup.sh installs this as /home/terraform/.ssh/authorized_keys.
  provisioner "file" {
    source      = local.terraform_key_file
    destination = "/tmp/tf-packer.pub"
  }

  provisioner "immutable-setup" {
    script = "${path.root}/../scripts/setup.sh"
  }

  # Hand the image to Terraform: only the ami_id value in the file changes.
  post-processor "immutable-tfvars" {
    path = "${path.root}/../instances/terraform.tfvars"
  }
}
