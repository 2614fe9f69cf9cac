# already current
ami_id   =   "ami-0123456789abcdef0"   
ami_ids = {
    "us-east-1"="ami-0123456789abcdef0",
    "us-west-2" = "ami-0fedcba9876543210" }
