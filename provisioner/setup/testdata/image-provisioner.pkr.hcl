# The body of `provisioner "immutable-setup" { ... }` in images/image.pkr.hcl:
# the seed's setup declared (packages, group, user with passwordless sudo and
# the user's own public key), image tests, and the application left to a
# script. TestTemplateBlock decodes it with the provisioner's HCL spec.
packages = ["curl", "wget", "git", "vim", "apt-transport-https", "ca-certificates"]
upgrade  = true # the seed's dist-upgrade, keeping existing configuration files

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
  # Read on this machine (ssh-keygen -t ed25519 -f keys/terraform); no file
  # provisioner and no /tmp upload needed.
  authorized_key_files = [local.terraform_key_file]
}

# The demo application (the app part of the seed's setup.sh).
script = "${path.root}/../scripts/webapp.sh"

verify {
  name    = "terraform can sudo without a password"
  command = "sudo -u terraform sudo -n true"
}

verify {
  name    = "terraform's key is installed (600, owned by terraform)"
  command = "test -s /home/terraform/.ssh/authorized_keys && test \"$(stat -c %a:%U /home/terraform/.ssh/authorized_keys)\" = 600:terraform"
}

verify {
  name    = "the tools are installed"
  command = "command -v curl && command -v wget && command -v git && command -v vim"
}

verify {
  name    = "the web app is installed and enabled"
  command = "test -s /opt/webapp/index.html && test -L /etc/systemd/system/multi-user.target.wants/webapp.service"
}
