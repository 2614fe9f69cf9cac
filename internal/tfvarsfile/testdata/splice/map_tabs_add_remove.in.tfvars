ami_ids = {
	# regions
	"eu-west-1" = "ami-22222222"	# old
	"us-east-1" = "ami-00000000"	# primary
}
ami_id = "ami-00000000"
