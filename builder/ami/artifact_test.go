package ami

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/packer-plugin-sdk/multistep"
	registryimage "github.com/hashicorp/packer-plugin-sdk/packer/registry/image"
)

func TestArtifactDescribesEveryRegion(t *testing.T) {
	state := new(multistep.BasicStateBag)
	statePut(state, stateAMIs, map[string]string{"us-west-2": "ami-2", "eu-west-1": "ami-3", "us-east-1": "ami-1"})
	statePut(state, stateGeneratedData, map[string]any{"SourceAMI": "ami-src", "BuildRegion": "us-east-1", "Count": 3})
	statePut(state, stateSourceImage, ec2types.Image{ImageId: aws.String("ami-src")})
	a := newArtifact(state, nil)
	if got, want := a.Id(), "eu-west-1:ami-3,us-east-1:ami-1,us-west-2:ami-2"; got != want {
		t.Errorf("Id() = %q, want %q", got, want)
	}
	if got, want := a.String(), "AMIs were created:\neu-west-1: ami-3\nus-east-1: ami-1\nus-west-2: ami-2\n"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if a.BuilderId() != BuilderID || a.Files() != nil {
		t.Errorf("BuilderId %q Files %v", a.BuilderId(), a.Files())
	}
	if gd, _ := a.State("generated_data").(map[string]any); gd["SourceAMI"] != "ami-src" {
		t.Errorf("generated_data = %v", a.State("generated_data"))
	}
	images, _ := a.State(registryimage.ArtifactStateURI).([]*registryimage.Image)
	if len(images) != 3 {
		t.Fatalf("registry images = %v, want one per region", images)
	}
	for _, img := range images {
		if img.ProviderName != "aws" || img.SourceImageID != "ami-src" || img.ImageID != a.Amis[img.ProviderRegion] ||
			img.Labels["BuildRegion"] != "us-east-1" || img.Validate() != nil {
			t.Errorf("registry image %+v", img)
		}
		if _, ok := img.Labels["Count"]; ok {
			t.Errorf("non-string generated data became a label: %v", img.Labels)
		}
	}
}
