//go:generate go run ./cmd/pagecoverage ../../docs/moving-from-amazon-ebs.mdx

// Package ebsoptions is the inventory behind docs/moving-from-amazon-ebs.mdx:
// every option of HashiCorp's amazon-ebs builder, read from amazon-ebs's own
// generated HCL2 spec in the Go module cache (FromSource) plus the few
// options newer amazon-ebs releases added (Later); the options an HCL2 spec
// accepts (FromSpec, for our own builder's); and the page's table of
// statuses (ParsePage) with its coverage line (Coverage, SetCoverage).
//
// The builder's quick-tier test compares all three, so an amazon-ebs option
// cannot go missing from the page, and a status cannot claim what the
// builder does not do. `make generate` rewrites the coverage line from the
// table (cmd/pagecoverage); nobody types the number.
package ebsoptions
