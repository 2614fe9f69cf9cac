package ebsoptions

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
)

// The amazon-ebs release whose spec is the reference: the newest one the
// Go module proxy serves here. Options added since are listed in Later.
const (
	AmazonModule  = "github.com/hashicorp/packer-plugin-amazon"
	AmazonVersion = "v1.2.1"
)

// AmazonModuleDir is the folder of amazon-ebs's module in the Go module
// cache, downloaded first if it is not there yet (`go mod download`, as any
// build fetches a dependency).
func AmazonModuleDir() (string, error) {
	cmd := exec.Command("go", "mod", "download", "-json", AmazonModule+"@"+AmazonVersion)
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
	out, err := cmd.Output()
	var info struct{ Dir, Error string }
	_ = json.Unmarshal(out, &info)
	if err != nil || info.Dir == "" {
		return "", fmt.Errorf("go mod download %s@%s: %v %s", AmazonModule, AmazonVersion, err, info.Error)
	}
	return info.Dir, nil
}

// AmazonEBS lists amazon-ebs's options: those of AmazonVersion's generated
// spec and the Later ones.
func AmazonEBS() ([]Option, error) {
	dir, err := AmazonModuleDir()
	if err != nil {
		return nil, err
	}
	opts, err := FromSource(dir, AmazonModule)
	if err != nil {
		return nil, err
	}
	for _, l := range Later {
		opts = append(opts, l.Option)
	}
	sortOptions(opts)
	return opts, nil
}
