package localcloud

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/immutable-infrastructure/packer-plugin-immutable/internal/ec2proxy"
)

// motoClient makes the few EC2 calls the local cloud needs itself, straight
// to moto (never through the proxy, so they are neither recorded nor
// faulted): an instance's groups, their rules, a key pair's public key.
type motoClient struct {
	url    string
	client *http.Client
}

func newMotoClient(u string) *motoClient {
	return &motoClient{url: strings.TrimRight(u, "/"), client: &http.Client{Timeout: 10 * time.Second}}
}

// call sends one EC2 Query call in region; moto picks the region from the
// credential scope of the Authorization header.
func (m *motoClient) call(ctx context.Context, region, action string, params url.Values) ([]byte, error) {
	params.Set("Action", action)
	params.Set("Version", "2016-11-15")
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, m.url+"/", strings.NewReader(params.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=test/20200101/"+region+"/ec2/aws4_request, SignedHeaders=host, Signature=0")
	resp, err := m.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", action, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", action, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: HTTP %d %s", action, resp.StatusCode, ec2proxy.Element(body, "Code"))
	}
	return body, nil
}

// instanceGroups returns the IDs of the security groups an instance is in
// now (EC2 lets them change while it runs).
func (m *motoClient) instanceGroups(ctx context.Context, region, id string) ([]string, error) {
	body, err := m.call(ctx, region, "DescribeInstances", url.Values{"InstanceId.1": {id}})
	if err != nil {
		return nil, err
	}
	items := ec2proxy.Instances(body)
	if len(items) != 1 {
		return nil, fmt.Errorf("DescribeInstances %s: %d instances in the answer", id, len(items))
	}
	return unique(ec2proxy.Elements(items[0].XML, "groupId")), nil
}

type groupsAnswer struct {
	Groups []struct {
		ID    string `xml:"groupId"`
		Name  string `xml:"groupName"`
		Perms []struct {
			Protocol string `xml:"ipProtocol"`
			From     string `xml:"fromPort"`
			To       string `xml:"toPort"`
			CIDRs    []struct {
				CIDR string `xml:"cidrIp"`
			} `xml:"ipRanges>item"`
		} `xml:"ipPermissions>item"`
	} `xml:"securityGroupInfo>item"`
}

// groups returns the named groups and their ingress rules.
func (m *motoClient) groups(ctx context.Context, region string, ids []string) ([]Group, error) {
	params := url.Values{}
	for i, id := range ids {
		params.Set("GroupId."+strconv.Itoa(i+1), id)
	}
	body, err := m.call(ctx, region, "DescribeSecurityGroups", params)
	if err != nil {
		return nil, err
	}
	var ans groupsAnswer
	if err := xml.Unmarshal(body, &ans); err != nil {
		return nil, fmt.Errorf("DescribeSecurityGroups: %w", err)
	}
	var out []Group
	for _, g := range ans.Groups {
		group := Group{ID: g.ID, Name: g.Name}
		for _, p := range g.Perms {
			rule := Rule{Protocol: p.Protocol, From: atoiOr(p.From, -1), To: atoiOr(p.To, -1)}
			for _, c := range p.CIDRs {
				rule.CIDRs = append(rule.CIDRs, c.CIDR)
			}
			group.Rules = append(group.Rules, rule)
		}
		out = append(out, group)
	}
	return out, nil
}

// publicKey returns the public key of a key pair, as cloud-init gets it
// from the instance metadata on EC2.
func (m *motoClient) publicKey(ctx context.Context, region, name string) (string, error) {
	body, err := m.call(ctx, region, "DescribeKeyPairs", url.Values{"KeyName.1": {name}, "IncludePublicKey": {"true"}})
	if err != nil {
		return "", err
	}
	key := strings.TrimSpace(ec2proxy.Element(body, "publicKey"))
	if key == "" {
		return "", fmt.Errorf("key pair %s has no public key in EC2", name)
	}
	return key, nil
}

func atoiOr(s string, def int) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return def
	}
	return n
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
