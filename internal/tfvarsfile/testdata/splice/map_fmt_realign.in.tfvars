ami_ids = {
  # primary region first
  "us-east-1"      = "ami-00000000" # primary
  "ap-southeast-2" = "ami-44444444"
  # the rest
  "eu-central-1" = "ami-55555555", # trailing comma
}
ami_id = "ami-00000000"
