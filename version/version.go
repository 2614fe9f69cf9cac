// Package version holds the plugin's version. Releases set Version and
// VersionPrerelease with -ldflags (see .goreleaser.yml).
package version

import "github.com/hashicorp/packer-plugin-sdk/version"

var (
	// Version is the semantic version of this build.
	Version = "0.1.0"
	// VersionPrerelease is "dev" for local builds and "" for releases.
	VersionPrerelease = "dev"
	// VersionMetadata is optional build metadata (ignored by Packer).
	VersionMetadata = ""

	// PluginVersion is what the plugin reports to Packer in `describe`.
	PluginVersion = version.NewPluginVersion(Version, VersionPrerelease, VersionMetadata)
)
