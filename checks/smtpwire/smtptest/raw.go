package smtptest

import (
	"net"
	"sync"
)

// Raw is a listener on 127.0.0.1 whose every connection is handed to a
// function, for servers that misbehave on purpose.
type Raw struct {
	Addr string
	Port int
	ln   net.Listener
	wg   sync.WaitGroup
	mu   sync.Mutex
	open []net.Conn
}

// StartRaw serves each connection with handle (which need not close it:
// Close does).
func StartRaw(handle func(net.Conn)) (*Raw, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	r := &Raw{ln: ln, Addr: ln.Addr().String(), Port: ln.Addr().(*net.TCPAddr).Port}
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			r.mu.Lock()
			r.open = append(r.open, c)
			r.mu.Unlock()
			r.wg.Add(1)
			go func() {
				defer r.wg.Done()
				handle(c)
			}()
		}
	}()
	return r, nil
}

// Close stops listening, closes every connection and waits for the
// handlers to return.
func (r *Raw) Close() {
	r.ln.Close()
	r.mu.Lock()
	for _, c := range r.open {
		c.Close()
	}
	r.mu.Unlock()
	r.wg.Wait()
}
