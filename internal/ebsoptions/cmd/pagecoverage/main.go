// Command pagecoverage rewrites the coverage line of the "Moving from
// amazon-ebs" page from its tables (`make generate` runs it):
//
//	go run ./internal/ebsoptions/cmd/pagecoverage docs/moving-from-amazon-ebs.mdx
package main

import (
	"fmt"
	"os"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ebsoptions"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: pagecoverage PAGE.mdx")
		os.Exit(2)
	}
	path := os.Args[1]
	text, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	out, err := ebsoptions.SetCoverage(string(text))
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", path, err)
		os.Exit(1)
	}
	if out != string(text) {
		if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}
