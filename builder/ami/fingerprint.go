package ami

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// FingerprintInput is everything that makes an image what it is: the
// source image (resolved to its ID), the builder options that change the
// image, the files that shape it (the template, scripts, … as globs
// relative to Dir, where "**" matches any number of folders) and a free
// key. Equal fingerprints mean equal inputs; the lineage tag
// immutable:fingerprint records it.
type FingerprintInput struct {
	SourceAMI string
	Options   imageOptions
	Dir       string
	Files     []string
	Key       string
}

// imageOptions are the options that change what a build produces.
type imageOptions struct {
	InstanceType   string        `json:"instance_type"`
	UserData       string        `json:"user_data"`
	LaunchMappings []BlockDevice `json:"launch_block_device_mappings"`
	AMIMappings    []BlockDevice `json:"ami_block_device_mappings"`
	EncryptBoot    bool          `json:"encrypt_boot"`
	KmsKeyID       string        `json:"kms_key_id"`
	IMDSSupport    string        `json:"imds_support"`
	// amazon-ebs' other options that change the image; omitted when unset,
	// so fingerprints of builds without them stay what they were.
	ENASupport   *bool             `json:"ena_support,omitempty"`
	SriovSupport bool              `json:"sriov_support,omitempty"`
	NoEphemeral  bool              `json:"no_ephemeral,omitempty"`
	RegionKMS    map[string]string `json:"region_kms_key_ids,omitempty"`
	ProductCodes []string          `json:"ami_product_codes,omitempty"`
	// EC2 picks one of a Spot build's spot_instance_types.
	SpotInstanceTypes []string `json:"spot_instance_types,omitempty"`
}

// fingerprintInput is the fingerprint's input as the configuration sets it
// (the source image is known at build time). Without a list of input
// files, the fingerprint covers the source image and the options.
func (c *Config) fingerprintInput() FingerprintInput {
	opts, _ := c.imageOptions() // user_data_file was checked by Prepare
	return FingerprintInput{Options: opts, Dir: c.TemplateDir}
}

// imageOptions collects them from the configuration (user_data_file by
// its content).
func (c *Config) imageOptions() (imageOptions, error) {
	o := imageOptions{InstanceType: c.InstanceType, UserData: c.UserData, LaunchMappings: c.LaunchMappings,
		AMIMappings: c.AMIMappings, EncryptBoot: c.AMIEncryptBootVolume, KmsKeyID: c.AMIKmsKeyID, IMDSSupport: c.IMDSSupport,
		ENASupport: c.ENASupport, SriovSupport: c.SriovSupport, NoEphemeral: c.NoEphemeral, RegionKMS: c.AMIRegionKMSKeyIDs,
		ProductCodes: c.AMIProductCodes, SpotInstanceTypes: c.SpotInstanceTypes}
	if c.UserDataFile != "" {
		b, err := os.ReadFile(c.UserDataFile)
		if err != nil {
			return o, fmt.Errorf("user_data_file: %w", err)
		}
		o.UserData = string(b)
	}
	return o, nil
}

// Fingerprint hashes in (SHA-256, hex). Each file counts by its path
// relative to Dir and its content, so a checkout elsewhere gives the same
// fingerprint; each part is length-prefixed, so no two inputs collide by
// concatenation.
func Fingerprint(in FingerprintInput) (string, error) {
	h := sha256.New()
	part := func(kind string, data []byte) { fmt.Fprintf(h, "%s %d\n", kind, len(data)); h.Write(data) }
	part("immutable-fingerprint", []byte("v1"))
	part("source-ami", []byte(in.SourceAMI))
	opts, err := json.Marshal(in.Options)
	if err != nil {
		return "", err
	}
	part("options", opts)
	files, err := expandGlobs(in.Dir, in.Files)
	if err != nil {
		return "", err
	}
	for _, rel := range files {
		data, err := os.ReadFile(filepath.Join(in.Dir, filepath.FromSlash(rel)))
		if err != nil {
			return "", fmt.Errorf("reading an input file for the fingerprint: %w", err)
		}
		part("file", []byte(rel))
		part("content", data)
	}
	part("key", []byte(in.Key))
	return hex.EncodeToString(h.Sum(nil)), nil
}

// expandGlobs lists the regular files under dir that match any pattern,
// as sorted slash-separated paths relative to dir. A pattern that matches
// nothing is an error: a typo must not silently leave a file out.
func expandGlobs(dir string, patterns []string) ([]string, error) {
	if len(patterns) == 0 {
		return nil, nil
	}
	var all []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		all = append(all, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("listing the input files under %s: %w", dir, err)
	}
	var out []string
	for _, pat := range patterns {
		if filepath.IsAbs(pat) {
			rel, err := filepath.Rel(dir, pat)
			if err != nil || strings.HasPrefix(rel, "..") {
				return nil, fmt.Errorf("input file pattern %q is outside %s", pat, dir)
			}
			pat = rel
		}
		n := 0
		for _, f := range all {
			if globMatch(strings.Split(filepath.ToSlash(pat), "/"), strings.Split(f, "/")) {
				out, n = append(out, f), n+1
			}
		}
		if n == 0 {
			return nil, fmt.Errorf("input file pattern %q matches no file under %s", pat, dir)
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// globMatch matches path segments against pattern segments, "**" standing
// for any number of segments.
func globMatch(pat, segs []string) bool {
	if len(pat) == 0 {
		return len(segs) == 0
	}
	if pat[0] == "**" {
		for i := 0; i <= len(segs); i++ {
			if globMatch(pat[1:], segs[i:]) {
				return true
			}
		}
		return false
	}
	if len(segs) == 0 {
		return false
	}
	ok, err := path.Match(pat[0], segs[0])
	return err == nil && ok && globMatch(pat[1:], segs[1:])
}
