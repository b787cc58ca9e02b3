package dnsx_test

import (
	"context"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/relayctl/relayctl/checks/dnsx"
)

// portServer answers every A question with 192.0.2.1 and remembers the
// source ports it was asked from. For "dup.test." it first sends an
// answer with a wrong ID, as a late answer to an earlier question would
// look; "slow.test." is answered after 300ms.
type portServer struct {
	addr  string
	mu    sync.Mutex
	ports map[int]int
}

func startPortServer(t *testing.T) *portServer {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ps := &portServer{addr: pc.LocalAddr().String(), ports: map[int]int{}}
	srv := &dns.Server{PacketConn: pc, Handler: dns.HandlerFunc(func(w dns.ResponseWriter, req *dns.Msg) {
		ps.mu.Lock()
		ps.ports[w.RemoteAddr().(*net.UDPAddr).Port]++
		ps.mu.Unlock()
		q := req.Question[0]
		m := new(dns.Msg)
		m.SetReply(req)
		m.Answer = []dns.RR{&dns.A{Hdr: dns.RR_Header{Name: q.Name, Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: 60}, A: net.ParseIP("192.0.2.1")}}
		switch q.Name {
		case "dup.test.":
			stale := m.Copy()
			stale.Id = req.Id + 1
			stale.Answer[0].(*dns.A).A = net.ParseIP("192.0.2.66")
			w.WriteMsg(stale)
		case "slow.test.":
			time.Sleep(300 * time.Millisecond)
		}
		w.WriteMsg(m)
	})}
	started := make(chan struct{})
	srv.NotifyStartedFunc = func() { close(started) }
	go srv.ActivateAndServe()
	<-started
	t.Cleanup(func() { srv.Shutdown() })
	return ps
}

func (ps *portServer) distinctPorts() int {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return len(ps.ports)
}

func ask(t *testing.T, c *dnsx.Client, name string) string {
	t.Helper()
	ans, err := c.Query(context.Background(), name, dns.TypeA)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	rs := ans.Records()
	if len(rs) != 1 {
		t.Fatalf("%s: %v", name, ans.RRs)
	}
	return rs[0].(*dns.A).A.String()
}

// With ReuseConns, questions asked one after another share one socket;
// without, each has its own.
func TestReuseConnsSharesSockets(t *testing.T) {
	for _, reuse := range []bool{false, true} {
		ps := startPortServer(t)
		c, err := dnsx.New(dnsx.Config{Servers: []string{ps.addr}, Timeout: time.Second, NoCache: true, ReuseConns: reuse})
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 10; i++ {
			ask(t, c, "a.test")
		}
		got := ps.distinctPorts()
		if reuse && got != 1 || !reuse && got != 10 {
			t.Errorf("ReuseConns=%v: 10 questions from %d source ports", reuse, got)
		}
	}
}

// A reused socket does not take a stale answer (wrong ID) for the
// answer, and a socket whose exchange timed out is not reused.
func TestReuseConnsStaleAnswers(t *testing.T) {
	ps := startPortServer(t)
	c, err := dnsx.New(dnsx.Config{Servers: []string{ps.addr}, Timeout: 100 * time.Millisecond, NoCache: true, ReuseConns: true, MaxInFlight: 1})
	if err != nil {
		t.Fatal(err)
	}
	if got := ask(t, c, "dup.test"); got != "192.0.2.1" {
		t.Errorf("took the stale answer %s", got)
	}
	if _, err := c.Query(context.Background(), "slow.test", dns.TypeA); err == nil {
		t.Fatal("slow.test answered within the timeout")
	}
	time.Sleep(400 * time.Millisecond) // the late answer arrives somewhere
	for i := 0; i < 3; i++ {
		if got := ask(t, c, "b.test"); got != "192.0.2.1" {
			t.Errorf("after a timeout: %s", got)
		}
	}
	// Many at once: each gets the answer to its own question.
	c2, _ := dnsx.New(dnsx.Config{Servers: []string{ps.addr}, Timeout: time.Second, NoCache: true, ReuseConns: true, MaxInFlight: 8})
	var wg sync.WaitGroup
	for i := 0; i < 200; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := "n" + string(rune('a'+i%26)) + ".test"
			ans, err := c2.Query(context.Background(), name, dns.TypeA)
			if err != nil || ans.Records()[0].Header().Name != name+"." {
				t.Errorf("%s: %v %v", name, ans, err)
			}
		}()
	}
	wg.Wait()
}
