package ec2proxy

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// fleetGroups makes the instances of an instant EC2 Fleet what EC2
// launches. moto launches them from only part of the fleet's launch
// template and leaves them in the VPC's default security group; EC2 puts
// them in the template's groups (its SecurityGroupIds, or its network
// interface's Groups). So after moto's CreateFleet this hook puts each
// instance in those groups, in moto, and whatever checks an instance's
// groups (the local cloud's gate, the builder tests' SSH server) sees
// EC2's.
type fleetGroups struct{ target string }

func (fleetGroups) Before(*Call) *Answer { return nil }

func (f fleetGroups) After(c *Call, body []byte) []byte {
	ids := FleetInstanceIDs(body)
	if c.Action != "CreateFleet" || len(ids) == 0 {
		return body
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	groups, err := f.templateGroups(ctx, c)
	if err != nil || len(groups) == 0 {
		log.Printf("[WARN] ec2proxy: the groups of CreateFleet's launch template: %v %v (instances stay in moto's default group)", groups, err)
		return body
	}
	for _, id := range ids {
		params := url.Values{"InstanceId": {id}}
		for i, g := range groups {
			params.Set("GroupId."+strconv.Itoa(i+1), g)
		}
		if _, err := motoCall(ctx, f.target, c.Region, "ModifyInstanceAttribute", params); err != nil {
			log.Printf("[WARN] ec2proxy: putting fleet instance %s in %v: %v", id, groups, err)
		}
	}
	return body
}

var (
	templateGroupSet = regexp.MustCompile(`(?s)<securityGroupIdSet>.*?</securityGroupIdSet>`)
	templateGroupID  = regexp.MustCompile(`<item>(sg-[0-9a-f]+)</item>`)
)

// templateGroups are the security groups of the launch template the call
// names: its own, and its network interfaces'.
func (f fleetGroups) templateGroups(ctx context.Context, c *Call) ([]string, error) {
	spec := "LaunchTemplateConfigs.1.LaunchTemplateSpecification."
	params := url.Values{"Version.1": {c.Params.Get(spec + "Version")}}
	if params.Get("Version.1") == "" {
		params.Set("Version.1", "$Default")
	}
	if id := c.Params.Get(spec + "LaunchTemplateId"); id != "" {
		params.Set("LaunchTemplateId", id)
	} else {
		params.Set("LaunchTemplateName", c.Params.Get(spec+"LaunchTemplateName"))
	}
	body, err := motoCall(ctx, f.target, c.Region, "DescribeLaunchTemplateVersions", params)
	if err != nil {
		return nil, err
	}
	groups := Elements(body, "groupId") // the interfaces' groupSet
	for _, m := range templateGroupID.FindAllSubmatch(templateGroupSet.Find(body), -1) {
		groups = append(groups, string(m[1]))
	}
	return unique(groups), nil
}

// motoCall sends one EC2 Query call straight to moto (neither recorded nor
// faulted) in region, which moto reads from the credential scope.
func motoCall(ctx context.Context, target, region, action string, params url.Values) ([]byte, error) {
	if region == "" {
		region = "us-east-1"
	}
	params.Set("Action", action)
	params.Set("Version", "2016-11-15")
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(target, "/")+"/", strings.NewReader(params.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=test/20200101/"+region+"/ec2/aws4_request, SignedHeaders=host, Signature=0")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", action, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("HTTP %d %s", resp.StatusCode, Element(body, "Code"))
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", action, err)
	}
	return body, nil
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
