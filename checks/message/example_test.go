package message_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/checks/message"
)

// Check a received message against a zone file, as check message --zone
// --offline does: the SMTP facts come from its Return-Path and Received
// fields.
func ExampleCheck() {
	raw, _ := os.ReadFile("../../testdata/message/length.eml")
	z, _ := dnsx.LoadZone("../../testdata/message/example.com.zone")
	r, _ := dnsx.New(dnsx.Config{Zones: []*dnsx.Zone{z}, Offline: true})
	rep := message.Check(context.Background(), r, message.Input{Source: "length.eml", Data: raw},
		message.Options{Now: time.Date(2026, 12, 1, 10, 1, 0, 0, time.UTC)})
	fmt.Println(rep.Target, rep.Status)
	for _, c := range rep.Checks {
		fmt.Printf("%s %s: %s\n", c.Name, c.Status, c.Summary)
	}
	// Output:
	// <q4@example.com> ok
	// dkim ok: 1 signature: 1 pass (aligned)
	// spf ok: pass for example.com from 192.0.2.10, aligned
	// dmarc ok: pass for example.com (DKIM d=example.com and SPF example.com)
	// arc ok: no ARC sets
	// authres ok: no Authentication-Results fields
}
