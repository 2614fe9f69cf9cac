ami_ids = { "us-east-1" = "ami-00000000" }
ami_id = "ami-00000000"
