# Déploiement — ☃
name = "café ☕"
ami_id = "ami-00000000" # ✓
