package message

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"
)

// hopsOfMsg checks a message of the given header and a one-line body
// offline and returns the hops check's result and data.
func hopsRun(t *testing.T, header string, opts Options) (*HopsData, []string, string) {
	t.Helper()
	rep := check(t, offline(t, records), header+"\r\nbody\r\n", opts)
	res := result(t, rep, "hops")
	var lines []string
	for _, f := range res.Findings {
		lines = append(lines, f.Code+" "+string(f.Severity)+" "+f.Message)
	}
	return res.Data.(*HopsData), lines, res.Summary
}

// A path as Postfix writes it on three hosts: submission (ESMTPSA), a
// relay (ESMTPS), the receiver's LMTP delivery to its mailbox store.
const postfixPath = "Received: from mx.example.net (localhost [127.0.0.1])\r\n" +
	"\tby store.example.net (Postfix) with LMTP id 77aa\r\n" +
	"\tfor <bob@example.net>; Tue, 1 Dec 2026 10:00:09 +0000 (UTC)\r\n" +
	"Received: from relay.example.com (relay.example.com [198.51.100.7])\r\n" +
	"\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits))\r\n" +
	"\tby mx.example.net (Postfix) with ESMTPS id 4dQxYz1abc\r\n" +
	"\tfor <bob@example.net>; Tue, 1 Dec 2026 10:00:07 +0000 (UTC)\r\n" +
	"Received: from [10.0.0.5] (laptop.example.com [203.0.113.9])\r\n" +
	"\t(Authenticated sender: alice)\r\n" +
	"\tby relay.example.com (Postfix) with ESMTPSA id 11bb;\r\n" +
	"\tTue, 1 Dec 2026 10:00:01 +0000 (UTC)\r\n" +
	"From: Alice <alice@example.com>\r\n" +
	"Date: Tue, 1 Dec 2026 10:00:00 +0000\r\n" +
	"Message-ID: <p1@example.com>\r\n"

func TestHopsTimeline(t *testing.T) {
	d, lines, sum := hopsRun(t, postfixPath, Options{})
	if len(d.Hops) != 3 {
		t.Fatalf("hops %+v", d.Hops)
	}
	first, relay, last := d.Hops[0], d.Hops[1], d.Hops[2]
	if first.N != 1 || first.Field != 2 || first.By != "relay.example.com" || first.With != "ESMTPSA" || first.Authenticated != 2 || first.TLS != 2 || first.From.IP != "203.0.113.9" || first.From.RDNS != "laptop.example.com" {
		t.Errorf("first hop %+v", first)
	}
	if relay.TLSVersion != "TLSv1.3" || relay.ID != "4dQxYz1abc" || relay.For != "bob@example.net" || *relay.DelayS != 6 {
		t.Errorf("relay hop %+v", relay)
	}
	if last.With != "LMTP" || *last.DelayS != 2 || last.Date != "2026-12-01T10:00:09Z" {
		t.Errorf("last hop %+v", last)
	}
	if d.TotalS == nil || *d.TotalS != 9 || d.Slowest != 2 || d.Date != "2026-12-01T10:00:00Z" {
		t.Errorf("total %v slowest %d date %q", d.TotalS, d.Slowest, d.Date)
	}
	want := []string{
		"hops.hop info 1 laptop.example.com [203.0.113.9] → relay.example.com  ESMTPSA auth  +1s",
		"hops.hop info 2 relay.example.com [198.51.100.7] → mx.example.net  ESMTPS  +6s",
		"hops.hop info 3 localhost [127.0.0.1] → store.example.net  LMTP  +2s",
		"hops.slowest info the slowest hop is 2, relay.example.com [198.51.100.7] → mx.example.net: 6s",
		"hops.total info 9s from the Date field to the last hop, over 3 hops",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	if sum != "3 hops (2 with TLS), 9s from Date to delivery, slowest 2 (6s)" {
		t.Errorf("summary %q", sum)
	}
	// JSON has every field under the documented keys.
	b, _ := json.Marshal(d)
	for _, k := range []string{`"delay_s":6`, `"total_s":9`, `"rdns":"laptop.example.com"`, `"tls":"yes"`, `"authenticated":"yes"`, `"with":"LMTP"`, `"id":"11bb"`} {
		if !strings.Contains(string(b), k) {
			t.Errorf("JSON has no %s: %s", k, b)
		}
	}
}

// Other MTAs' forms: Exim (reverse-DNS name first, helo= in the
// comment), Exchange (TLS in the comment), Gmail (SMTPS), qmail.
func TestHopsOtherMTAs(t *testing.T) {
	h := "Received: from mail-sor-f41.google.com (mail-sor-f41.google.com. [209.85.220.41])\r\n" +
		"        by mx.google.com with SMTPS id a1sor;\r\n" +
		"        Tue, 01 Dec 2026 02:00:04 -0800 (PST)\r\n" +
		"Received: from EX01.corp.example (10.1.1.2) by EX02.corp.example\r\n" +
		" (10.1.1.3) with Microsoft SMTP Server (version=TLS1_2,\r\n" +
		" cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.1.2507.6; Tue, 1 Dec 2026\r\n" +
		" 10:00:03 +0000\r\n" +
		"Received: from host.example.org ([192.0.2.44] helo=client.example.org)\r\n" +
		"\tby exim.example.com with esmtps (TLS1.3) tls TLS_AES_256_GCM_SHA384\r\n" +
		"\t(Exim 4.96)\r\n\t(envelope-from <a@example.org>)\r\n\tid 1abc-0001;\r\n\tTue, 01 Dec 2026 10:00:02 +0000\r\n" +
		"Received: (qmail 1234 invoked from network); 1 Dec 2026 10:00:01 -0000\r\n" +
		"Date: Tue, 1 Dec 2026 10:00:00 +0000\r\n"
	d, lines, _ := hopsRun(t, h, Options{})
	if len(d.Hops) != 4 {
		t.Fatalf("hops %d: %v", len(d.Hops), lines)
	}
	exim, exch, gmail := d.Hops[1], d.Hops[2], d.Hops[3]
	if exim.From.HELO != "client.example.org" || exim.From.IP != "192.0.2.44" || exim.TLS != 2 || exim.TLSVersion != "TLS1.3" {
		t.Errorf("exim %+v", exim)
	}
	if exch.TLS != 2 || exch.TLSVersion != "TLS1_2" || exch.By != "EX02.corp.example" {
		t.Errorf("exchange %+v", exch)
	}
	if gmail.TLS != 2 || gmail.From.IP != "209.85.220.41" || *gmail.DelayS != 1 {
		t.Errorf("gmail %+v", gmail)
	}
	if d.TotalS == nil || *d.TotalS != 4 {
		t.Errorf("total %v", d.TotalS)
	}
	all := strings.Join(lines, "\n")
	for _, want := range []string{
		"hops.hop info 1 (qmail 1234 invoked from network) → ?  ?  +1s",
		"hops.hop info 3 EX01.corp.example [10.1.1.2] → EX02.corp.example  Microsoft SMTP Server (TLS)  +1s",
		"hops.hop info 4 mail-sor-f41.google.com [209.85.220.41] → mx.google.com  SMTPS  +1s",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("no %q in\n%s", want, all)
		}
	}
}

// Slow hops, clock skew both ways, a Date in the future, a clear-text
// hop between two TLS hops, and an unreadable field shown as such.
func TestHopsFindings(t *testing.T) {
	h := "Received: from b.example ([198.51.100.2]) by c.example with ESMTPS id 3; Tue, 1 Dec 2026 10:20:00 +0000\r\n" +
		"Received: from a.example ([198.51.100.1]) by b.example with ESMTP id 2; Tue, 1 Dec 2026 10:09:00 +0000\r\n" +
		"Received: garbage without a date\r\n" +
		"Received: from s.example ([203.0.113.1]) by a.example with ESMTPS id 1; Tue, 1 Dec 2026 10:08:00 +0000\r\n" +
		"Date: Tue, 1 Dec 2026 10:10:00 +0000\r\n"
	d, lines, _ := hopsRun(t, h, Options{Now: time.Date(2026, 12, 1, 10, 5, 0, 0, time.UTC)})
	all := strings.Join(lines, "\n")
	for _, want := range []string{
		"hops.hop info 2 ? → ?  ?  no date  (unreadable)",
		"hops.unparsed info hop 2 (Received field 2) cannot be read in full: col 24: no ';' before a date-time",
		"hops.clock-skew warn hop 1 (s.example [203.0.113.1] → a.example) is dated 2m before the Date field: a clock is off",
		"hops.slow warn hop 4 (b.example [198.51.100.2] → c.example) took 11m, over the 5m threshold (--slow)",
		"hops.clock-skew warn the Date field (2026-12-01T10:10:00Z) is 5m in the future",
		"hops.clock-skew warn hop 4 (b.example [198.51.100.2] → c.example) is dated 15m in the future",
		"hops.clear-hop warn hop 3 (a.example [198.51.100.1] → b.example, with ESMTP) was in clear text between hops that used TLS",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("no %q in\n%s", want, all)
		}
	}
	if d.Hops[1].Error == "" || d.Hops[1].Raw != "garbage without a date" {
		t.Errorf("unreadable hop %+v", d.Hops[1])
	}
	// --slow 15m: the 11-minute hop is under it.
	_, lines, _ = hopsRun(t, h, Options{Slow: 15 * time.Minute, Now: testNow.Add(time.Hour)})
	if strings.Contains(strings.Join(lines, "\n"), "hops.slow ") {
		t.Errorf("hops.slow under --slow 15m:\n%s", strings.Join(lines, "\n"))
	}
}

func TestHopsNone(t *testing.T) {
	d, lines, _ := hopsRun(t, "From: a@example.com\r\nDate: Tue, 1 Dec 2026 10:00:00 +0000\r\n", Options{})
	if len(d.Hops) != 0 || len(lines) != 1 || !strings.HasPrefix(lines[0], "hops.none info") {
		t.Errorf("hops %+v findings %v", d.Hops, lines)
	}
}

// A long path shows its first and last hops in the table, every hop in
// the data.
func TestHopsLongPath(t *testing.T) {
	var b strings.Builder
	for i := 40; i > 0; i-- {
		b.WriteString("Received: from h" + itoa(i) + ".example ([198.51.100.1]) by h" + itoa(i+1) + ".example with ESMTPS; Tue, 1 Dec 2026 10:00:00 +0000\r\n")
	}
	d, lines, _ := hopsRun(t, b.String(), Options{})
	hopLines := 0
	for _, l := range lines {
		if strings.HasPrefix(l, "hops.hop ") {
			hopLines++
		}
	}
	if len(d.Hops) != 40 || hopLines != maxHopLines+1 || !strings.Contains(strings.Join(lines, "\n"), "… 16 hops not shown") {
		t.Errorf("%d hops, %d lines:\n%s", len(d.Hops), hopLines, strings.Join(lines, "\n"))
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
