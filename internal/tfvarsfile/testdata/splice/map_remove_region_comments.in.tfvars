ami_ids = {
  # Europe, being retired
  "eu-west-1" = "ami-22222222" # retired in June
  # America
  "us-east-1" = "ami-00000000" # primary
  "us-west-2" = "ami-11111111" # DR
}
ami_id = "ami-00000000"
