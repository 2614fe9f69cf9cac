variable "region" {
  type    = string
  default = "us-east-1"
}

variable "copy_regions" {
  description = "Regions the image is copied to, with the KMS key for each."
  type        = map(string)
  default = {
    "eu-west-1" = "alias/golden-images"
    "us-west-2" = "alias/golden-images"
  }
}

variable "kms_key_id" {
  type    = string
  default = "alias/golden-images"
}

variable "builder_role_arn" {
  type    = string
  default = "arn:aws:iam::123456789012:role/image-builder"
}

variable "organization_arn" {
  type    = string
  default = "arn:aws:organizations::123456789012:organization/o-a1b2c3d4e5"
}

variable "consumer_accounts" {
  type    = list(string)
  default = ["210987654321"]
}

variable "base_image_name" {
  type    = string
  default = "ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-*"
}

variable "base_image_owner" {
  type    = string
  default = "099720109477"
}

variable "build_cidrs" {
  description = "Where the build's SSH comes from (the CI runners' NAT)."
  type        = list(string)
  default     = ["10.20.0.0/16"]
}

variable "image_tags" {
  type = map(string)
  default = {
    Team        = "platform"
    CostCenter  = "1234"
    Compliance  = "cis-level-1"
    Environment = "all"
  }
}

variable "force" {
  type    = bool
  default = false
}
