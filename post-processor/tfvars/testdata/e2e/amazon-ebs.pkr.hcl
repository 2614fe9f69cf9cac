# The official amazon-ebs builder followed by immutable-tfvars, against a
# local EC2 endpoint (moto). communicator = "none": nothing to provision,
# the point is the artifact amazon-ebs hands over.
packer {
  required_plugins {
    amazon = {
      source  = "github.com/hashicorp/amazon"
      version = ">= 1.2.1"
    }
    immutable = {
      source  = "github.com/immutable-infrastructure/immutable"
      version = ">= 0.1.0"
    }
  }
}

variable "ec2_endpoint" {
  type = string
}

source "amazon-ebs" "example" {
  region                     = "us-east-1"
  ami_regions                = ["us-west-2"]
  instance_type              = "t2.micro"
  ami_name                   = "immutable-tfvars-e2e-{{timestamp}}"
  communicator               = "none"
  custom_endpoint_ec2        = var.ec2_endpoint
  skip_credential_validation = true
  source_ami_filter {
    filters = {
      name                = "ubuntu/images/*ubuntu-jammy-22.04-amd64-server-*"
      root-device-type    = "ebs"
      virtualization-type = "hvm"
    }
    owners      = ["099720109477"]
    most_recent = true
  }
}

build {
  sources = ["source.amazon-ebs.example"]

  post-processor "immutable-tfvars" {
    path         = "${path.root}/../instances/terraform.tfvars"
    map_variable = "ami_ids"
    module_dir   = "${path.root}/../instances"
  }
}
