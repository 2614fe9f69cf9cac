# The app template of a chain: it reads the base image the base template
# wrote into base.tfvars (and the one before), as an app image's
# source_ami would. The null builder and shell-local print the values.
data "immutable-tfvars" "base" {
  path = "${path.root}/base.tfvars"
}

data "immutable-tfvars" "before" {
  path     = "${path.root}/base.tfvars"
  previous = 1
}

source "null" "app" {
  communicator = "none"
}

build {
  sources = ["source.null.app"]

  provisioner "shell-local" {
    inline = ["echo BASE=${data.immutable-tfvars.base.value} BEFORE=${data.immutable-tfvars.before.value} BUILD=${data.immutable-tfvars.base.build}"]
  }
}
