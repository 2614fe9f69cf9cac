// Package lineage says where an image built by this plugin came from, in
// tags on the image and its snapshots: the build (UUID, name, region), the
// image it started from (and, when that one was ours too, the root of the
// chain and how deep this image sits in it), the template's folder and git
// commit, and the fingerprint of the inputs. Every tag key is defined here,
// once: the builder writes them, prune and history read them.
package lineage

import (
	"strconv"
	"strings"
)

// Prefix starts every tag key this plugin writes. Templates cannot set tags
// with it (the builder refuses them), so a tag with this prefix was written
// by the plugin.
const Prefix = "immutable:"

// Tag keys. BuildUUID is also put on every temporary resource of a build;
// the others go on the AMI in every region and on its snapshots.
const (
	// BuildUUID is Packer's run UUID (PACKER_RUN_UUID), shared by every
	// build of one `packer build`. An image carrying it was built by this
	// plugin: prune never considers an image without it.
	BuildUUID = Prefix + "build-uuid"
	// Build is the build's name as Packer prints it and the tfvars
	// history records it, e.g. "immutable-ami.web".
	Build = Prefix + "build"
	// BuildRegion is the region the image was built in. A copy in another
	// region carries the build region's value: its SourceAMI lives there.
	BuildRegion = Prefix + "build-region"
	// SourceAMI is the image the build instance was launched from, in
	// BuildRegion (after resolving source_ami_filter or resolve:ssm:).
	SourceAMI = Prefix + "source-ami"
	// SourceParameter is the SSM parameter source_ami was resolved from,
	// with the version it named then: "/images/base:prod (version 7)".
	SourceParameter = Prefix + "source-parameter"
	// RootAMI is the first image of the chain that this plugin did not
	// build (e.g. Canonical's Ubuntu image under a base and an app image).
	RootAMI = Prefix + "root-ami"
	// Depth counts this plugin's builds from RootAMI to this image: 1 for
	// an image built on a foreign one, 2 for an app image on such a base.
	Depth = Prefix + "depth"
	// Template is the template's folder (template_dir), relative to the
	// root of its git work tree, or its base name outside git.
	Template = Prefix + "template"
	// GitCommit is the commit checked out in the template's work tree, and
	// GitDirty whether that work tree had uncommitted changes (any file):
	// "false" means the commit alone rebuilds the image's inputs.
	GitCommit = Prefix + "git-commit"
	GitDirty  = Prefix + "git-dirty"
	// Fingerprint is the hash of the build's inputs (source AMI,
	// image-affecting options, listed files, key): equal fingerprints mean
	// equal inputs.
	Fingerprint = Prefix + "fingerprint"
	// Pruning marks the snapshots of an image prune is removing, with the
	// image's ID, before it deregisters the image: a prune interrupted
	// between the two finds and deletes them on its next run, and deletes
	// no snapshot without it.
	Pruning = Prefix + "pruning"
)

// maxTagValue is EC2's limit on a tag value's length.
const maxTagValue = 256

// Info is the lineage an image's tags record.
type Info struct {
	BuildUUID, Build, BuildRegion string
	SourceAMI, SourceParameter    string
	RootAMI                       string
	Depth                         int
	Template, GitCommit           string
	GitDirty                      *bool
	Fingerprint                   string
}

// Ours reports whether tags are those of an image this plugin built.
func Ours(tags map[string]string) bool { return tags[BuildUUID] != "" }

// Parse reads the lineage from an image's tags (zero fields for tags it
// lacks, e.g. on images built before a tag existed).
func Parse(tags map[string]string) Info {
	in := Info{BuildUUID: tags[BuildUUID], Build: tags[Build], BuildRegion: tags[BuildRegion],
		SourceAMI: tags[SourceAMI], SourceParameter: tags[SourceParameter], RootAMI: tags[RootAMI],
		Template: tags[Template], GitCommit: tags[GitCommit], Fingerprint: tags[Fingerprint]}
	in.Depth, _ = strconv.Atoi(tags[Depth])
	if d, err := strconv.ParseBool(tags[GitDirty]); err == nil {
		in.GitDirty = &d
	}
	return in
}

// Tags renders in as tags, leaving out empty fields and values EC2 would
// refuse as too long.
func (in Info) Tags() map[string]string {
	m := map[string]string{}
	put := func(k, v string) {
		if v != "" && len(v) <= maxTagValue {
			m[k] = v
		}
	}
	put(BuildUUID, in.BuildUUID)
	put(Build, in.Build)
	put(BuildRegion, in.BuildRegion)
	put(SourceAMI, in.SourceAMI)
	put(SourceParameter, in.SourceParameter)
	put(RootAMI, in.RootAMI)
	if in.Depth > 0 {
		put(Depth, strconv.Itoa(in.Depth))
	}
	put(Template, in.Template)
	put(GitCommit, in.GitCommit)
	if in.GitDirty != nil {
		put(GitDirty, strconv.FormatBool(*in.GitDirty))
	}
	put(Fingerprint, in.Fingerprint)
	return m
}

// Chain fills in the root and depth of an image built from source, an
// image whose tags are sourceTags: when source is ours, this image extends
// its chain; otherwise source is the root.
func (in Info) Chain(sourceTags map[string]string) Info {
	if !Ours(sourceTags) {
		in.RootAMI, in.Depth = in.SourceAMI, 1
		return in
	}
	parent := Parse(sourceTags)
	in.RootAMI, in.Depth = parent.RootAMI, parent.Depth+1
	if in.RootAMI == "" || parent.Depth == 0 { // built before the chain tags existed
		in.RootAMI, in.Depth = parent.SourceAMI, 2
	}
	return in
}

// Reserved reports the keys of tags a template may not set itself.
func Reserved(tags map[string]string) []string {
	var out []string
	for k := range tags {
		if strings.HasPrefix(k, Prefix) {
			out = append(out, k)
		}
	}
	return out
}

// BuildName is a build's name as Packer prints it, "type.name", e.g.
// "immutable-ami.web" (the Build tag, and the tfvars history's build).
func BuildName(typ, name string) string {
	if typ == "" || name == "" {
		return typ + name
	}
	return typ + "." + name
}
