// Command zonedns answers DNS questions on one address from zone files,
// like a resolver that knows only those zones (checks/dnsx/dnstest): a
// name under a zone that the zone does not hold is NXDOMAIN, a name under
// none is REFUSED. scripts/bounce-e2e.sh points the resolv.conf of an
// MTA's mount namespace at it, so that the MTA meets a domain that does
// not exist without asking any other server.
//
//	zonedns ADDR ZONEFILE...
//
// It prints "listening ADDR" once it answers, then serves until SIGINT
// or SIGTERM. It exits 1 when it cannot listen or read a zone, 2 on
// usage errors.
package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: zonedns ADDR ZONEFILE...")
		os.Exit(2)
	}
	var zones []*dnsx.Zone
	for _, f := range os.Args[2:] {
		z, err := dnsx.LoadZone(f)
		if err != nil {
			fmt.Fprintln(os.Stderr, "zonedns:", err)
			os.Exit(1)
		}
		zones = append(zones, z)
	}
	srv, err := dnstest.ListenAddr(os.Args[1], zones...)
	if err != nil {
		fmt.Fprintln(os.Stderr, "zonedns:", err)
		os.Exit(1)
	}
	fmt.Println("listening", srv.Addr)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	<-sig
	srv.Close()
}
