package setup

// Public keys the tests put in images (shared by the quick and the root
// tests).
const (
	userKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIUserKeyFromTheTemplate terraform@laptop"
	fileKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIUserKeyFromAFile terraform@ci"
	tempKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAITemporaryBuildKey"
	keepKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAdminKeyToKeep admin"
)
