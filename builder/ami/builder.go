package ami

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"slices"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/hashicorp/packer-plugin-sdk/communicator"
	"github.com/hashicorp/packer-plugin-sdk/multistep"
	"github.com/hashicorp/packer-plugin-sdk/multistep/commonsteps"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/awsaccess"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2wait"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/lineage"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ssmchannel"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ssmtunnel"
)

// Builder is the immutable-ami builder: it bakes an AMI from a temporary
// EC2 instance and removes everything temporary afterwards.
type Builder struct {
	config Config
	runner multistep.Runner
	// httpClient is used for public IP detection (tests replace it).
	httpClient *http.Client
	// buildID tells this build's resources from those of others running
	// in the same `packer build` (BuildIDTagKey); made on first use.
	buildID string
	// pace is what this build's waits learn about the endpoint's speed.
	pace *ec2wait.Pace
}

// generatedVars are the {{ build.* }} values the builder provides.
var generatedVars = []string{"BuildRegion", "SourceAMI", "SourceAMIName", "SourceAMIOwner", "SourceAMICreationDate"}

func (b *Builder) ConfigSpec() hcldec.ObjectSpec { return b.config.FlatMapstructure().HCL2Spec() }

func (b *Builder) Prepare(raws ...any) ([]string, []string, error) {
	if err := b.config.Prepare(raws...); err != nil {
		return nil, nil, err
	}
	return generatedVars, b.config.warnings(), nil
}

// steps is the whole build in order: checkSteps before anything is
// created (and, with reuse, the look for an image an earlier build made
// from the same inputs), launchChecks and launchSteps up to the stopped
// instance, then imageSteps. When an image is reused, the steps that
// launch and make an image are skipped. Cleanups run in reverse.
func (b *Builder) steps(clients *awsaccess.Clients, client *ec2.Client, buildUUID string) []multistep.Step {
	return slices.Concat(b.checkSteps(clients, client, buildUUID),
		unlessReused(b.launchChecks(client, buildUUID)...),
		unlessReused(b.launchSteps(clients, client, buildUUID)...), b.imageSteps(clients, client, buildUUID))
}

// checkSteps check the credentials, regions and name, find the source
// image, work out the lineage and the fingerprint of the inputs, and look
// for an image to reuse, all before anything is created.
func (b *Builder) checkSteps(clients *awsaccess.Clients, client *ec2.Client, buildUUID string) []multistep.Step {
	c := &b.config
	ref, resolve, _ := ssmchannel.ParseResolve(c.SourceAMI) // checked by Prepare
	copyRegions := c.CopyRegions(c.RawRegion)
	return []multistep.Step{
		&StepSweepStrays{Clients: forRegion[sweepEC2](clients), BuildID: b.id(), Polling: b.polling(), Spot: c.IsSpot(),
			Regions: append([]string{c.RawRegion}, copyRegions...), Uncertain: clients.CreatesUncertain},
		multistep.If(!c.SkipCredentialValidation, &StepValidateCredentials{STS: narrow[callerIdentitySTS](clients.STS), Region: c.RawRegion}),
		&StepPreValidate{EC2: client, Region: c.RawRegion, AMIName: c.AMIName,
			ForceDeregister: c.AMIForceDeregister, SkipCreateAMI: c.SkipCreateAMI, SkipRegionCheck: c.SkipRegionValidation,
			SkipBuildRegionName: c.SkipSaveBuildRegion, NameCheckedLater: c.Reuse != nil,
			CopyRegions: copyRegions, Clients: forRegion[describeImagesEC2](clients)},
		&StepCheckPermissions{EC2: client, TemporaryKey: c.usesTemporaryKey(), Images: !c.SkipCreateAMI, Spot: c.IsSpot(),
			KeyName:        cmp.Or(c.Comm.SSHTemporaryKeyPairName, b.tempName()),
			TemporaryGroup: len(c.SecurityGroupIDs) == 0 && len(c.SecurityGroupFilter.Filters) == 0},
		multistep.If(c.IAMInstanceProfile != "" && !c.SkipProfileValidation, &StepCheckInstanceProfile{
			IAM: narrow[getInstanceProfileIAM](clients.IAM), Region: c.RawRegion, Profile: c.IAMInstanceProfile,
			SessionManager: c.usesSessionManager()}),
		multistep.If(resolve, &StepResolveSourceAMI{Ref: ref, SSM: func(ctx context.Context) (ssmchannel.Reader, error) {
			return clients.SSM(ctx, c.RawRegion)
		}}),
		&StepSourceAMI{EC2: client, SourceAMI: c.SourceAMI, Filter: c.SourceAMIFilter, Types: c.instanceTypes(),
			VirtType: c.AMIVirtType, EnhancedNetworking: c.ImageFeaturesConfig.modifiesInstance()},
		&StepLineage{BuildUUID: buildUUID, Build: lineage.BuildName(c.PackerBuilderType, c.PackerBuildName), Region: c.RawRegion,
			TemplateDir: c.TemplateDir, Fingerprint: c.fingerprintInput()},
		multistep.If(c.Reuse != nil, &StepReuseImage{Clients: forRegion[deleteImageEC2](clients), Region: c.RawRegion,
			CopyRegions: copyRegions, AMIName: c.AMIName, Force: c.PackerForce,
			ForceDeregister: c.AMIForceDeregister, DeleteSnapshots: c.AMIForceDeleteSnapshot, Polling: b.polling()}),
	}
}

// launchChecks find the network and work out the build instance's tags:
// what only a launch needs.
func (b *Builder) launchChecks(client *ec2.Client, buildUUID string) []multistep.Step {
	c := &b.config
	return []multistep.Step{
		&StepRenderRunTags{RunTags: c.RunTags, Tags: baseTags(buildUUID, b.id()), Ctx: c.ctx},
		&StepNetworkInfo{EC2: client, VpcID: c.VpcID, VpcFilter: c.VpcFilter, SubnetID: c.SubnetID,
			SubnetFilter: c.SubnetFilter, AvailabilityZone: c.AvailabilityZone, Types: c.instanceTypes()},
	}
}

// launchSteps launch, provision and stop the build instance, all in the
// build region (client).
func (b *Builder) launchSteps(clients *awsaccess.Clients, client *ec2.Client, buildUUID string) []multistep.Step {
	c := &b.config
	tags := baseTags(buildUUID, b.id())
	name := b.tempName()
	polling := b.polling()
	temporaryKey := c.usesTemporaryKey()
	spot := c.IsSpot()
	debugKey := ""
	if c.PackerDebug {
		debugKey = fmt.Sprintf("ec2_%s.pem", c.PackerBuildName)
	}
	return []multistep.Step{
		&StepKeyPair{EC2: client, Comm: &c.Comm, Temporary: temporaryKey,
			Type: c.Comm.SSHTemporaryKeyPairType, Bits: c.Comm.SSHTemporaryKeyPairBits,
			Name: cmp.Or(c.Comm.SSHTemporaryKeyPairName, name), NameFromTemplate: c.Comm.SSHTemporaryKeyPairName != "",
			Region: c.RawRegion, Tags: tags, DebugKeyPath: debugKey},
		&StepSecurityGroup{EC2: client, GroupIDs: c.SecurityGroupIDs, GroupFilter: c.SecurityGroupFilter,
			Source: c.sshSource(client, b.httpClient), SSHHost: c.Comm.SSHHost, SSHPort: c.Comm.SSHPort,
			Name: name, Region: c.RawRegion, Tags: tags, Polling: polling, NoIngress: c.usesSessionManager(),
			NoSSH: c.Comm.Type == "none"},
		multistep.If(c.TemporaryIAMInstanceProfilePolicyDocument != nil, &StepTemporaryInstanceProfile{
			IAM: narrow[temporaryProfileIAM](clients.IAM), Region: c.RawRegion, Policy: c.TemporaryIAMInstanceProfilePolicyDocument,
			Name: name, Tags: tags, Polling: polling}),
		multistep.If(!spot, &StepRunInstance{EC2: client, Launch: c.launchSpec(tags), Instance: c.buildInstance(client, polling)}),
		multistep.If(spot, &StepRunSpotInstance{EC2: client, Launch: c.launchSpec(tags), Spot: c.spotSpec(tags, name),
			Instance: c.buildInstance(client, polling)}),
		&StepAllowSSH{EC2: client, Source: c.sshSource(client, b.httpClient), SSHPort: c.Comm.SSHPort, Tags: tags, Polling: polling},
		multistep.If(c.usesSessionManager(), &StepSessionTunnel{SSM: narrow[sessionSSM](clients.SSM),
			KMS: narrow[ssmtunnel.KMS](clients.KMS), Region: c.RawRegion,
			RemotePort: c.Comm.SSHPort, LocalPort: c.SessionManagerPort, Pause: c.PauseBeforeSSM, ConnectTimeout: c.Comm.SSHTimeout}),
		&communicator.StepConnect{Config: &c.Comm, Host: hostFromState, SSHPort: portFromState(c.Comm.SSHPort),
			SSHConfig: c.Comm.SSHConfigFunc()},
		&commonsteps.StepProvision{},
		multistep.If(temporaryKey, &StepRemoveTempKey{AlsoRoot: c.Comm.SSHClearAuthorizedKeys}),
		// A Spot Instance comes from a one-time Spot request, which EC2
		// refuses to stop (UnsupportedOperation); CreateImage reboots it
		// for a consistent snapshot instead, as in amazon-ebs.
		multistep.If(!spot, &StepStopInstance{EC2: client, DisableStop: c.DisableStopInstance, Polling: polling}),
	}
}

// polling is the options of every wait: the template's aws_polling (or
// the environment) and the build's pace.
func (b *Builder) polling() ec2wait.Options {
	o := b.config.PollingConfig.Options()
	o.Pace = b.pace
	return o
}

// imageSteps make the AMI from the stopped instance (in the build region,
// client), copy it to ami_regions, set its attributes and tag it; with a
// reused image, they copy it where missing, set its attributes and tag it.
// None with skip_create_ami.
func (b *Builder) imageSteps(clients *awsaccess.Clients, client *ec2.Client, buildUUID string) []multistep.Step {
	c := &b.config
	if c.SkipCreateAMI {
		return nil
	}
	polling := b.polling()
	buildTags := buildTags(buildUUID, b.id())
	copyRegions := c.CopyRegions(c.RawRegion)
	return append(unlessReused(
		multistep.If(c.ImageFeaturesConfig.modifiesInstance(), &StepModifyInstance{EC2: client, ENA: c.ENASupport, Sriov: c.SriovSupport}),
		multistep.If(c.AMIForceDeregister, &StepDeregisterExisting{Clients: forRegion[deleteImageEC2](clients),
			Regions: append([]string{c.RawRegion}, copyRegions...), Name: c.AMIName,
			DeleteSnapshots: c.AMIForceDeleteSnapshot, Polling: polling}),
		&StepCreateImage{EC2: client, Region: c.RawRegion, Name: c.AMIName, TemporaryName: c.SkipSaveBuildRegion,
			Description: c.AMIDescription, Mappings: c.AMIMappings, Tags: buildTags, Encrypt: c.AMIEncryptBootVolume,
			KmsKeyID: c.buildRegionKMSKey(c.RawRegion), BuildID: b.id(), Ctx: c.ctx, Polling: polling}),
		multistep.If(len(copyRegions) > 0, &StepCopyImages{Clients: forRegion[copyImagesEC2](clients),
			SourceRegion: c.RawRegion, Regions: copyRegions, Name: c.AMIName, Description: c.AMIDescription,
			Encrypt: c.AMIEncryptBootVolume, RegionKMS: c.AMIRegionKMSKeyIDs, Tags: buildTags,
			DurationMinutes: c.SnapshotCopyDurationMinutes, Ctx: c.ctx, Polling: polling}),
		multistep.If(c.SkipSaveBuildRegion, &StepDropBuildRegionImage{EC2: client, Region: c.RawRegion, Polling: polling}),
		&StepModifyImage{Clients: forRegion[modifyImageEC2](clients), IMDSSupport: c.IMDSSupport,
			Sharing: c.ImageSharingConfig, ProductCodes: c.AMIProductCodes, DeprecateAt: c.DeprecationTime, Polling: polling},
		multistep.If(len(c.SnapshotUsers)+len(c.SnapshotGroups) > 0, &StepShareSnapshots{Clients: forRegion[shareSnapshotsEC2](clients),
			Users: c.SnapshotUsers, Groups: c.SnapshotGroups, Polling: polling}),
		&StepTagImages{Clients: forRegion[tagImagesEC2](clients), Tags: c.AMITags, SnapshotTags: c.SnapshotTags,
			RunTags: c.imageRunTags(), BuildTags: buildTags, Ctx: c.ctx, Polling: polling},
		multistep.If(c.DeregistrationProtection.Enabled, &StepProtectImages{Clients: forRegion[protectImagesEC2](clients),
			WithCooldown: c.DeregistrationProtection.WithCooldown, Polling: polling}),
	)
}
