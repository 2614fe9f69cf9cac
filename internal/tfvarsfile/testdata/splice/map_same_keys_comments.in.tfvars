ami_ids = {
  # Virginia
  us-west-2   = "ami-11111111" // Oregon
  "us-east-1" = /* primary */ "ami-00000000"
}
ami_id = "ami-00000000"
