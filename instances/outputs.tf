output "public_ip" {
  description = "Public IP address of the web instance."
  value       = aws_instance.web.public_ip
}

output "ami_id" {
  description = "Image the web instance runs (from terraform.tfvars, or from ami_ssm_parameter)."
  value       = aws_instance.web.ami
}

output "instance_id" {
  description = "ID of the web instance; it changes whenever the image does."
  value       = aws_instance.web.id
}
