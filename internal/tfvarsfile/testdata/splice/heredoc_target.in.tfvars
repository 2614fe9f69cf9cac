ami_id = <<EOT
ami-00000000
EOT
region = "us-east-1"
