ami_ids = {
  "us-east-1"  =  "ami-0123456789abcdef0"
}
