# A hardened golden base image in the style of company image pipelines:
# built in a dedicated VPC under an assumed role, encrypted with a customer
# managed key, copied to more regions, shared with the organization and
# protected from deregistration. Moved from amazon-ebs by changing only the
# plugin and the source type.
packer {
  required_plugins {
    immutable = {
      source  = "github.com/immutable-infrastructure/immutable"
      version = ">= 0.1.0"
    }
  }
}

locals {
  stamp = formatdate("YYYYMMDD-hhmm", timestamp())
}

source "immutable-ami" "base" {
  region = var.region
  assume_role {
    role_arn     = var.builder_role_arn
    session_name = "golden-base-${local.stamp}"
    external_id  = "image-pipeline"
    tags         = { Pipeline = "golden-base" }
  }

  ami_name                = "golden-base-ubuntu-jammy-${local.stamp}"
  ami_description         = "Golden base image from {{ .SourceAMIName }}"
  ami_virtualization_type = "hvm"
  force_deregister        = var.force
  force_delete_snapshot   = var.force

  source_ami_filter {
    filters = {
      name                = var.base_image_name
      root-device-type    = "ebs"
      virtualization-type = "hvm"
      architecture        = "x86_64"
    }
    owners      = [var.base_image_owner]
    most_recent = true
  }

  instance_type = "m5.large"
  ebs_optimized = true
  placement {
    tenancy = "default"
  }
  capacity_reservation_preference = "open"

  vpc_filter {
    filters = { "tag:Purpose" = "image-build" }
  }
  subnet_filter {
    filters   = { "tag:Tier" = "private" }
    most_free = true
  }
  temporary_security_group_source_cidrs = var.build_cidrs
  associate_public_ip_address           = false

  metadata_options {
    http_tokens                 = "required"
    http_put_response_hop_limit = 2
    instance_metadata_tags      = "enabled"
  }
  user_data_file = "${path.root}/files/cloud-init.yaml"

  launch_block_device_mappings {
    device_name           = "/dev/sda1"
    volume_size           = 16
    volume_type           = "gp3"
    encrypted             = true
    kms_key_id            = var.kms_key_id
    delete_on_termination = true
  }

  encrypt_boot       = true
  kms_key_id         = var.kms_key_id
  ami_regions        = keys(var.copy_regions)
  region_kms_key_ids = var.copy_regions
  ena_support        = true
  sriov_support      = true
  imds_support       = "v2.0"
  deprecate_at       = timeadd(timestamp(), "8760h")

  ami_org_arns   = [var.organization_arn]
  snapshot_users = var.consumer_accounts
  deregistration_protection {
    enabled = true
  }

  dynamic "tag" {
    for_each = var.image_tags
    content {
      key   = tag.key
      value = tag.value
    }
  }
  tag {
    key   = "BaseImage"
    value = "{{ .SourceAMI }}"
  }
  snapshot_tag {
    key   = "Backup"
    value = "none"
  }
  dynamic "run_tag" {
    for_each = var.image_tags
    content {
      key   = run_tag.key
      value = run_tag.value
    }
  }
  run_volume_tag {
    name  = "Purpose"
    value = "golden-base-build"
  }

  ssh_username = "ubuntu"
  ssh_timeout  = "15m"
}
