region = "us-east-1"

# Placeholder: `packer build images/image.pkr.hcl` rewrites this value with the
# image it bakes (post-processor immutable-tfvars); nothing else here changes.
ami_id = "ami-0123456789abcdef0"
