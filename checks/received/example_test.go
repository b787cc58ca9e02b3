package received_test

import (
	"fmt"
	"time"

	"github.com/relayctl/relayctl/checks/received"
)

func ExampleParse() {
	h, err := received.Parse("from mail.example.net (unknown [IPv6:2001:db8::25])\r\n" +
		"\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits))\r\n" +
		"\tby mx.example.com (Postfix) with ESMTPS id 4AbC\r\n" +
		"\tfor <alice@example.com>; Wed,  2 Dec 2026 13:10:11 +0000 (UTC)")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(h.From.HELO, h.From.IP, h.By, h.With, h.ID, h.TLS, h.TLSVersion)
	fmt.Println(h.Date.Format(time.RFC3339))
	// Output:
	// mail.example.net 2001:db8::25 mx.example.com ESMTPS 4AbC yes TLSv1.3
	// 2026-12-02T13:10:11Z
}

func ExampleBuildPath() {
	p := received.BuildPath([]string{
		"from b.example.net (b.example.net [192.0.2.2]) by mx.example.com with ESMTPS id 2; Wed, 2 Dec 2026 13:10:00 +0000",
		"from a.example.net (a.example.net [192.0.2.1]) by b.example.net with ESMTP id 1; Wed, 2 Dec 2026 13:00:00 +0000",
	}, "Wed, 2 Dec 2026 12:59:58 +0000")
	for _, h := range p.Hops {
		fmt.Println(h.Header.By, h.Delay)
	}
	i, _ := received.Slowest(p)
	fmt.Println("slowest:", p.Hops[i].Header.By, "total:", p.Total)
	// Output:
	// b.example.net 2s
	// mx.example.com 10m0s
	// slowest: mx.example.com total: 10m2s
}

func ExampleParse_unreadable() {
	h, err := received.Parse("from a.example.net by b.example.com; sometime")
	fmt.Println(h.Raw)
	fmt.Println(err)
	// Output:
	// from a.example.net by b.example.com; sometime
	// received: col 38: date-time: unexpected word "sometime"
}
