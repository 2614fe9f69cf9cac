package ec2proxy

import (
	"net/http"
	"regexp"
	"strings"
	"time"
)

var (
	newGroupID   = regexp.MustCompile(`<groupId>(sg-[0-9a-f]+)</groupId>`)
	profileInArn = regexp.MustCompile(`instance-profile/(?:.*/)?([^/]+)$`)
)

// refuse answers the errors EC2 gives right after a create (Faults;
// sources in strict.go).
func (h *strictHook) refuse(c *Call) *Answer {
	h.mu.Lock()
	defer h.mu.Unlock()
	f := h.f
	bad := func(code, msg string) *Answer { return ErrorAnswer(http.StatusBadRequest, code, msg) }
	switch c.Action {
	case "AuthorizeSecurityGroupIngress", "RunInstances", "DescribeSecurityGroups":
		// A new group is unknown for seconds (hashicorp/packer#4368).
		for _, g := range groupsNamed(c) {
			if since(h.groups, g, f.NewGroupHiddenFor) {
				return bad("InvalidGroup.NotFound", "The security group '"+g+"' does not exist")
			}
		}
	}
	switch c.Action {
	case "RunInstances":
		// A new instance profile is refused for seconds (hashicorp/packer#9516).
		if p := profileNamed(c); p != "" && since(h.profiles, p, f.NewProfileRefusedFor) {
			return bad("InvalidParameterValue", "Value ("+p+") for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name")
		}
	case "CreateImage":
		// "stopped" is not yet imageable (hashicorp/packer#9562).
		if id := c.Params.Get("InstanceId"); since(h.stoppedSeen, id, f.StoppedImageRefusedFor) {
			return bad("IncorrectInstanceState", "The instance '"+id+"' is not in a state from which it can be imaged.")
		}
	case "DeleteSnapshot":
		// The snapshot of an AMI deregistered a moment ago (boto/boto#3019).
		if id := c.Params.Get("SnapshotId"); since(h.inUse, id, f.SnapshotInUseFor) {
			return bad("InvalidSnapshot.InUse", "The snapshot "+id+" is currently in use by an AMI that was just deregistered")
		}
	case "TerminateInstances":
		// A new instance is unknown for a moment (EC2 eventual consistency).
		for _, id := range InstanceIDs(c.Params) {
			if since(h.launched, id, f.TerminateNotFoundFor) {
				return bad("InvalidInstanceID.NotFound", "The instance ID '"+id+"' does not exist")
			}
		}
	}
	return nil
}

// groupsNamed lists the security group IDs a call names, wherever it
// names them (GroupId, GroupId.N, SecurityGroupId.N,
// NetworkInterface.N.SecurityGroupId.M).
func groupsNamed(c *Call) []string {
	var ids []string
	for k, vs := range c.Params {
		if k == "GroupId" || strings.HasPrefix(k, "GroupId.") || strings.HasPrefix(k, "SecurityGroupId.") || strings.Contains(k, ".SecurityGroupId.") {
			ids = append(ids, vs...)
		}
	}
	return ids
}

// profileNamed is the instance profile RunInstances names, by name or ARN.
func profileNamed(c *Call) string {
	if n := c.Params.Get("IamInstanceProfile.Name"); n != "" {
		return n
	}
	if m := profileInArn.FindStringSubmatch(c.Params.Get("IamInstanceProfile.Arn")); m != nil {
		return m[1]
	}
	return ""
}

// noteCreated remembers when groups, profiles and instances were made.
func (h *strictHook) noteCreated(c *Call, body []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	now := time.Now()
	switch c.Action {
	case "CreateSecurityGroup":
		for _, m := range newGroupID.FindAllSubmatch(body, 1) {
			h.groups[string(m[1])] = now
		}
	case "CreateInstanceProfile", "AddRoleToInstanceProfile":
		h.profiles[c.Params.Get("InstanceProfileName")] = now
	case "RunInstances":
		for _, it := range Instances(body) {
			h.launched[it.ID] = now
		}
	}
}

// noteStopped remembers when each instance was first shown stopped.
func (h *strictHook) noteStopped(body []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, it := range Instances(body) {
		stopped := strings.Contains(string(it.XML), "<name>stopped</name>")
		_, seen := h.stoppedSeen[it.ID]
		switch {
		case stopped && !seen:
			h.stoppedSeen[it.ID] = time.Now()
		case !stopped && seen:
			delete(h.stoppedSeen, it.ID) // started again
		}
	}
}
