ami_id = "ami-00000000"
region = "us-east-1"
