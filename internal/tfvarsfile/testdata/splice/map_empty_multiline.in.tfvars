# per region
ami_ids = {
  # filled by packer
}
ami_id = "ami-00000000"
