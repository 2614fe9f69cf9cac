region = "us-east-1"
ami_ids = {}