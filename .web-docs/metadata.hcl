# Read by Packer's integration registry (https://developer.hashicorp.com/packer/integrations):
# it publishes README.md beside this file and components/<type>/<slug>/README.md,
# which `make generate` renders from docs/. Every component page must be
# declared here (the generator checks).
integration {
  name        = "Immutable"
  description = "Bake an AMI, set it up declaratively and hand its ID to Terraform by editing terraform.tfvars in place."
  identifier  = "packer/immutable-infrastructure/immutable"
  docs {
    process_docs    = true
    readme_location = "./README.md"
    external_url    = "https://github.com/immutable-infrastructure/packer-plugin-immutable"
  }
  license {
    type = "MPL-2.0"
    url  = "https://github.com/immutable-infrastructure/packer-plugin-immutable/blob/main/LICENSE"
  }
  component {
    type = "builder"
    name = "Immutable AMI"
    slug = "ami"
  }
  component {
    type = "provisioner"
    name = "Immutable Setup"
    slug = "setup"
  }
  component {
    type = "post-processor"
    name = "Immutable tfvars"
    slug = "tfvars"
  }
  component {
    type = "data-source"
    name = "Immutable tfvars"
    slug = "tfvars"
  }
}
