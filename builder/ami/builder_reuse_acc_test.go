//go:build acc

package ami

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/hashicorp/packer-plugin-sdk/multistep"
	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
	"github.com/hashicorp/packer-plugin-sdk/packerbuilderdata"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2test"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/lineage"
)

// again is another build of the same template, with extra on top, in the
// same cloud: a fresh Builder, state and output; the proxy's record reset.
func (w *wholeBuild) again(t testing.TB, uuid string, extra map[string]any) *wholeBuild {
	t.Helper()
	raw := maps.Clone(w.raw)
	maps.Copy(raw, extra)
	f := *w.imageFixture
	f.b, f.out, f.state = &Builder{pace: fastPace()}, &syncBuffer{}, new(multistep.BasicStateBag)
	f.ui = &packersdk.BasicUi{Writer: f.out, ErrorWriter: f.out}
	if _, _, err := f.b.Prepare(raw); err != nil {
		t.Fatalf("Prepare: %v", err)
	}
	statePut(f.state, stateUI, packersdk.Ui(f.ui))
	(&packerbuilderdata.GeneratedData{State: f.state}).Put("BuildRegion", ec2test.DefaultRegion)
	w.proxy.Reset()
	return &wholeBuild{imageFixture: &f, uuid: uuid, raw: raw}
}

// reuseBuild is a whole build with a reuse block over one input file.
func reuseBuild(t *testing.T, extra map[string]any) (*wholeBuild, string) {
	t.Helper()
	input := filepath.Join(t.TempDir(), "setup.sh")
	if err := os.WriteFile(input, []byte("apt-get install nginx\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	raw := map[string]any{"reuse": map[string]any{"inputs": []string{input}, "key": "v1"}, "ami_regions": []string{}}
	maps.Copy(raw, extra)
	return newWholeBuild(t, raw), input
}

func (w *wholeBuild) mustSucceed(t *testing.T) {
	t.Helper()
	w.run(t, context.Background())
	if err := w.failed(); err != nil {
		t.Fatalf("build failed: %v\n%s", err, w.out)
	}
}

// amis is the build's stateAMIs.
func (w *wholeBuild) amis() map[string]string {
	m, _ := stateGet[map[string]string](w.state, stateAMIs)
	return m
}

// calls counts the EC2 calls of the given actions since the last reset.
func (w *wholeBuild) calls(actions ...string) int { return len(w.proxy.Requests(actions...)) }

// TestReuseBuildsOnceThenReusesUntilAnInputChanges: the second build of an
// unchanged template launches nothing and makes no image: its artifact is
// the first build's AMI, tagged with the template's current tags and
// keeping its lineage; changing an input file, the key, or -force builds
// anew.
func TestReuseBuildsOnceThenReusesUntilAnInputChanges(t *testing.T) {
	w, input := reuseBuild(t, nil)
	w.mustSucceed(t)
	first := w.amis()[ec2test.DefaultRegion]
	fp := tagMap(w.ownImages(t, ec2test.DefaultRegion)[0].Tags)[lineage.Fingerprint]
	if first == "" || len(fp) != 64 {
		t.Fatalf("first build: AMI %q, fingerprint tag %q", first, fp)
	}
	w2 := w.again(t, "second-build-uuid", map[string]any{"tags": map[string]string{"Name": "web-2", "Base": "{{ .SourceAMI }}"}})
	w2.mustSucceed(t)
	if n := w2.calls("RunInstances", "CreateImage", "CopyImage", "CreateKeyPair", "ImportKeyPair", "CreateSecurityGroup"); n != 0 {
		t.Errorf("the reusing build made %d launch or image calls, want none", n)
	}
	if got := w2.amis(); len(got) != 1 || got[ec2test.DefaultRegion] != first {
		t.Errorf("reusing build's AMIs %v, want %s", got, first)
	}
	if out := w2.out.String(); !strings.Contains(out, "Reusing AMI "+first) || !strings.Contains(out, fp) {
		t.Errorf("output does not say which AMI it reused and why:\n%s", out)
	}
	imgs := w2.ownImages(t, ec2test.DefaultRegion)
	if len(imgs) != 1 {
		t.Fatalf("%d AMIs after the reuse, want the one", len(imgs))
	}
	assertTags(t, "reused AMI", tagMap(imgs[0].Tags), map[string]string{"Name": "web-2", BuildUUIDTagKey: w.uuid, lineage.Fingerprint: fp})
	a := newArtifact(w2.state, nil)
	if a.Reused[ec2test.DefaultRegion] != first || !strings.Contains(a.String(), "reused") {
		t.Errorf("artifact %+v does not say the AMI was reused", a)
	}

	if err := os.WriteFile(input, []byte("apt-get install apache2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	w3 := w.again(t, "third-build-uuid", map[string]any{"ami_name": "web-3"})
	w3.mustSucceed(t)
	if w3.calls("RunInstances") != 1 || w3.amis()[ec2test.DefaultRegion] == first {
		t.Errorf("a changed input file did not build anew:\n%s", w3.out)
	}
	w4 := w.again(t, "fourth-build-uuid", map[string]any{"ami_name": "web-4", "packer_force": true})
	w4.mustSucceed(t)
	if w4.calls("RunInstances") != 1 || !strings.Contains(w4.out.String(), "-force") {
		t.Errorf("packer build -force did not build anew:\n%s", w4.out)
	}
	w5 := w.again(t, "fifth-build-uuid", map[string]any{"ami_name": "web-5",
		"reuse": map[string]any{"inputs": []string{input}, "key": "v2"}})
	w5.mustSucceed(t)
	if w5.calls("RunInstances") != 1 || !strings.Contains(w5.out.String(), "building a new one") {
		t.Errorf("a new key did not build anew:\n%s", w5.out)
	}
}

// TestReuseKeepsTheNameCheckForNewImages: with reuse, the name check moves
// after the lookup, and still refuses a taken name when nothing is reused.
func TestReuseKeepsTheNameCheckForNewImages(t *testing.T) {
	w, input := reuseBuild(t, nil)
	w.mustSucceed(t)
	if err := os.WriteFile(input, []byte("changed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	w2 := w.again(t, "second-build-uuid", nil) // same ami_name, new inputs
	w2.run(t, context.Background())
	if err := w2.failed(); err == nil || !strings.Contains(err.Error(), "already exists in the build region") {
		t.Fatalf("err = %v, want the taken name refused", err)
	}
	if w2.calls("RunInstances") != 0 {
		t.Error("the build launched an instance before refusing the name")
	}
}

// TestReuseCopiesWhereMissing: a reused image is copied, under its own
// name, to an ami_regions region without a copy; the copy carries the
// reused image's lineage. Where another image holds that name, the build
// fails before copying, or with force_deregister deregisters it first.
func TestReuseCopiesWhereMissing(t *testing.T) {
	w, _ := reuseBuild(t, nil)
	w.mustSucceed(t)
	first := w.amis()[ec2test.DefaultRegion]
	west := map[string]any{"ami_regions": []string{"us-west-2"}}
	squatter := w.seedImageNamed(t, "us-west-2", "web-whole")
	w2 := w.again(t, "second-build-uuid", west)
	w2.run(t, context.Background())
	if err := w2.failed(); err == nil || !strings.Contains(err.Error(), "us-west-2") || w2.calls("CopyImage") != 0 {
		t.Fatalf("err = %v, %d copies: want the taken name in us-west-2 refused before copying", err, w2.calls("CopyImage"))
	}
	w3 := w.again(t, "third-build-uuid", map[string]any{"ami_regions": []string{"us-west-2"}, "force_deregister": true})
	w3.mustSucceed(t)
	copyID := w3.amis()["us-west-2"]
	if w3.amis()[ec2test.DefaultRegion] != first || copyID == "" || w3.calls("CopyImage") != 1 || w3.calls("RunInstances") != 0 {
		t.Fatalf("AMIs %v after %d copies, %d launches: want %s reused and copied once", w3.amis(),
			w3.calls("CopyImage"), w3.calls("RunInstances"), first)
	}
	for _, img := range w3.ownImages(t, "us-west-2") {
		if aws.ToString(img.ImageId) == squatter {
			t.Error("force_deregister left the other image holding the name")
		}
		if aws.ToString(img.ImageId) == copyID && aws.ToString(img.Name) != "web-whole" {
			t.Errorf("copy named %q, want the reused image's name", aws.ToString(img.Name))
		}
	}
	east := tagMap(w3.ownImages(t, ec2test.DefaultRegion)[0].Tags)
	copyTags := tagMap(w3.ownImages(t, "us-west-2")[0].Tags)
	assertTags(t, "copy", copyTags, map[string]string{lineage.Fingerprint: east[lineage.Fingerprint], BuildUUIDTagKey: w.uuid})
	w4 := w.again(t, "fourth-build-uuid", west)
	w4.mustSucceed(t)
	if w4.calls("CopyImage") != 0 || w4.amis()["us-west-2"] != copyID {
		t.Errorf("the copy was not reused: AMIs %v", w4.amis())
	}
}
