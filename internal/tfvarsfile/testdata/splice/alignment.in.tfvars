region        = "us-east-1"
ami_id        = "ami-00000000"   # aligned
instance_type = "t2.micro"
