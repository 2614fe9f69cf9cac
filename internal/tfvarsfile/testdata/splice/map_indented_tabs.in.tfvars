	ami_id = "ami-00000000"
	ami_ids = { # per region
		"us-east-1" = "ami-00000000"
	}
