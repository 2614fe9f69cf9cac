package ec2proxy

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/google/uuid"
)

// spotFaults is what the fault hook remembers of Spot launches: when each
// fleet instance was launched, how many CreateFleet calls it has seen, and
// the fleets it answered itself (FleetErrors).
type spotFaults struct {
	launched   map[string]time.Time // instance ID -> CreateFleet time
	fleetCalls int
	ownFleets  map[string]bool
}

func newSpotFaults() spotFaults {
	return spotFaults{launched: map[string]time.Time{}, ownFleets: map[string]bool{}}
}

// interruption phases of a fleet instance.
const (
	notInterrupted = iota
	interruptionNotice
	interrupted
)

func (h *faultHook) phaseLocked(id string) int {
	t, ok := h.spot.launched[id]
	f := h.faults
	if !ok || f.InterruptSpotAfter <= 0 || time.Since(t) < f.InterruptSpotAfter {
		return notInterrupted
	}
	if time.Since(t) < f.InterruptSpotAfter+f.SpotNoticeFor {
		return interruptionNotice
	}
	return interrupted
}

// needsLiveInstance are calls EC2 refuses for a terminated instance.
var needsLiveInstance = map[string]bool{"CreateImage": true, "StopInstances": true, "StartInstances": true,
	"RebootInstances": true, "ModifyInstanceAttribute": true}

// spotBeforeLocked answers CreateFleet with FleetErrors, DeleteFleets for
// the proxy's own fleets, and calls on an interrupted instance.
func (h *faultHook) spotBeforeLocked(c *Call) *Answer {
	switch {
	case c.Action == "CreateFleet":
		h.spot.fleetCalls++
		if n := h.spot.fleetCalls; n <= len(h.faults.FleetErrors) {
			return h.failedFleetLocked(c.Params, h.faults.FleetErrors[n-1])
		}
	case c.Action == "DeleteFleets" && h.spot.ownFleets[c.Params.Get("FleetId.1")]:
		return okAnswer("DeleteFleets", fmt.Sprintf("<successfulFleetDeletionSet><item><currentFleetState>deleted_terminating</currentFleetState>"+
			"<previousFleetState>active</previousFleetState><fleetId>%s</fleetId></item></successfulFleetDeletionSet>"+
			"<unsuccessfulFleetDeletionSet/>", c.Params.Get("FleetId.1")))
	case needsLiveInstance[c.Action]:
		for _, id := range append(InstanceIDs(c.Params), c.Params.Get("InstanceId")) {
			if h.phaseLocked(id) == interrupted {
				return ErrorAnswer(http.StatusBadRequest, "IncorrectInstanceState",
					fmt.Sprintf("The instance '%s' is not in the 'running' or 'stopped' states.", id))
			}
		}
	}
	return nil
}

var overrideType = regexp.MustCompile(`^LaunchTemplateConfigs\.1\.Overrides\.(\d+)\.InstanceType$`)

// failedFleetLocked is EC2's answer to an instant fleet that launched
// nothing: a fleet ID and one error per override.
func (h *faultHook) failedFleetLocked(params url.Values, code string) *Answer {
	id := "fleet-" + uuid.NewString()
	h.spot.ownFleets[id] = true
	var errs strings.Builder
	for k := range params {
		m := overrideType.FindStringSubmatch(k)
		if m == nil {
			continue
		}
		prefix := "LaunchTemplateConfigs.1.Overrides." + m[1] + "."
		fmt.Fprintf(&errs, "<item><launchTemplateAndOverrides><launchTemplateSpecification><launchTemplateId>%s</launchTemplateId>"+
			"<version>1</version></launchTemplateSpecification><overrides><instanceType>%s</instanceType><subnetId>%s</subnetId></overrides>"+
			"</launchTemplateAndOverrides><lifecycle>spot</lifecycle><errorCode>%s</errorCode>"+
			"<errorMessage>There is no Spot capacity available that matches your request. (injected by ec2test proxy)</errorMessage></item>",
			params.Get("LaunchTemplateConfigs.1.LaunchTemplateSpecification.LaunchTemplateId"), params.Get(prefix+"InstanceType"),
			params.Get(prefix+"SubnetId"), code)
	}
	return okAnswer("CreateFleet", fmt.Sprintf("<fleetId>%s</fleetId><errorSet>%s</errorSet><fleetInstanceSet/>", id, errs.String()))
}

func okAnswer(action, inner string) *Answer {
	return &Answer{Status: http.StatusOK, Body: []byte(fmt.Sprintf(
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<%[1]sResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>proxy</requestId>%[2]s</%[1]sResponse>",
		action, inner))}
}

// interruptInstancesLocked shows interrupted instances terminated by EC2.
func (h *faultHook) interruptInstancesLocked(body []byte) []byte {
	return EachInstance(body, func(it InstanceItem) []byte {
		if h.phaseLocked(it.ID) != interrupted {
			return it.XML
		}
		return SetStateReason(SetInstanceState(it.XML, "48", "terminated"),
			"Server.SpotInstanceTermination", "Server.SpotInstanceTermination: Spot instance termination")
	})
}

var spotRequestItem = regexp.MustCompile(`(?s)<instanceId>(i-[0-9a-f]+)</instanceId>(.*?)<state>[a-z]+</state><status><code>[a-z-]+</code>`)

// interruptRequestsLocked shows the Spot requests of instances under an
// interruption notice or interrupted with EC2's status codes.
func (h *faultHook) interruptRequestsLocked(body []byte) []byte {
	return spotRequestItem.ReplaceAllFunc(body, func(item []byte) []byte {
		m := spotRequestItem.FindSubmatch(item)
		state, code := "", ""
		switch h.phaseLocked(string(m[1])) {
		case interruptionNotice:
			state, code = "active", "marked-for-termination"
		case interrupted:
			state, code = "closed", "instance-terminated-no-capacity"
		default:
			return item
		}
		return []byte("<instanceId>" + string(m[1]) + "</instanceId>" + string(m[2]) + "<state>" + state + "</state><status><code>" + code + "</code>")
	})
}
