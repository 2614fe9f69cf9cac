package ec2proxy

import (
	"html"
	"regexp"
)

var (
	fleetInstanceSet = regexp.MustCompile(`(?s)<fleetInstanceSet>.*</fleetInstanceSet>`)
	instanceIDItem   = regexp.MustCompile(`<instanceIds><item>(i-[0-9a-f]+)</item>`)
	stateReason      = regexp.MustCompile(`(?s)<stateReason>.*?</stateReason>|<stateReason/>`)
	instanceStateEnd = regexp.MustCompile(`</instanceState>`)
)

// FleetInstanceIDs returns the instances a CreateFleet answer launched.
func FleetInstanceIDs(body []byte) []string {
	var ids []string
	for _, m := range instanceIDItem.FindAllSubmatch(fleetInstanceSet.Find(body), -1) {
		ids = append(ids, string(m[1]))
	}
	return ids
}

// SetStateReason replaces an instance item's state reason (EC2's reason
// for its last state change), or adds one after its state.
func SetStateReason(item []byte, code, msg string) []byte {
	reason := []byte("<stateReason><code>" + html.EscapeString(code) + "</code><message>" + html.EscapeString(msg) + "</message></stateReason>")
	if stateReason.Match(item) {
		return stateReason.ReplaceAllLiteral(item, reason)
	}
	loc := instanceStateEnd.FindIndex(item)
	if loc == nil {
		return item
	}
	return append(append(append([]byte{}, item[:loc[1]]...), reason...), item[loc[1]:]...)
}
