package localcloud

import (
	"context"
	"io"
	"net"
	"net/netip"
	"os"
	"strconv"
	"sync"
	"time"
)

// gate is an instance's gatekeeper. On the instance's public and private
// loopback addresses it listens on each port the instance listens on
// inside its namespace (on all its addresses: a service bound to its own
// 127.0.0.1 is not reachable from outside, as on EC2), and forwards a
// connection only if one of the instance's security groups, read from EC2
// when the connection arrives, admits its source address and the port.
// Other connections are reset at once (EC2 drops them; a reset fails
// faster than a timeout).
type gate struct {
	c     *Cloud
	in    *Instance
	pid   int
	netns *os.File

	mu        sync.Mutex
	listeners map[int][]net.Listener // by port inside the instance
	failed    map[int]bool           // ports that could not be listened on (logged once)
	done      chan struct{}
}

// mirrorEvery is how often the gate looks for new listening ports.
const mirrorEvery = 200 * time.Millisecond

func (c *Cloud) openGate(in *Instance, pid int, netns *os.File) *gate {
	g := &gate{c: c, in: in, pid: pid, netns: netns, listeners: map[int][]net.Listener{},
		failed: map[int]bool{}, done: make(chan struct{})}
	g.mirror()
	go func() {
		t := time.NewTicker(mirrorEvery)
		defer t.Stop()
		for {
			select {
			case <-g.done:
				return
			case <-t.C:
				g.mirror()
			}
		}
	}()
	return g
}

// mirror listens on the ports the instance listens on now, and stops
// listening on those it left.
func (g *gate) mirror() {
	inside, err := listeningPorts(g.pid)
	if err != nil {
		return // the instance is stopping
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	select {
	case <-g.done:
		return
	default:
	}
	for port, ls := range g.listeners {
		if !inside[port] {
			for _, l := range ls {
				l.Close()
			}
			delete(g.listeners, port)
		}
	}
	for port := range inside {
		if _, ok := g.listeners[port]; !ok && !g.failed[port] {
			g.listen(port)
		}
	}
}

func (g *gate) listen(port int) {
	outside := port
	if port == 22 {
		outside = g.c.cfg.SSHPort
	}
	for _, addr := range []netip.Addr{g.in.Public, g.in.Private} {
		l, err := net.Listen("tcp", netip.AddrPortFrom(addr, uint16(outside)).String())
		if err != nil {
			g.c.logf("%s: cannot listen on %s:%d for its port %d: %v", g.in.ID, addr, outside, port, err)
			g.failed[port] = true
			continue
		}
		g.listeners[port] = append(g.listeners[port], l)
		go g.serve(l, port)
	}
}

func (g *gate) serve(l net.Listener, port int) {
	for {
		conn, err := l.Accept()
		if err != nil {
			return
		}
		go g.forward(conn.(*net.TCPConn), port)
	}
}

// forward checks the instance's groups, then joins the connection to one
// made inside the instance's namespace.
func (g *gate) forward(conn *net.TCPConn, port int) {
	src := conn.RemoteAddr().(*net.TCPAddr).AddrPort().Addr().Unmap()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	groups, err := g.c.securityGroups(ctx, g.in)
	if err != nil {
		g.c.logf("%s: refused %s to port %d: reading its security groups: %v", g.in.ID, src, port, err)
		reset(conn)
		return
	}
	if !g.admits(groups, src, port) {
		g.c.logf("%s: refused %s to port %d: no rule of its security groups %v admits it", g.in.ID, src, port, groupIDs(groups))
		reset(conn)
		return
	}
	inside, err := dialIn(g.netns, "127.0.0.1:"+strconv.Itoa(port), 5*time.Second)
	if err != nil {
		g.c.logf("%s: port %d inside: %v", g.in.ID, port, err)
		reset(conn)
		return
	}
	splice(conn, inside.(*net.TCPConn))
}

// admits reports whether a group admits src to the instance's port. SSH
// moved to another port (Config.SSHPort) counts under either number: a
// template's ssh_port (and so the builder's temporary group) names the
// moved one, a Terraform module's rule port 22.
func (g *gate) admits(groups []Group, src netip.Addr, port int) bool {
	if _, ok := Admitting(groups, src, port); ok {
		return true
	}
	_, ok := Admitting(groups, src, g.c.cfg.SSHPort)
	return port == 22 && g.c.cfg.SSHPort != 22 && ok
}

// splice copies both ways until both sides are done.
func splice(a, b *net.TCPConn) {
	var wg sync.WaitGroup
	wg.Add(2)
	half := func(dst, src *net.TCPConn) {
		defer wg.Done()
		_, _ = io.Copy(dst, src)
		_ = dst.CloseWrite()
	}
	go half(a, b)
	go half(b, a)
	wg.Wait()
	a.Close()
	b.Close()
}

func reset(conn *net.TCPConn) {
	_ = conn.SetLinger(0)
	conn.Close()
}

// close stops listening; connections already forwarded end with the
// instance's processes.
func (g *gate) close() {
	g.mu.Lock()
	defer g.mu.Unlock()
	select {
	case <-g.done:
		return
	default:
	}
	close(g.done)
	for _, ls := range g.listeners {
		for _, l := range ls {
			l.Close()
		}
	}
	g.listeners = map[int][]net.Listener{}
}

func groupIDs(groups []Group) []string {
	ids := []string{}
	for _, g := range groups {
		ids = append(ids, g.ID)
	}
	return ids
}
