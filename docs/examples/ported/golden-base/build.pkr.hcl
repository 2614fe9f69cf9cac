build {
  sources = ["source.immutable-ami.base"]

  provisioner "shell" {
    execute_command = "sudo -E sh -eu '{{ .Path }}'"
    scripts         = ["${path.root}/files/harden.sh"]
  }

  post-processor "manifest" {
    output     = "golden-base-manifest.json"
    strip_path = true
  }
}
