// Package tfvars is the immutable-tfvars data source: it reads an image ID
// from a tfvars file the immutable-tfvars post-processor writes (and its
// history), or from an SSM parameter it publishes in, so that an app
// image's template can start from the base image the base template built:
// `source_ami = data.immutable-tfvars.base.value`.
package tfvars

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/hashicorp/packer-plugin-sdk/hcl2helper"
	"github.com/zclconf/go-cty/cty"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/awsaccess"
	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ssmchannel"
)

// Datasource is the immutable-tfvars data source.
type Datasource struct {
	config Config
	// ssmFor makes the SSM client (nil: the AWS SDK's standard chain);
	// tests replace it.
	ssmFor func(ctx context.Context, region string) (ssmchannel.Reader, error)
}

// readTimeout bounds an SSM read: a data source runs before every build.
const readTimeout = 2 * time.Minute

func (d *Datasource) ConfigSpec() hcldec.ObjectSpec { return d.config.FlatMapstructure().HCL2Spec() }

func (d *Datasource) OutputSpec() hcldec.ObjectSpec {
	return (&DatasourceOutput{}).FlatMapstructure().HCL2Spec()
}

// Configure decodes and checks the configuration (prepare.go).
func (d *Datasource) Configure(raws ...interface{}) error { return d.config.Prepare(raws...) }

// Execute reads the image ID.
func (d *Datasource) Execute() (cty.Value, error) {
	var out DatasourceOutput
	var err error
	if d.config.SSMParameter != "" {
		out, err = d.readSSM()
	} else {
		out, err = d.config.readFile()
	}
	if err != nil {
		return cty.NullVal(cty.EmptyObject), err
	}
	if out.Images == nil {
		out.Images = map[string]string{}
	}
	return hcl2helper.HCL2ValueFromConfig(out, d.OutputSpec()), nil
}

func (d *Datasource) readSSM() (DatasourceOutput, error) {
	ctx, cancel := context.WithTimeout(context.Background(), readTimeout)
	defer cancel()
	ref, _ := ssmchannel.ParseRef(d.config.SSMParameter) // checked by Prepare
	c, err := d.client(ctx)
	if err != nil {
		return DatasourceOutput{}, err
	}
	v, err := ssmchannel.ResolveImage(ctx, c, ref)
	if err != nil {
		return DatasourceOutput{}, errorf("ssm_parameter", err)
	}
	return DatasourceOutput{Value: v.Value, Version: v.Number}, nil
}

func (d *Datasource) client(ctx context.Context) (ssmchannel.Reader, error) {
	if d.ssmFor != nil {
		return d.ssmFor(ctx, d.config.Region)
	}
	access := awsaccess.AccessConfig{Profile: d.config.Profile, MaxRetries: awsaccess.DefaultMaxRetries}
	cfg, err := access.AWSConfig(ctx, d.config.Region)
	if err != nil {
		return nil, errorf("ssm_parameter", err)
	}
	return ssm.NewFromConfig(cfg), nil
}
