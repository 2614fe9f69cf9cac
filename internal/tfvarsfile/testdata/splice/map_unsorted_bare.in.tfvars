ami_ids = {
  us-west-2 = "ami-11111111"
  ap-south-1 = "ami-33333333" # going away
}
ami_id = "ami-00000000"
