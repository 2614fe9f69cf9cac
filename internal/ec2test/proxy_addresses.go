package ec2test

import (
	"html"
	"regexp"
)

// rewriteAddresses replaces the text of every <element>…</element> named
// in addrs (Faults.InstanceAddresses), wherever it appears in an instance
// answer (the instance itself and its network interfaces).
func rewriteAddresses(body []byte, addrs map[string]string) []byte {
	for element, value := range addrs {
		re := regexp.MustCompile(`<` + regexp.QuoteMeta(element) + `>[^<]*</` + regexp.QuoteMeta(element) + `>`)
		repl := []byte("<" + element + ">" + html.EscapeString(value) + "</" + element + ">")
		body = re.ReplaceAllLiteral(body, repl)
	}
	return body
}
