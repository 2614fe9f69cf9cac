package setup

import (
	"sort"
	"strings"
)

// envVars renders KEY='value' words for {{.Vars}}: Packer's build name and
// type first, then environment_vars, then env (sorted), values quoted.
func envVars(buildName, builderType string, vars []string, env map[string]string) string {
	words := []string{}
	if buildName != "" {
		words = append(words, "PACKER_BUILD_NAME="+shellQuote(buildName))
	}
	if builderType != "" {
		words = append(words, "PACKER_BUILDER_TYPE="+shellQuote(builderType))
	}
	for _, kv := range vars {
		k, v, _ := strings.Cut(kv, "=")
		words = append(words, k+"="+shellQuote(v))
	}
	keys := make([]string, 0, len(env))
	for k := range env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		words = append(words, k+"="+shellQuote(env[k]))
	}
	return strings.Join(words, " ")
}
