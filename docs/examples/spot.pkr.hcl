# immutable-ami on a Spot Instance: the same image for a fraction of the
# on-demand price. EC2 may pick any of the listed types (more types, more
# capacity pools); if it takes the instance back the build fails saying so
# and leaves nothing behind.
#   packer init spot.pkr.hcl && packer build spot.pkr.hcl
packer {
  required_plugins {
    immutable = {
      source  = "github.com/immutable-infrastructure/immutable"
      version = ">= 0.1.0"
    }
  }
}

source "immutable-ami" "web" {
  region   = "eu-west-1"
  ami_name = "web-${regex_replace(timestamp(), "[- TZ:]", "")}"

  spot_price          = "auto" # at most the on-demand price
  spot_instance_types = ["t3.micro", "t3a.micro", "t2.micro"]
  spot_tags = {
    CostCenter = "images"
  }
  fleet_tag {
    key   = "Pipeline"
    value = "web-image"
  }

  source_ami_filter {
    filters = {
      name                = "ubuntu/images/*ubuntu-jammy-22.04-amd64-server-*"
      root-device-type    = "ebs"
      virtualization-type = "hvm"
    }
    owners      = ["099720109477"] # Canonical
    most_recent = true
  }
  ssh_username = "ubuntu"
}

build {
  sources = ["source.immutable-ami.web"]

  provisioner "shell" {
    inline = ["cloud-init status --wait", "uname -a"]
  }
}
