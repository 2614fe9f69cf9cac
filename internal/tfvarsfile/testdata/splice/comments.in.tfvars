# Written by packer.
/* block
   comment */
region = "us-east-1" // region
ami_id = /* inside */ "ami-00000000" # beside
# after
