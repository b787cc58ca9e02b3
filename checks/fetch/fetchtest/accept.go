// Package fetchtest helps tests prove what a fetch did on the network.
package fetchtest

import (
	"net"
	"sync/atomic"
	"testing"
)

// Counter is a TCP listener that accepts and closes every connection,
// counting them: a test that expects no connection (--offline) reads
// Accepted, which stays 0 only if nothing dialled.
type Counter struct {
	Port int
	n    atomic.Int64
}

// Accepted is how many connections have been accepted so far.
func (c *Counter) Accepted() int64 { return c.n.Load() }

// Count listens on addr ("127.0.0.1:0" for any free port) until the test
// ends.
func Count(t testing.TB, addr string) (*Counter, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	t.Cleanup(func() { ln.Close() })
	c := &Counter{Port: ln.Addr().(*net.TCPAddr).Port}
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			c.n.Add(1)
			conn.Close()
		}
	}()
	return c, nil
}
