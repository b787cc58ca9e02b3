package dnsx_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
)

func noCacheServer(t *testing.T) *dnstest.Server {
	t.Helper()
	z, err := dnsx.ParseZone(strings.NewReader("$ORIGIN cache.example.\n@ 300 IN A 192.0.2.1\n"), "", "cache.zone")
	if err != nil {
		t.Fatal(err)
	}
	return dnstest.Start(t, z)
}

// By default the second ask is answered from the cache; with NoCache it
// goes to the server again, so a long run's memory does not grow with
// every distinct name.
func TestNoCacheAsksAgain(t *testing.T) {
	for _, noCache := range []bool{false, true} {
		srv := noCacheServer(t)
		c, err := dnsx.New(dnsx.Config{Servers: []string{srv.Addr}, Timeout: 2 * time.Second, NoCache: noCache})
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 3; i++ {
			ans, err := c.Query(context.Background(), "cache.example", dns.TypeA)
			if err != nil || len(ans.Records()) != 1 {
				t.Fatalf("NoCache=%v: %v %v", noCache, ans, err)
			}
		}
		want := int64(1)
		if noCache {
			want = 3
		}
		if got := srv.Queries(); got != want {
			t.Errorf("NoCache=%v: server got %d queries, want %d", noCache, got, want)
		}
	}
}

// Without the cache, asks for one question made while its query is under
// way still share that one query.
func TestNoCacheMergesConcurrentAsks(t *testing.T) {
	srv := noCacheServer(t)
	srv.SetDelay(150 * time.Millisecond)
	c, err := dnsx.New(dnsx.Config{Servers: []string{srv.Addr}, Timeout: 2 * time.Second, NoCache: true})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.Query(context.Background(), "cache.example", dns.TypeA); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := srv.Queries(); got != 1 {
		t.Errorf("8 concurrent asks sent %d queries, want 1", got)
	}
}
