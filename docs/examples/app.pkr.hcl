# A chain of images, step 2: the app image, built on the base image the
# platform team promoted (label prod of SSM parameter /images/base), through
# the immutable-tfvars data source. Its ID goes into
# instances/terraform.tfvars for `terraform apply`, and each build prunes
# the app images nothing needs any more:
#   packer build images/app.pkr.hcl
#   packer-plugin-immutable history -image ami-…   # app -> base -> Ubuntu
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

variable "prune_keep_within" {
  type        = string
  default     = "1h"
  description = "Images younger than this stay: a parallel build may still be writing one into its tfvars file. (make demo-lifecycle, whose images are minutes old, sets 0s.)"
}

# The base image to build on. Alternatives: path = "${path.root}/base.tfvars"
# (what the base template last wrote; previous = 1 for the one before), or
# source_ami = "resolve:ssm:/images/base:prod" in the source block itself.
data "immutable-tfvars" "base" {
  ssm_parameter = "/images/base:prod"
  region        = var.region
}

locals {
  timestamp = regex_replace(timestamp(), "[- TZ:]", "")
}

source "immutable-ami" "web" {
  region        = var.region
  instance_type = "t2.micro"
  ami_name      = "web-${local.timestamp}"
  source_ami    = data.immutable-tfvars.base.value

  ssh_username                          = "ubuntu"
  ssh_port                              = var.ssh_port
  temporary_security_group_source_cidrs = var.ssh_source_cidrs
  template_dir                          = path.root
}

build {
  sources = ["source.immutable-ami.web"]

  provisioner "immutable-setup" {
    script = "${path.root}/../scripts/webapp.sh"

    verify {
      name    = "the web app is installed and enabled"
      command = "test -s /opt/webapp/index.html && test -L /etc/systemd/system/multi-user.target.wants/webapp.service"
    }
  }

  post-processor "immutable-tfvars" {
    path         = "${path.root}/../instances/terraform.tfvars"
    module_dir   = "${path.root}/../instances"
    keep_history = 2 # rollback reaches the last two images

    # Behind each build: keep the newest web image, every rollback target
    # in terraform.tfvars' history, and every image an instance runs.
    prune {
      keep        = 1
      keep_within = var.prune_keep_within
      regions     = [var.region]
    }
  }
}
