package ec2proxy

import (
	"strings"
	"testing"
)

// moto's layout: <instanceId> after the network interfaces, nested <item>s,
// and the instances in their own instancesSet per reservation.
const twoReservations = `<?xml version="1.0" encoding="utf-8"?>
<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15"><reservationSet><item><reservationId>r-1</reservationId><groupSet/><instancesSet><item><networkInterfaceSet><item><association><publicIp>54.1.1.1</publicIp></association><privateIpAddress>10.0.0.1</privateIpAddress><groupSet><item><groupId>sg-a</groupId></item></groupSet></item></networkInterfaceSet><instanceId>i-1</instanceId><instanceState><code>16</code><name>running</name></instanceState><privateIpAddress>10.0.0.1</privateIpAddress><ipAddress>54.1.1.1</ipAddress></item><item><instanceId>i-2</instanceId><instanceState><code>80</code><name>stopped</name></instanceState><privateIpAddress>10.0.0.2</privateIpAddress></item></instancesSet></item><item><reservationId>r-2</reservationId><instancesSet><item><instanceId>i-3</instanceId><privateIpAddress>10.0.0.3</privateIpAddress></item></instancesSet></item></reservationSet></DescribeInstancesResponse>`

func TestInstancesFindsEachItemWhole(t *testing.T) {
	items := Instances([]byte(twoReservations))
	if len(items) != 3 {
		t.Fatalf("found %d instances, want 3", len(items))
	}
	for i, want := range []string{"i-1", "i-2", "i-3"} {
		it := items[i]
		if it.ID != want || !strings.HasPrefix(string(it.XML), "<item>") || !strings.HasSuffix(string(it.XML), "</item>") {
			t.Errorf("item %d: id %s, xml %s", i, it.ID, it.XML)
		}
	}
	if got := Elements(items[0].XML, "groupId"); len(got) != 1 || got[0] != "sg-a" {
		t.Errorf("i-1's groups: %v", got)
	}
	if got := Element(items[1].XML, "privateIpAddress"); got != "10.0.0.2" {
		t.Errorf("i-2's private IP: %q", got)
	}
}

func TestEachInstanceRewritesOnlyItsItem(t *testing.T) {
	addrs := map[string]string{"i-1": "127.1.0.1", "i-2": "127.1.0.2", "i-3": "127.1.0.3"}
	out := EachInstance([]byte(twoReservations), func(it InstanceItem) []byte {
		x := RewriteElements(it.XML, map[string]string{"privateIpAddress": addrs[it.ID], "publicIp": addrs[it.ID]})
		if it.ID == "i-1" {
			x = SetInstanceState(x, "0", "pending")
		}
		return x
	})
	items := Instances(out)
	if len(items) != 3 {
		t.Fatalf("rewritten answer has %d instances:\n%s", len(items), out)
	}
	for _, it := range items {
		for _, ip := range append(Elements(it.XML, "privateIpAddress"), Elements(it.XML, "publicIp")...) {
			if ip != addrs[it.ID] {
				t.Errorf("%s carries %s, want %s", it.ID, ip, addrs[it.ID])
			}
		}
	}
	if !strings.Contains(string(items[0].XML), "<name>pending</name>") || !strings.Contains(string(items[1].XML), "<name>stopped</name>") {
		t.Errorf("states: %s", out)
	}
	if !strings.Contains(string(out), "<ipAddress>54.1.1.1</ipAddress>") || !strings.HasSuffix(string(out), "</DescribeInstancesResponse>") {
		t.Errorf("other bytes changed: %s", out)
	}
}
