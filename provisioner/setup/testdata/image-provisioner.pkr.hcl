# The seed's scripts/setup.sh declared for images/image.pkr.hcl (the body of
# `provisioner "immutable-setup" { ... }`). TestTemplateBlock decodes it with
# the provisioner's HCL spec and prepares it.
packages = ["curl", "wget", "git", "vim", "apt-transport-https", "ca-certificates"]
upgrade  = true

group {
  name   = "hashicorp"
  system = true
}

user {
  name          = "terraform"
  groups        = ["hashicorp"]
  shell         = "/bin/bash"
  home          = "/home/terraform"
  sudo_nopasswd = true
  # Generate the key once with: ssh-keygen -t ed25519 -f tf-packer
  # (only the .pub half is read; never commit the private half).
  authorized_key_files = ["${path.root}/../tf-packer.pub"]
}

# The application is still fetched by a script, as the terraform user.
script = "${path.root}/../scripts/setup.sh"

verify {
  name    = "terraform can sudo without a password"
  command = "sudo -u terraform sudo -n true"
}

verify {
  name    = "terraform's key is installed, 600 and owned by terraform"
  command = "test \"$(stat -c %a:%U /home/terraform/.ssh/authorized_keys)\" = 600:terraform && test -s /home/terraform/.ssh/authorized_keys"
}

verify {
  name    = "the tools are installed"
  command = "curl --version && wget --version && git --version && vim --version >/dev/null"
}
