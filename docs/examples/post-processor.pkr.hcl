# immutable-tfvars: hand the new image to Terraform. After `packer build`,
# `git diff instances/terraform.tfvars` shows one changed value and
# `terraform apply` replaces the instances. Lives in images/ beside instances/.
packer {
  required_plugins {
    immutable = {
      source  = "github.com/immutable-infrastructure/immutable"
      version = ">= 0.1.0"
    }
  }
}

source "immutable-ami" "web" {
  region        = "us-east-1"
  instance_type = "t3.micro"
  ami_name      = "web-${regex_replace(timestamp(), "[- TZ:]", "")}"
  ami_regions   = ["us-west-2"]
  source_ami_filter {
    filters = {
      name = "ubuntu/images/*ubuntu-jammy-22.04-amd64-server-*"
    }
    owners      = ["099720109477"]
    most_recent = true
  }
  ssh_username = "ubuntu"
}

build {
  sources = ["source.immutable-ami.web"]

  post-processor "immutable-tfvars" {
    # Relative to this template, not to where packer runs.
    path = "${path.root}/../instances/terraform.tfvars"
    # ami_id = "<the build region's image>"; fails if instances/ does not
    # declare the variable (Terraform would only warn and not redeploy).
    variable   = "ami_id"
    module_dir = "${path.root}/../instances"
    # Keep the last 20 IDs for `packer-plugin-immutable rollback`.
    keep_history = 20
  }
}
