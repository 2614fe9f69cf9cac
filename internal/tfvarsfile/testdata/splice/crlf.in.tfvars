region = "us-east-1"
# keep
ami_id = "ami-00000000"
