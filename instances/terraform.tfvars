region = "us-east-1"

# The image to deploy. `packer build images/image.pkr.hcl` rewrites this value
# with each image it bakes (post-processor immutable-tfvars); until the first
# build it is a placeholder.
ami_id = "ami-0123456789abcdef0"
