# Bakes in the local cloud through Session Manager, as a build in a private
# subnet would: no inbound rule, SSH through a session of the local cloud's
# Session Manager stand-in, a role and instance profile made for the build,
# and an RSA temporary key (as FIPS-mode images need). Used by
# TestSessionManagerBuildInTheLocalCloud.
source "immutable-ami" "ssm" {
  region        = "us-east-1"
  instance_type = "t2.micro"
  ami_name      = "ssm-{{timestamp}}"
  source_ami_filter {
    filters = {
      name                = "ubuntu/images/*ubuntu-jammy-22.04-amd64-server-*"
      root-device-type    = "ebs"
      virtualization-type = "hvm"
    }
    owners      = ["099720109477"]
    most_recent = true
  }
  ssh_username            = "ubuntu"
  ssh_timeout             = "3m"
  ssh_interface           = "session_manager"
  temporary_key_pair_type = "rsa"
  temporary_key_pair_bits = 2048
  temporary_iam_instance_profile_policy_document {
    Statement {
      Effect   = "Allow"
      Action   = ["ssm:UpdateInstanceInformation", "ssmmessages:*", "ec2messages:*"]
      Resource = ["*"]
    }
  }
}

build {
  sources = ["source.immutable-ami.ssm"]

  provisioner "immutable-setup" {
    inline = ["echo tunnelled | sudo tee /etc/baked-through-ssm"]
    verify {
      name    = "the launch key is the build's RSA key"
      command = "grep -q '^ssh-rsa ' /home/ubuntu/.ssh/authorized_keys"
    }
  }
}
