package spamd_test

import (
	"context"
	"fmt"

	"github.com/relayctl/relayctl/checks/spamd"
)

func ExampleParseAddr() {
	for _, s := range []string{"127.0.0.1", "[::1]:10783", "::1", "spamd.internal:783", "host:0"} {
		addr, err := spamd.ParseAddr(s)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(addr)
	}
	// Output:
	// 127.0.0.1:783
	// [::1]:10783
	// [::1]:783
	// spamd.internal:783
	// spamd: invalid spamd address "host:0": the port must be a number from 1 to 65535
}

func ExampleClient_Report() {
	c := &spamd.Client{Addr: "127.0.0.1:783"}
	msg := []byte("From: a@example.com\r\nSubject: hello\r\n\r\nHi.\r\n")
	r, err := c.Report(context.Background(), msg)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("spam: %v, %.1f of %.1f\n", r.Spam, r.Score, r.Threshold)
	for _, rule := range r.Rules {
		fmt.Printf("%5.1f %s %s\n", rule.Points, rule.Name, rule.Description)
	}
}
