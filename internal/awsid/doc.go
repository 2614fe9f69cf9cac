// Package awsid holds the formats of the AWS names this project checks, each
// defined once: region names (regions.go, from the AWS SDK's partition data)
// and AMI IDs (ami_id.go). The builder, the post-processor and the
// subcommands all validate through it.
package awsid
