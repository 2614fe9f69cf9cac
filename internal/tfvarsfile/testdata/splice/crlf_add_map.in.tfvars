region = "us-east-1"
ami_id = "ami-00000000" # old
