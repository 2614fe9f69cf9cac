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
