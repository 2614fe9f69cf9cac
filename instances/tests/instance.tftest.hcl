# Offline tests of the module: the AWS provider is mocked, so nothing is
# created and no credentials are needed. Run with `terraform test`.
mock_provider "aws" {}

variables {
  region = "us-east-1"
  ami_id = "ami-0123456789abcdef0"
}

run "instance_runs_the_image_from_tfvars" {
  command = plan

  assert {
    condition     = aws_instance.web.ami == var.ami_id
    error_message = "aws_instance.web must run var.ami_id, the value packer writes into terraform.tfvars."
  }

  assert {
    condition     = aws_instance.web.instance_type == "t2.micro"
    error_message = "The default instance type must be t2.micro."
  }

  assert {
    condition     = aws_instance.web.tags["Name"] == "Learn-Packer"
    error_message = "The web instance must be tagged Name = Learn-Packer."
  }
}

run "short_ami_ids_are_accepted" {
  command = plan

  variables {
    ami_id = "ami-1234abcd"
  }

  assert {
    condition     = aws_instance.web.ami == "ami-1234abcd"
    error_message = "An 8-digit AMI ID must be accepted."
  }
}

run "bad_ami_id_is_rejected" {
  command = plan

  variables {
    ami_id = "ami-PLACEHOLDER"
  }

  expect_failures = [var.ami_id]
}

run "ami_id_with_region_prefix_is_rejected" {
  command = plan

  # What `cut -d:` on a packer manifest produces by mistake.
  variables {
    ami_id = "us-east-1:ami-0123456789abcdef0"
  }

  expect_failures = [var.ami_id]
}

run "security_group_opens_ssh_and_web_ports" {
  command = plan

  assert {
    condition     = toset([for r in aws_security_group.sg_22.ingress : r.from_port]) == toset([22, 80, 8080])
    error_message = "sg_22 must allow TCP 22, 80 and 8080 in."
  }
}

run "security_group_lets_the_instance_reach_out" {
  command = plan

  # apt and the app's downloads need the way out that AWS's default group has.
  assert {
    condition     = anytrue([for r in aws_security_group.sg_22.egress : r.protocol == "-1" && contains(r.cidr_blocks, "0.0.0.0/0")])
    error_message = "sg_22 must let the instance reach out: all traffic to 0.0.0.0/0."
  }
}

run "outputs_are_wired" {
  command = apply

  assert {
    condition     = output.ami_id == var.ami_id
    error_message = "output ami_id must report the image the instance runs."
  }

  assert {
    condition     = output.public_ip == aws_instance.web.public_ip
    error_message = "output public_ip must be the web instance's public IP."
  }

  assert {
    condition     = output.instance_id == aws_instance.web.id
    error_message = "output instance_id must be the web instance's ID."
  }
}

run "image_from_an_ssm_parameter_label" {
  command = plan

  variables {
    ami_id            = null
    ami_ssm_parameter = "/images/web:prod"
  }

  override_data {
    target = data.aws_ssm_parameter.ami[0]
    values = {
      insecure_value = "ami-0fedcba9876543210"
    }
  }

  assert {
    condition     = data.aws_ssm_parameter.ami[0].name == "/images/web:prod"
    error_message = "The module must read the parameter and label named by ami_ssm_parameter."
  }

  assert {
    condition     = aws_instance.web.ami == "ami-0fedcba9876543210"
    error_message = "aws_instance.web must run the image the SSM parameter's label names."
  }
}

run "ssm_parameter_wins_over_ami_id" {
  command = plan

  # The post-processor keeps writing ami_id into terraform.tfvars; a team
  # that deploys from the channel sets ami_ssm_parameter, which wins.
  variables {
    ami_ssm_parameter = "/images/web:7"
  }

  override_data {
    target = data.aws_ssm_parameter.ami[0]
    values = {
      insecure_value = "ami-0fedcba9876543210"
    }
  }

  assert {
    condition     = aws_instance.web.ami == "ami-0fedcba9876543210"
    error_message = "With ami_ssm_parameter set, the instance must run the parameter's image, not ami_id."
  }
}

run "without_ssm_parameter_no_parameter_is_read" {
  command = plan

  assert {
    condition     = length(data.aws_ssm_parameter.ami) == 0
    error_message = "Without ami_ssm_parameter the module must not read SSM."
  }
}

run "bad_ssm_parameter_is_rejected" {
  command = plan

  variables {
    ami_ssm_parameter = "images/web:prod"
  }

  expect_failures = [var.ami_ssm_parameter]
}

run "no_image_at_all_is_an_error" {
  command = plan

  variables {
    ami_id = null
  }

  expect_failures = [aws_instance.web]
}
