motd = <<EOT
ami_id = "ami-fake"
  keep me
EOT
ami_id = "ami-00000000"
tags = <<-EOT
    indented
    EOT
