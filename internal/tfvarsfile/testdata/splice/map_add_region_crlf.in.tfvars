ami_ids = {
  "us-east-1" = "ami-00000000" # primary

  // more regions to come
}
ami_id = "ami-00000000"
