package setup

import (
	"fmt"
	"os"
	"strings"
)

// checkPublicKey accepts one OpenSSH public key line (optionally with
// options before the key type, and a comment after the key).
func checkPublicKey(key string) error {
	if strings.ContainsAny(key, "\n\r") {
		return fmt.Errorf("a key must be a single line; give several keys as several list items")
	}
	if keyBlob(key) == "" {
		return fmt.Errorf("%q is not an OpenSSH public key (expected e.g. \"ssh-ed25519 AAAA... comment\")", truncate(key, 40))
	}
	return nil
}

// readKeyFile reads the public keys of a local file, one per line,
// skipping blank lines and # comments.
func readKeyFile(path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read %q: %w; generate a key with ssh-keygen -t ed25519 -f <path without .pub>", path, err)
	}
	var keys []string
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if err := checkPublicKey(line); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		keys = append(keys, line)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%q holds no public key", path)
	}
	return keys, nil
}

// userKeys returns all keys of a user: its inline keys, then those of its
// key files.
func userKeys(u User) ([]string, error) {
	keys := append([]string(nil), u.AuthorizedKeys...)
	for _, path := range u.AuthorizedKeyFiles {
		more, err := readKeyFile(path)
		if err != nil {
			return nil, fmt.Errorf("user %s: authorized_key_files: %w", u.Name, err)
		}
		keys = append(keys, more...)
	}
	return keys, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
