package send_test

import (
	"context"
	"fmt"
	"time"

	"github.com/relayctl/relayctl/checks/send"
	"github.com/relayctl/relayctl/checks/smtpwire/smtptest"
)

func ExampleQueueID() {
	for _, reply := range []string{
		"250 2.0.0 Ok: queued as 4XyZ1abcd",
		"250 OK id=1tAbCd-000123-Xy",
		"250 2.6.0 <a@b.example> [InternalId=123456, Hostname=EX1] Queued mail for delivery",
		"250 2.0.0 OK  1700000000 d2e1a72fcca58-6c2asm123456pfb.12 - gsmtp",
	} {
		fmt.Println(send.QueueID(reply))
	}
	// Output:
	// 4XyZ1abcd
	// 1tAbCd-000123-Xy
	// 123456
	// d2e1a72fcca58-6c2asm123456pfb.12
}

func ExampleSend() {
	srv, _ := smtptest.Listen(smtptest.Config{})
	defer srv.Close()

	from, _ := send.ParseAddress("--from", "Ann <ann@example.net>")
	to, _ := send.ParseAddress("--to", "bob@example.org")
	msg, _ := send.Build(send.Spec{From: from, To: []send.Address{to}, Subject: "Hello", Text: "Hi Bob", HasText: true})

	cfg := &send.Config{Server: srv.Addr, TLS: send.TLSNone, Timeout: 5 * time.Second}
	rec := send.Send(context.Background(), cfg, msg)
	fmt.Println(rec.Result, rec.Accepted, rec.Reply)
	// Output:
	// sent [bob@example.org] 250 2.0.0 OK: queued
}
