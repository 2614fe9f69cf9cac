# In the style of HashiCorp's "Get started with Packer on AWS" tutorial,
# moved to immutable-ami: only the plugin and the source type changed.
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
  default = "us-west-2"
}

locals {
  timestamp = regex_replace(timestamp(), "[- TZ:]", "")
}

source "immutable-ami" "ubuntu" {
  ami_name      = "learn-packer-ubuntu-${local.timestamp}"
  instance_type = "t2.micro"
  region        = var.region
  source_ami_filter {
    filters = {
      name                = "ubuntu/images/*ubuntu-jammy-22.04-amd64-server-*"
      root-device-type    = "ebs"
      virtualization-type = "hvm"
    }
    most_recent = true
    owners      = ["099720109477"]
  }
  ssh_username = "ubuntu"
}

build {
  name    = "learn-packer"
  sources = ["source.immutable-ami.ubuntu"]

  provisioner "shell" {
    environment_vars = ["GREETING=hello from packer"]
    inline = [
      "sudo apt-get update",
      "sudo apt-get install -y nginx",
      "echo \"$GREETING\" | sudo tee /var/www/html/index.html",
    ]
  }
}
