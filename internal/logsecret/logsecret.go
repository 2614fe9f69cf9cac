// Package logsecret registers the secrets a component handles with the
// Packer SDK's log filter (packersdk.LogSecretFilter), so that its logs
// show <sensitive> instead. Each plugin process has its own filter: Packer
// core masks what it knows (sensitive template variables), but not the
// temporary SSH key a builder generates or the AWS credentials the SDK
// loads, so each component registers those itself.
package logsecret

import (
	"strings"
	"sync"

	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
)

// GeneratedKeys are the build data keys that hold secrets: the SDK's
// PopulateProvisionHookData writes them into the builder's generated data,
// which reaches every provisioner and post-processor.
var GeneratedKeys = []string{"SSHPrivateKey", "Password", "WinRMPassword"}

// Generated registers the secrets in a component's build or generated data.
func Generated[V any](data map[string]V) {
	for _, k := range GeneratedKeys {
		if s, ok := any(data[k]).(string); ok {
			Register(s)
		}
	}
}

// Register adds secrets to the filter. A multi-line secret (a PEM private
// key) is also registered line by line, so a log that quotes or escapes it
// (its line breaks written as \n) still hides every line of its body. A
// key re-wrapped some other way may escape the filter (a key body holds
// its public key twice, so a line can match across two others): the
// filter is a second line of defence, not a reason to log a secret.
func Register(secrets ...string) {
	for _, s := range secrets {
		if s == "" {
			continue
		}
		set(s)
		for line := range strings.Lines(s) {
			if line = strings.TrimSpace(line); len(line) >= minLine && !strings.HasPrefix(line, "-----") {
				set(line)
			}
		}
	}
}

// registered are the strings already in the filter.
var registered sync.Map

// set adds s to the filter once. The SDK's filter reads its map without its
// lock (FilterString, Write: every ui.Say and log line), so each write to it
// can crash a concurrent reader ("concurrent map iteration and map write");
// the AWS credentials are handed out on every request, from parallel region
// copies too, and must not write again.
func set(s string) {
	if _, loaded := registered.LoadOrStore(s, true); !loaded {
		packersdk.LogSecretFilter.Set(s)
	}
}

// minLine keeps short lines (which could be common words) out of the filter;
// a PEM body line is 64 or 70 characters.
const minLine = 16
