package ec2proxy

import (
	"context"
	"log"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
)

// fleetGroups makes the instances of an instant EC2 Fleet what EC2
// launches. moto launches them from only part of the fleet's launch
// template and leaves them in the VPC's default security group; EC2 puts
// them in the template's groups (its SecurityGroupIds, or its network
// interface's Groups). So after moto's CreateFleet this hook puts each
// instance in those groups, in moto, and whatever checks an instance's
// groups (the local cloud's gate, the builder tests' SSH server) sees
// EC2's. Its calls are the proxy's own (signed with the admin key), so
// they work where moto enforces IAM too.
type fleetGroups struct{ p *Proxy }

func (fleetGroups) Before(*Call) *Answer { return nil }

func (f fleetGroups) After(c *Call, body []byte) []byte {
	ids := FleetInstanceIDs(body)
	if c.Action != "CreateFleet" || len(ids) == 0 {
		return body
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	client := f.p.own(c.Region)
	groups, err := templateGroups(ctx, client, c)
	if err != nil || len(groups) == 0 {
		log.Printf("[WARN] ec2proxy: the groups of CreateFleet's launch template: %v %v (instances stay in moto's default group)", groups, err)
		return body
	}
	for _, id := range ids {
		if _, err := client.ModifyInstanceAttribute(ctx, &ec2.ModifyInstanceAttributeInput{InstanceId: aws.String(id), Groups: groups}); err != nil {
			log.Printf("[WARN] ec2proxy: putting fleet instance %s in %v: %v", id, groups, err)
		}
	}
	return body
}

// templateGroups are the security groups of the launch template the call
// names: its own, and its network interfaces'.
func templateGroups(ctx context.Context, client *ec2.Client, c *Call) ([]string, error) {
	spec := "LaunchTemplateConfigs.1.LaunchTemplateSpecification."
	in := &ec2.DescribeLaunchTemplateVersionsInput{Versions: []string{c.Params.Get(spec + "Version")}}
	if in.Versions[0] == "" {
		in.Versions[0] = "$Default"
	}
	if id := c.Params.Get(spec + "LaunchTemplateId"); id != "" {
		in.LaunchTemplateId = aws.String(id)
	} else {
		in.LaunchTemplateName = aws.String(c.Params.Get(spec + "LaunchTemplateName"))
	}
	out, err := client.DescribeLaunchTemplateVersions(ctx, in)
	if err != nil || len(out.LaunchTemplateVersions) == 0 {
		return nil, err
	}
	data := out.LaunchTemplateVersions[0].LaunchTemplateData
	if data == nil {
		return nil, nil
	}
	groups := data.SecurityGroupIds
	for _, ni := range data.NetworkInterfaces {
		groups = append(groups, ni.Groups...)
	}
	return unique(groups), nil
}

func unique(list []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
