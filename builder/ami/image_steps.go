package ami

import (
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/hashicorp/packer-plugin-sdk/multistep"
	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
)

// *ec2.Client has every narrow interface the image steps declare.
var (
	_ createImageEC2 = (*ec2.Client)(nil)
	_ copyImagesEC2  = (*ec2.Client)(nil)
	_ modifyImageEC2 = (*ec2.Client)(nil)
	_ tagImagesEC2   = (*ec2.Client)(nil)
)

// imageSteps are the steps after the instance is stopped: make the AMI,
// copy it, set its attributes, tag it. None with skip_create_ami.
func (b *Builder) imageSteps(client *ec2.Client, buildUUID string) []multistep.Step {
	c := &b.config
	if c.SkipCreateAMI {
		return nil
	}
	cache := newClientCache(c.EC2)
	cache.clients[c.RawRegion] = client
	polling := c.PollingConfig.Options()
	buildTags := map[string]string{BuildUUIDTagKey: buildUUID}
	copyRegions := c.CopyRegions(c.RawRegion)
	var steps []multistep.Step
	if c.AMIForceDeregister {
		steps = append(steps, &StepDeregisterExisting{Clients: forRegion[deleteImageEC2](cache),
			Regions: append([]string{c.RawRegion}, copyRegions...), Name: c.AMIName,
			DeleteSnapshots: c.AMIForceDeleteSnapshot, Polling: polling})
	}
	return append(steps,
		&StepCreateImage{EC2: client, Region: c.RawRegion, Name: c.AMIName, Description: c.AMIDescription,
			Mappings: c.AMIMappings, Tags: buildTags, Encrypt: c.AMIEncryptBootVolume, KmsKeyID: buildRegionKey(c),
			Ctx: c.ctx, Polling: polling},
		&StepCopyImages{Clients: forRegion[copyImagesEC2](cache), SourceRegion: c.RawRegion, Regions: copyRegions,
			Name: c.AMIName, Description: c.AMIDescription, Encrypt: c.AMIEncryptBootVolume,
			RegionKMS: c.AMIRegionKMSKeyIDs, Tags: buildTags, Ctx: c.ctx, Polling: polling},
		&StepModifyImage{Clients: forRegion[modifyImageEC2](cache), IMDSSupport: c.IMDSSupport,
			Users: c.AMIUsers, Groups: c.AMIGroups, DeprecateAt: c.DeprecationTime, Polling: polling},
		&StepTagImages{Clients: forRegion[tagImagesEC2](cache), Tags: c.AMITags, SnapshotTags: c.SnapshotTags,
			BuildTags: buildTags, Ctx: c.ctx, Polling: polling},
	)
}

// imageArtifact is Builder.Run's result: the AMIs in every region, or nil
// (no artifact) with skip_create_ami.
func (b *Builder) imageArtifact(state multistep.StateBag) packersdk.Artifact {
	cache := newClientCache(b.config.EC2)
	a := newArtifact(state, forRegion[deleteImageEC2](cache))
	if a == nil {
		return nil
	}
	return a
}

// buildRegionKey is the KMS key of the encrypted image in the build region:
// kms_key_id, else region_kms_key_ids' entry for it, else the default key.
func buildRegionKey(c *Config) string {
	if c.AMIKmsKeyID != "" {
		return c.AMIKmsKeyID
	}
	return c.AMIRegionKMSKeyIDs[c.RawRegion]
}
