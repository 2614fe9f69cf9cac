provider "aws" {
  region = var.region
}

resource "aws_vpc" "vpc" {
  cidr_block           = var.cidr_vpc
  enable_dns_support   = true
  enable_dns_hostnames = true

  tags = {
    Environment = var.environment_tag
  }
}

resource "aws_internet_gateway" "igw" {
  vpc_id = aws_vpc.vpc.id

  tags = {
    Environment = var.environment_tag
  }
}

resource "aws_subnet" "subnet_public" {
  vpc_id                  = aws_vpc.vpc.id
  cidr_block              = var.cidr_subnet
  map_public_ip_on_launch = true

  tags = {
    Environment = var.environment_tag
  }
}

resource "aws_route_table" "rtb_public" {
  vpc_id = aws_vpc.vpc.id

  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.igw.id
  }

  tags = {
    Environment = var.environment_tag
  }
}

resource "aws_route_table_association" "rta_subnet_public" {
  subnet_id      = aws_subnet.subnet_public.id
  route_table_id = aws_route_table.rtb_public.id
}

resource "aws_security_group" "sg_22" {
  name   = "sg_22"
  vpc_id = aws_vpc.vpc.id

  # SSH, and the demo web app on 80 and 8080, as in the seed.
  dynamic "ingress" {
    for_each = [22, 80, 8080]
    content {
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = ["0.0.0.0/0"]
    }
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }

  tags = {
    Environment = var.environment_tag
  }
}

# The image comes from terraform.tfvars (ami_id), or, for teams whose
# builds publish in SSM Parameter Store, from a parameter's label or version.
data "aws_ssm_parameter" "ami" {
  count = var.ami_ssm_parameter == null ? 0 : 1
  name  = var.ami_ssm_parameter
}

locals {
  # insecure_value: an image ID is no secret, and a sensitive value would
  # hide which image a plan deploys.
  ami_id = var.ami_ssm_parameter == null ? var.ami_id : data.aws_ssm_parameter.ami[0].insecure_value
}

resource "aws_instance" "web" {
  ami                         = local.ami_id
  instance_type               = var.instance_type
  subnet_id                   = aws_subnet.subnet_public.id
  vpc_security_group_ids      = [aws_security_group.sg_22.id]
  associate_public_ip_address = true

  tags = {
    Name        = "Learn-Packer"
    Environment = var.environment_tag
  }

  # A new image means a new instance; start it before stopping the old one.
  lifecycle {
    create_before_destroy = true

    precondition {
      condition     = local.ami_id != null
      error_message = "No image to run: set ami_id (packer build writes it into terraform.tfvars) or ami_ssm_parameter (such as \"/images/web:prod\")."
    }
  }
}
