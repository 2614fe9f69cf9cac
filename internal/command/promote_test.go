package command

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"testing"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/tfvarsfile"
)

// TestPromoteCopiesTheRegionMapAsTheSourceHoldsIt: promote copies what the
// source file holds now, not what its history says the build wrote: a
// region map edited by hand since (a copy added in eu-west-1) reaches the
// target as it is.
func TestPromoteCopiesTheRegionMapAsTheSourceHoldsIt(t *testing.T) {
	const eu = "ami-0eeeeeeeeeeeeeeee"
	staging := built(t, v1, v2)
	held := map[string]string{"us-east-1": v2, "eu-west-1": eu}
	src, err := os.ReadFile(staging)
	if err != nil {
		t.Fatal(err)
	}
	edited, _, err := tfvarsfile.Set(src, staging, tfvarsfile.Edit{Name: "ami_ids", Value: tfvarsfile.MapValue(held)})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(staging, edited, 0o644); err != nil {
		t.Fatal(err)
	}
	prod := filepath.Join(t.TempDir(), "prod.tfvars")
	if code, out, errOut := run(t, "promote", "-from", staging, "-to", prod, "-map-variable", "ami_ids"); code != 0 {
		t.Fatalf("promote: %d %s %s", code, out, errOut)
	}
	if got := regionMap(t, prod); !maps.Equal(got, held) {
		t.Errorf("prod's ami_ids = %v, want staging's as it holds it: %v", got, held)
	}
}

// TestPromoteCarriesTheRegionMapTheBuildWrote: without -map-variable,
// promote copies the region map the history says the build wrote with the
// image, so the target's ami_ids never names another build's images.
func TestPromoteCarriesTheRegionMapTheBuildWrote(t *testing.T) {
	staging := built(t, v1, v2)
	prod := filepath.Join(t.TempDir(), "prod.tfvars")
	if err := os.WriteFile(prod, []byte("ami_id = \""+v1+"\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := run(t, "promote", "-from", staging, "-to", prod); code != 0 {
		t.Fatalf("promote: %d %s %s", code, out, errOut)
	}
	if got, want := regionMap(t, prod), regionMap(t, staging); value(t, prod, "ami_id") != v2 || !maps.Equal(got, want) {
		t.Errorf("prod: ami_id %s, ami_ids %v; want %s and staging's map %v", value(t, prod, "ami_id"), got, v2, want)
	}
}

// TestPromoteRecordsTheProvenanceOfThePromotedImage: the promotion entry
// carries the build and source AMI of the image promoted, from its own
// entry in the source's history, not another build's.
func TestPromoteRecordsTheProvenanceOfThePromotedImage(t *testing.T) {
	staging := filepath.Join(t.TempDir(), "staging.tfvars")
	for i, v := range []string{v1, v2} {
		e := tfvarsfile.Entry{Action: tfvarsfile.ActionBuild, Variable: "ami_id", Value: v,
			Build: "immutable-ami.web-" + v, SourceAMI: []string{"ami-0500000000000000a", "ami-0500000000000000b"}[i]}
		if _, err := tfvarsfile.Update(context.Background(), staging, e, 0); err != nil {
			t.Fatal(err)
		}
	}
	prod := filepath.Join(t.TempDir(), "prod.tfvars")
	if code, out, errOut := run(t, "promote", "-from", staging, "-to", prod); code != 0 {
		t.Fatalf("promote: %d %s %s", code, out, errOut)
	}
	h, err := tfvarsfile.ReadHistory(prod)
	if last := h[len(h)-1]; err != nil || last.Build != "immutable-ami.web-"+v2 || last.SourceAMI != "ami-0500000000000000b" {
		t.Errorf("prod's promotion entry %+v (%v); want %s's build and source AMI", last, err, v2)
	}
}
