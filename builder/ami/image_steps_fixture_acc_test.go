//go:build acc

package ami

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/packer-plugin-sdk/multistep"
	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/awsaccess"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2test"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2wait"
)

// imageFixture runs the image steps against moto through the fault proxy,
// with a stopped instance launched directly on moto standing in for the
// build instance.
type imageFixture struct {
	moto  *ec2test.Moto
	proxy *ec2test.Proxy
	ui    *packersdk.BasicUi
	out   *syncBuffer
	state *multistep.BasicStateBag
	b     *Builder
	src   string // source AMI of the stand-in instance
	// seed holds the images and snapshots moto starts with (one seed image
	// is owned by this account), so assertions see only the build's.
	seed map[string]bool
}

// newImageFixture runs the image steps of a build with cfg; opts set more
// of the builder's Config (sharing, image features …).
func newImageFixture(t testing.TB, cfg AMIConfig, opts ...func(*Config)) *imageFixture {
	t.Helper()
	m := ec2test.Start(t)
	p := ec2test.StartProxy(t, m)
	p.SetEnv(t)
	t.Setenv("AWS_MAX_ATTEMPTS", "")
	t.Setenv("AWS_POLL_DELAY_SECONDS", "")
	out := &syncBuffer{}
	f := &imageFixture{moto: m, proxy: p, out: out, ui: &packersdk.BasicUi{Writer: out, ErrorWriter: out},
		state: new(multistep.BasicStateBag)}
	if errs := cfg.Prepare(nil, false); len(errs) != 0 {
		t.Fatalf("AMIConfig.Prepare: %v", errs)
	}
	f.b = &Builder{config: Config{AccessConfig: awsaccess.AccessConfig{RawRegion: ec2test.DefaultRegion, MaxRetries: 10}, AMIConfig: cfg},
		pace: fastPace()}
	for _, o := range opts {
		o(&f.b.config)
	}
	direct := m.EC2(t, ec2test.DefaultRegion)
	f.src = seedImageID(t, direct)
	run, err := direct.RunInstances(context.Background(), &ec2.RunInstancesInput{ImageId: &f.src, MinCount: aws.Int32(1), MaxCount: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	f.seed = map[string]bool{}
	for _, r := range allRegions {
		for _, id := range f.ownImageIDs(t, r) {
			f.seed[id] = true
		}
		for _, id := range f.ownSnapshots(t, r) {
			f.seed[id] = true
		}
	}
	statePut(f.state, stateUI, packersdk.Ui(f.ui))
	statePut(f.state, stateInstanceID, aws.ToString(run.Instances[0].InstanceId))
	statePut(f.state, stateGeneratedData, map[string]any{"SourceAMI": f.src, "BuildRegion": ec2test.DefaultRegion, "SourceAMIName": "jammy"})
	statePut(f.state, stateSourceImage, ec2types.Image{ImageId: aws.String(f.src)})
	return f
}

// fastPace is what a build learns of moto: it changes states at once (the
// proxy's faults delay them only as tests ask), so waits poll from the
// start instead of when EC2 could be done. BenchmarkSlowRegionBuild
// starts with nothing learned, as a real build.
func fastPace() *ec2wait.Pace {
	p := ec2wait.NewPace()
	p.Learn(0, ec2wait.ExpectRunning)
	return p
}

func seedImageID(t testing.TB, c *ec2.Client) string {
	t.Helper()
	out, err := c.DescribeImages(context.Background(), &ec2.DescribeImagesInput{Owners: []string{"099720109477"}})
	if err != nil || len(out.Images) == 0 {
		t.Fatalf("no seed image in moto: %v", err)
	}
	return aws.ToString(out.Images[0].ImageId)
}

// run runs the image steps (and their cleanups) as Builder.Run would.
func (f *imageFixture) run(t testing.TB, ctx context.Context) {
	t.Helper()
	clients := awsaccess.NewClients(&f.b.config.AccessConfig)
	client, err := clients.EC2(ctx, ec2test.DefaultRegion)
	if err != nil {
		t.Fatal(err)
	}
	runner := &multistep.BasicRunner{Steps: f.b.imageSteps(clients, client, fixtureUUID)}
	runner.Run(ctx, f.state)
}

// failed reports the build's error, if any.
func (f *imageFixture) failed() error {
	err, _ := stateGet[error](f.state, stateError)
	return err
}

// ownImages lists the AMIs of this account in region, straight from moto.
func (f *imageFixture) ownImages(t testing.TB, region string) []ec2types.Image {
	t.Helper()
	out, err := f.moto.EC2(t, region).DescribeImages(context.Background(), &ec2.DescribeImagesInput{Owners: []string{"self"}})
	if err != nil {
		t.Fatal(err)
	}
	var imgs []ec2types.Image
	for _, img := range out.Images {
		if !f.seed[aws.ToString(img.ImageId)] {
			imgs = append(imgs, img)
		}
	}
	return imgs
}

func (f *imageFixture) ownImageIDs(t testing.TB, region string) []string {
	var ids []string
	for _, img := range f.ownImages(t, region) {
		ids = append(ids, aws.ToString(img.ImageId))
	}
	return ids
}

// ownSnapshots lists the snapshot IDs of this account in region.
func (f *imageFixture) ownSnapshots(t testing.TB, region string) []string {
	t.Helper()
	out, err := f.moto.EC2(t, region).DescribeSnapshots(context.Background(), &ec2.DescribeSnapshotsInput{OwnerIds: []string{"self"}})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, s := range out.Snapshots {
		if !f.seed[aws.ToString(s.SnapshotId)] {
			ids = append(ids, aws.ToString(s.SnapshotId))
		}
	}
	slices.Sort(ids)
	return ids
}

// assertNothingLeft checks no AMI or snapshot of this account remains in
// any of the regions.
func (f *imageFixture) assertNothingLeft(t testing.TB, regions ...string) {
	t.Helper()
	for _, r := range regions {
		if imgs := f.ownImages(t, r); len(imgs) != 0 {
			t.Errorf("%s: %d AMIs left behind: %v", r, len(imgs), aws.ToString(imgs[0].ImageId))
		}
		if snaps := f.ownSnapshots(t, r); len(snaps) != 0 {
			t.Errorf("%s: snapshots left behind: %v", r, snaps)
		}
	}
}

// syncBuffer collects UI output from parallel steps (region copies).
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
