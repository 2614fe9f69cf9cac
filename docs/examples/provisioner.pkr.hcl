# immutable-setup: what the image contains, declared instead of scripted.
# The seed's setup.sh (packages, a group, a sudoer with an SSH key) in one
# block; the image is sealed last (host keys, machine-id, logs, and the key
# the build logged in with).
# Lives in images/; keys/terraform.pub comes from
#   ssh-keygen -t ed25519 -f keys/terraform
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

  provisioner "immutable-setup" {
    upgrade  = true
    reboot   = true # into the new kernel, if the upgrade brought one
    packages = ["curl", "git", "nginx"]

    ssh_clear_authorized_keys = true

    group {
      name   = "hashicorp"
      system = true
    }

    user {
      name                 = "terraform"
      shell                = "/bin/bash"
      groups               = ["hashicorp"]
      sudo_nopasswd        = true
      authorized_key_files = ["${path.root}/../keys/terraform.pub"]
    }

    file {
      content     = "Built by Packer on ${timestamp()}\n"
      destination = "/etc/motd"
      mode        = "0644"
    }

    inline = ["systemctl enable nginx"]

    verify {
      name    = "nginx is installed and enabled"
      command = "systemctl is-enabled nginx"
    }
    verify {
      name    = "terraform may sudo"
      command = "sudo -l -U terraform | grep -q NOPASSWD"
    }
  }
}
