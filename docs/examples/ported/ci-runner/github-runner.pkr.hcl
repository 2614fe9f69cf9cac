# A CI runner image in the style of public GitHub Actions runner pipelines
# (variables with null defaults, merged tag maps), moved to immutable-ami by
# changing only the plugin and the source type.
packer {
  required_plugins {
    immutable = {
      source  = "github.com/immutable-infrastructure/immutable"
      version = ">= 0.1.0"
    }
  }
}

variable "runner_version" {
  type    = string
  default = "2.321.0"
}

variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "aws_profile" {
  description = "Profile with the build's credentials; null uses the environment."
  type        = string
  default     = null
}

variable "security_group_id" {
  type    = string
  default = null
}

variable "subnet_id" {
  type    = string
  default = null
}

variable "associate_public_ip_address" {
  type    = string
  default = null
}

variable "instance_type" {
  type    = string
  default = "t3.medium"
}

variable "root_volume_size_gb" {
  type    = number
  default = 30
}

variable "ebs_delete_on_termination" {
  type    = bool
  default = true
}

variable "global_tags" {
  type    = map(string)
  default = { Owner = "ci-platform" }
}

variable "ami_tags" {
  type    = map(string)
  default = {}
}

variable "snapshot_tags" {
  type    = map(string)
  default = {}
}

source "immutable-ami" "runner" {
  ami_name                    = "github-runner-ubuntu-jammy-${formatdate("YYYYMMDDhhmm", timestamp())}"
  ami_description             = "GitHub Actions runner ${var.runner_version} on Ubuntu 22.04"
  instance_type               = var.instance_type
  region                      = var.region
  profile                     = var.aws_profile
  max_retries                 = 20
  security_group_id           = var.security_group_id
  subnet_id                   = var.subnet_id
  associate_public_ip_address = var.associate_public_ip_address
  ebs_optimized               = true
  enable_unlimited_credits    = false
  shutdown_behavior           = "terminate"

  source_ami_filter {
    filters = {
      name                = "*/ubuntu-jammy-22.04-amd64-server-*"
      root-device-type    = "ebs"
      virtualization-type = "hvm"
    }
    most_recent = true
    owners      = ["099720109477"]
  }
  ssh_username              = "ubuntu"
  ssh_timeout               = "10m"
  ssh_clear_authorized_keys = true

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 2
  }

  launch_block_device_mappings {
    device_name           = "/dev/sda1"
    volume_size           = "${var.root_volume_size_gb}"
    volume_type           = "gp3"
    throughput            = 250
    iops                  = 4000
    delete_on_termination = "${var.ebs_delete_on_termination}"
  }

  run_tags        = merge(var.global_tags, { Purpose = "runner-image-build" })
  run_volume_tags = var.global_tags
  tags = merge(var.global_tags, var.ami_tags, {
    OS_Version    = "ubuntu-jammy"
    Runner        = var.runner_version
    Base_AMI_Name = "{{ .SourceAMIName }}"
  })
  snapshot_tags = merge(var.global_tags, var.snapshot_tags)

  aws_polling {
    delay_seconds = 10
    max_attempts  = 360
  }
}

build {
  name    = "github-runner"
  sources = ["source.immutable-ami.runner"]

  provisioner "shell" {
    environment_vars = ["DEBIAN_FRONTEND=noninteractive"]
    inline = [
      "sudo apt-get -y update",
      "sudo apt-get -y install ca-certificates curl git jq unzip docker.io",
      "sudo usermod -a -G docker ubuntu",
    ]
  }

  provisioner "shell" {
    environment_vars = ["RUNNER_VERSION=${var.runner_version}"]
    inline = [
      "sudo mkdir -p /opt/actions-runner",
      "curl -fsSL -o /tmp/runner.tar.gz https://github.com/actions/runner/releases/download/v$RUNNER_VERSION/actions-runner-linux-x64-$RUNNER_VERSION.tar.gz",
      "sudo tar -xzf /tmp/runner.tar.gz -C /opt/actions-runner",
    ]
  }
}
