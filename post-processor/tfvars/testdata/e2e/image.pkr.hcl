packer {
  required_plugins {
    immutable = {
      source  = "github.com/immutable-infrastructure/immutable"
      version = ">= 0.1.0"
    }
  }
}

source "immutable-fakeebs" "example" {}

build {
  sources = ["source.immutable-fakeebs.example"]

  post-processor "immutable-tfvars" {
    path                = "${path.root}/../instances/terraform.tfvars"
    map_variable        = "ami_ids"
    module_dir          = "${path.root}/../instances"
    keep_input_artifact = false
  }
}
