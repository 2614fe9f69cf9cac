ami_id = null # placeholder
