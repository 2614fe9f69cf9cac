ami_ids = {
  "us-east-1"      = "ami-00000000"
  ("us-west-2")    = "ami-11111111"
  "${"eu"}-west-1" = "ami-22222222"
  true             = "ami-33333333" # a bare keyword is the string "true"
}
ami_id = "ami-00000000"
