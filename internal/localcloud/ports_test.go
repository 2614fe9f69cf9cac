package localcloud

import "testing"

// Lines of /proc/net/tcp and tcp6: only listening sockets bound to every
// address count (a service on the instance's own 127.0.0.1 is not
// reachable from outside, as on EC2).
func TestWildcardListen(t *testing.T) {
	tests := []struct {
		line string
		port int
		ok   bool
	}{
		{"   0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000 65534 0 20155 1", 8080, true},
		{"   1: 0100007F:2382 00000000:0000 0A 00000000:00000000 00:00000000 00000000  0 0 20156 1", 0, false},
		{"   2: 0100007F:0016 0100007F:A1B2 01 00000000:00000000 00:00000000 00000000  0 0 20157 1", 0, false},
		{"   0: 00000000000000000000000000000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1 1", 22, true},
		{"  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode", 0, false},
	}
	for _, tt := range tests {
		port, ok := wildcardListen(tt.line)
		if ok != tt.ok || (ok && port != tt.port) {
			t.Errorf("wildcardListen(%q) = %d, %v; want %d, %v", tt.line, port, ok, tt.port, tt.ok)
		}
	}
	if got := ec2Hostname("10.1.0.5", "i-1"); got != "ip-10-1-0-5" {
		t.Errorf("ec2Hostname = %s", got)
	}
}
