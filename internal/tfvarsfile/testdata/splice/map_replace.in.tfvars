ami_id = "ami-00000000"

# per region
ami_ids = {
  us-east-1 = "ami-00000000" # old
  "eu-west-1" = "ami-11111111"
}
region = "us-east-1"
