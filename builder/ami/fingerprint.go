package ami

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"maps"
	"os"
	"slices"
)

// FingerprintInput is everything that makes an image what it is: the
// source image (resolved to its ID), the builder options that change the
// image (fingerprinted, by attribute), the files that shape it (reuse
// inputs: glob patterns, relative ones resolved in Dir) and a free key.
// Equal fingerprints mean equal inputs; the lineage tag
// immutable:fingerprint records it, and reuse looks images up by it.
type FingerprintInput struct {
	SourceAMI string
	Options   map[string]any
	Dir       string
	Files     []string
	Key       string
}

// fingerprint is a computed fingerprint and what went into it.
type fingerprint struct {
	Hash      string
	SourceAMI string
	Options   []string // the options that are set, by attribute
	Files     inputFiles
	Key       string
}

// Fingerprint hashes in (SHA-256, hex).
func Fingerprint(in FingerprintInput) (string, error) {
	fp, err := computeFingerprint(in)
	return fp.Hash, err
}

// computeFingerprint hashes, each part length-prefixed so no two inputs
// collide by concatenation: a version, the source AMI ID, each option set
// (attribute and JSON value, in attribute order), each input file (its
// path relative to the files' root and its content, in path order), and
// the key. Options left at their zero value are left out, so a plugin
// version that fingerprints one more option keeps the fingerprints of
// templates that do not set it.
func computeFingerprint(in FingerprintInput) (fingerprint, error) {
	h := sha256.New()
	part := func(kind string, data []byte) { fmt.Fprintf(h, "%s %d\n", kind, len(data)); h.Write(data) }
	part("immutable-fingerprint", []byte("v1"))
	part("source-ami", []byte(in.SourceAMI))
	fp := fingerprint{SourceAMI: in.SourceAMI, Key: in.Key}
	for _, name := range slices.Sorted(maps.Keys(in.Options)) {
		value, err := json.Marshal(in.Options[name])
		if err != nil {
			return fp, fmt.Errorf("option %s: %w", name, err)
		}
		part("option "+name, value)
		fp.Options = append(fp.Options, name)
	}
	if len(in.Files) > 0 {
		files, err := expandInputs(in.Dir, in.Files)
		if err != nil {
			return fp, fmt.Errorf("reuse inputs: %w", err)
		}
		for _, p := range files.Paths {
			part("file", []byte(files.Rel(p)))
			if err := hashFile(h, p); err != nil {
				return fp, fmt.Errorf("reading an input file for the fingerprint: %w", err)
			}
		}
		fp.Files = files
	}
	part("key", []byte(in.Key))
	fp.Hash = hex.EncodeToString(h.Sum(nil))
	return fp, nil
}

// hashFile adds a file's size and content, streamed: inputs may be large.
func hashFile(h hash.Hash, p string) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	fmt.Fprintf(h, "content %d\n", fi.Size())
	n, err := io.Copy(h, f)
	if err == nil && n != fi.Size() {
		err = fmt.Errorf("%s changed while it was read", p)
	}
	return err
}

// summary says what the fingerprint covers, for the build's output.
func (fp fingerprint) summary() string {
	s := "source AMI " + fp.SourceAMI
	if len(fp.Options) > 0 {
		s += fmt.Sprintf(", options %v", fp.Options)
	}
	if n := len(fp.Files.Paths); n > 0 {
		s += fmt.Sprintf(", %d input files under %s", n, fp.Files.Root)
	}
	if fp.Key != "" {
		s += fmt.Sprintf(", key %q", fp.Key)
	}
	return s
}
