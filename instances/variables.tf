variable "region" {
  description = "AWS region to deploy into; must be the region the image was baked in."
  type        = string
}

variable "ami_id" {
  description = "ID of the machine image to run. `packer build images/image.pkr.hcl` writes it into terraform.tfvars; changing it replaces the instance. Ignored when ami_ssm_parameter is set."
  type        = string
  default     = null

  validation {
    condition     = var.ami_id == null || can(regex("^ami-[0-9a-f]{8}([0-9a-f]{9})?$", var.ami_id))
    error_message = "The ami_id value must be an AMI ID such as \"ami-0123456789abcdef0\" (\"ami-\" and 8 or 17 lowercase hex digits). Run `packer build images/image.pkr.hcl` to write a real one into terraform.tfvars, or set it by hand."
  }
}

variable "ami_ssm_parameter" {
  description = "SSM parameter to take the image ID from instead of ami_id, with a label or version: \"/images/web:prod\" runs the version labelled prod (immutable-tfvars' ssm_parameter publishes every build; `packer-plugin-immutable promote -ssm-parameter /images/web -from staging -to prod` moves the label). Null: use ami_id."
  type        = string
  default     = null

  validation {
    condition     = var.ami_ssm_parameter == null || can(regex("^/[a-zA-Z0-9_.\\-/]+(:[a-zA-Z0-9_.\\-]+)?$", var.ami_ssm_parameter))
    error_message = "The ami_ssm_parameter value must be a parameter name starting with /, optionally followed by :LABEL or :VERSION, such as \"/images/web:prod\"."
  }
}

variable "instance_type" {
  description = "EC2 instance type of the web instance."
  type        = string
  default     = "t2.micro"
}

variable "cidr_vpc" {
  description = "CIDR block of the VPC."
  type        = string
  default     = "10.1.0.0/16"
}

variable "cidr_subnet" {
  description = "CIDR block of the public subnet; must lie inside cidr_vpc."
  type        = string
  default     = "10.1.0.0/24"
}

variable "environment_tag" {
  description = "Value of the Environment tag on every resource."
  type        = string
  default     = "Learn"
}
