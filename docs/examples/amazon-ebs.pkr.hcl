# immutable-tfvars after HashiCorp's amazon-ebs builder: keep the builder you
# have and replace `manifest` + jq + sed with one post-processor. Lives in
# images/ beside instances/.
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

source "amazon-ebs" "web" {
  region        = "us-east-1"
  instance_type = "t3.micro"
  ami_name      = "web-${regex_replace(timestamp(), "[- TZ:]", "")}"
  ami_regions   = ["us-west-2"]
  source_ami_filter {
    filters = {
      name                = "ubuntu/images/*ubuntu-jammy-22.04-amd64-server-*"
      root-device-type    = "ebs"
      virtualization-type = "hvm"
    }
    owners      = ["099720109477"]
    most_recent = true
  }
  ssh_username = "ubuntu"
}

build {
  sources = ["source.amazon-ebs.web"]

  # amazon-ebs reports "us-east-1:ami-…,us-west-2:ami-…"; ami_id gets the
  # build region's image. (map_variable = "ami_ids" would record every
  # region's, if the module declared such a variable.)
  post-processor "immutable-tfvars" {
    path       = "${path.root}/../instances/terraform.tfvars"
    variable   = "ami_id"
    module_dir = "${path.root}/../instances"
  }
}
