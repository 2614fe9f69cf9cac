package ec2proxy

import (
	"reflect"
	"strings"
	"testing"
)

// moto's CreateFleet answer for an instant fleet with one Spot Instance.
const createFleetAnswer = `<?xml version="1.0" encoding="utf-8"?>
<CreateFleetResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15"><fleetId>fleet-97a6</fleetId><fleetInstanceSet><item><launchTemplateAndOverrides><launchTemplateSpecification><launchTemplateId>lt-c223</launchTemplateId><version>1</version></launchTemplateSpecification><overrides><instanceType>t3.micro</instanceType></overrides></launchTemplateAndOverrides><lifecycle>spot</lifecycle><instanceIds><item>i-954e5a5ebe04f1c75</item></instanceIds><instanceType>t3.micro</instanceType></item></fleetInstanceSet><requestId>request-id</requestId></CreateFleetResponse>`

func TestFleetInstanceIDs(t *testing.T) {
	if got := FleetInstanceIDs([]byte(createFleetAnswer)); !reflect.DeepEqual(got, []string{"i-954e5a5ebe04f1c75"}) {
		t.Errorf("FleetInstanceIDs = %v", got)
	}
	if got := FleetInstanceIDs([]byte(`<CreateFleetResponse><fleetId>f</fleetId><errorSet/><fleetInstanceSet/></CreateFleetResponse>`)); got != nil {
		t.Errorf("no instances, got %v", got)
	}
}

func TestSetStateReasonReplacesOrAdds(t *testing.T) {
	moto := `<item><instanceId>i-1</instanceId><instanceState><code>16</code><name>running</name></instanceState><stateReason><code/><message/></stateReason></item>`
	got := string(SetStateReason([]byte(moto), "Server.SpotInstanceTermination", "a & b"))
	if !strings.Contains(got, "<stateReason><code>Server.SpotInstanceTermination</code><message>a &amp; b</message></stateReason></item>") || strings.Count(got, "stateReason>") != 2 {
		t.Errorf("replaced: %s", got)
	}
	bare := `<item><instanceId>i-1</instanceId><instanceState><code>16</code><name>running</name></instanceState><x/></item>`
	got = string(SetStateReason([]byte(bare), "C", "m"))
	if !strings.Contains(got, "</instanceState><stateReason><code>C</code><message>m</message></stateReason><x/>") {
		t.Errorf("added: %s", got)
	}
}
