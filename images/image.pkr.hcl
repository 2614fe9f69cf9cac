# Bakes the web server image: Ubuntu 22.04 (jammy) from Canonical, set up by
# the immutable-setup provisioner (declared below; the app by
# scripts/webapp.sh), and writes the new image's ID into
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
  description = "Address to reach the build instance at (a bastion's tunnel, say); unset means the instance's own address, as EC2 reports it (also in the local cloud)."
}

variable "ssh_port" {
  type        = number
  default     = 22
  description = "SSH port of the build instance (the local cloud says in cloud.env when it is not 22)."
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

  # What the image contains, declared: the seed's setup.sh as packages, a
  # group, a user and its key, with the web app left to scripts/webapp.sh;
  # the verify checks must pass before the image is sealed. (provisioner/setup
  # TestTemplateBlock decodes this very block.)
  provisioner "immutable-setup" {
    packages = ["curl", "wget", "git", "vim", "apt-transport-https", "ca-certificates"]
    upgrade  = true # the seed's dist-upgrade, keeping existing configuration files
    # A new kernel from the upgrade: reboot into it, then autoremove the old one.
    reboot = true
    # Instances trust only their own key pair (cloud-init installs it at first
    # boot), not whatever key this build logged in with.
    ssh_clear_authorized_keys = true

    group {
      name   = "hashicorp"
      system = true
    }

    user {
      name          = "terraform"
      groups        = ["hashicorp"]
      shell         = "/bin/bash"
      home          = "/home/terraform"
      sudo_nopasswd = true
      # Read on this machine (ssh-keygen -t ed25519 -f keys/terraform); no file
      # provisioner and no /tmp upload needed.
      authorized_key_files = [local.terraform_key_file]
    }

    # The demo application (the app part of the seed's setup.sh).
    script = "${path.root}/../scripts/webapp.sh"

    verify {
      name    = "terraform can sudo without a password"
      command = "sudo -u terraform sudo -n true"
    }

    verify {
      name    = "terraform's key is installed (600, owned by terraform)"
      command = "test -s /home/terraform/.ssh/authorized_keys && test \"$(stat -c %a:%U /home/terraform/.ssh/authorized_keys)\" = 600:terraform"
    }

    verify {
      name    = "the tools are installed"
      command = "command -v curl && command -v wget && command -v git && command -v vim"
    }

    verify {
      name    = "the web app is installed and enabled"
      command = "test -s /opt/webapp/index.html && test -L /etc/systemd/system/multi-user.target.wants/webapp.service"
    }
  }

  # Hand the image to Terraform: only the ami_id value in the file changes.
  post-processor "immutable-tfvars" {
    path = "${path.root}/../instances/terraform.tfvars"
    # Checks that instances/ declares the variable before the bake starts, so a
    # typo fails in seconds instead of silently not redeploying.
    module_dir = "${path.root}/../instances"
  }
}
