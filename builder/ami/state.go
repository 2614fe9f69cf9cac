package ami

import "github.com/hashicorp/packer-plugin-sdk/multistep"

// stateKey names one value in the build's StateBag. Every key the builder
// uses is declared here, once, as stateXxx; steps read and write them only
// through statePut and stateGet.
type stateKey string

// Keys the Packer SDK itself reads or writes. Their spelling is fixed by
// packer-plugin-sdk v0.6.10:
//   - "ui", "hook", "error": multistep runners and every SDK step;
//   - "communicator": put by communicator.StepConnect, read by
//     commonsteps.StepProvision and our remove-temp-key step;
//   - "communicator_config": put by communicator.StepConnect itself (the
//     *communicator.Config we hand it, holding our temporary key);
//     PopulateProvisionHookData reads it to give provisioners Host, Port,
//     User, SSHPublicKey, SSHPrivateKey. Listed so no step reuses the name;
//   - "instance_id": PopulateProvisionHookData makes it {{ .ID }};
//   - "generated_data": PopulateProvisionHookData merges this map (our
//     SourceAMI, BuildRegion …) into the provisioners' build data.
const (
	stateUI            stateKey = "ui"
	stateHook          stateKey = "hook"
	stateError         stateKey = "error"
	stateCommunicator  stateKey = "communicator"
	stateCommConfig    stateKey = "communicator_config"
	stateInstanceID    stateKey = "instance_id"
	stateGeneratedData stateKey = "generated_data"
)

// Keys of our own, snake_case like the SDK's.
const (
	// stateSourceImage is the ec2types.Image the build instance starts from.
	stateSourceImage stateKey = "source_image"
	// stateVpcID, stateSubnetID and stateAvailabilityZone say where the
	// build instance runs (strings, chosen by StepNetworkInfo).
	stateVpcID            stateKey = "vpc_id"
	stateSubnetID         stateKey = "subnet_id"
	stateAvailabilityZone stateKey = "availability_zone"
	// stateRunTags are the tags of the build's temporary key pair and
	// security group: run_tags rendered over the base tags
	// (map[string]string), put by StepRenderRunTags.
	stateRunTags stateKey = "run_tags"
	// stateKeyPairName is the temporary key pair's name (string).
	stateKeyPairName stateKey = "key_pair_name"
	// stateTempPublicKey is the temporary key pair's public key in
	// authorized_keys form ([]byte), put by StepKeyPair only when it made
	// one; StepRemoveTempKey removes it from the image.
	stateTempPublicKey stateKey = "temporary_public_key"
	// stateInstanceProfile is the instance profile made for the build
	// (string), when temporary_iam_instance_profile_policy_document asks
	// for one; the launch uses it instead of iam_instance_profile.
	stateInstanceProfile stateKey = "instance_profile"
	// stateSecurityGroupIDs are the groups the instance is launched in
	// ([]string): the temporary one or security_group_ids.
	stateSecurityGroupIDs stateKey = "security_group_ids"
	// stateTemporaryGroup is the temporary group's ID (string), put only
	// while its SSH rule waits for the instance's address (StepAllowSSH).
	stateTemporaryGroup stateKey = "temporary_security_group"
	// stateInstance is the running build instance (ec2types.Instance) as
	// last described, with its addresses.
	stateInstance stateKey = "instance"
	// stateCreating (true) says the build passed StepCheckPermissions and
	// may from then on have created something: only then does
	// StepSweepStrays look for strays.
	stateCreating stateKey = "creating"
	// stateKeptVolumes are the build instance's volumes the template marked
	// delete_on_termination = false ([]string): meant to outlive the build.
	stateKeptVolumes stateKey = "kept_volumes"
	// stateSSHHost is the address communicator.StepConnect dials (string).
	stateSSHHost stateKey = "ssh_host"
	// stateSSHPort is the port it dials (int) when not ssh_port: the
	// Session Manager tunnel's local end.
	stateSSHPort stateKey = "ssh_port"
	// stateSourceAMIID is the image ID source_ami resolved to when it
	// named an SSM parameter (string, put by StepResolveSourceAMI), and
	// stateSourceParameter the parameter and version it came from, e.g.
	// "/images/base:prod (version 7)" (string).
	stateSourceAMIID     stateKey = "source_ami_id"
	stateSourceParameter stateKey = "source_parameter"
	// stateLineageTags are the tags that record where the image came from
	// (map[string]string, put by StepLineage, put on the images and their
	// snapshots by StepTagImages).
	stateLineageTags stateKey = "lineage_tags"
	// stateFingerprint is the fingerprint of the build's inputs and what it
	// covers (fingerprint, put by StepLineage).
	stateFingerprint stateKey = "fingerprint"
	// stateReused is the image an earlier build made from the same inputs
	// (reusedImage), put by StepReuseImage only when it found one: the
	// launch and image-making steps are then skipped (stepUnlessReused),
	// and no step removes it.
	stateReused stateKey = "reused"
	// stateAMIs maps region to the AMI ID made there (map[string]string):
	// put by StepCreateImage, extended by StepCopyImages, read by the
	// modify and tag steps and the artifact.
	stateAMIs stateKey = "amis"
	// stateDeregisteredAMIs lists AMIs of this build a step deregistered on
	// purpose ([]string: the build region's with skip_save_build_region), so
	// the step that made them does not look for them in Cleanup.
	stateDeregisteredAMIs stateKey = "deregistered_amis"
	// stateImages maps region to the AMI there as last described
	// (map[string]ec2types.Image, put with stateAMIs by the steps that
	// make, copy or reuse images): the modify and tag steps read its
	// snapshots and attributes from it instead of describing it again.
	stateImages stateKey = "images"
)

// statePut stores v under k.
func statePut(s multistep.StateBag, k stateKey, v any) { s.Put(string(k), v) }

// stateGet returns the value under k as a T; ok is false when it is absent
// or of another type.
func stateGet[T any](s multistep.StateBag, k stateKey) (T, bool) {
	v, ok := s.Get(string(k)).(T)
	return v, ok
}
