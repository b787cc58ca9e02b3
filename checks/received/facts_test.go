package received

import (
	"net/netip"
	"strings"
	"testing"
)

func fieldsOf(t *testing.T, header string) []Field {
	t.Helper()
	var out []Field
	for _, line := range strings.Split(strings.TrimSpace(header), "\n") {
		if line[0] == ' ' || line[0] == '\t' {
			out[len(out)-1].Value += "\n" + line
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			t.Fatalf("bad line %q", line)
		}
		out = append(out, Field{Name: name, Value: strings.TrimSpace(value)})
	}
	return out
}

func TestTraceFactsSkipsReceiversOwnHops(t *testing.T) {
	fields := fieldsOf(t, `
Return-Path: <bounce+abc@example.net>
Delivered-To: alice@example.com
Received: from mx.example.com (localhost [127.0.0.1])
	by store.example.com (Postfix) with LMTP id L1; Wed, 2 Dec 2026 13:10:30 +0000
Received: from mx.example.com (mx.example.com [10.0.0.5])
	by filter.example.com (Postfix) with ESMTP id F1; Wed, 2 Dec 2026 13:10:20 +0000
Received-SPF: pass (mx.example.com: domain of bounce+abc@example.net designates 192.0.2.10 as permitted sender)
	client-ip=192.0.2.10; envelope-from=bounce+abc@example.net; helo=out.example.net;
Received: from out.example.net (out.example.net [192.0.2.10])
	by mx.example.com (Postfix) with ESMTPS id M1; Wed, 2 Dec 2026 13:10:00 +0000
Received-SPF: fail (upstream.example.net: forged) client-ip=203.0.113.66
Received: from submit.example.net (submit.example.net [10.1.0.2])
	by out.example.net (Postfix) with ESMTPS id O1; Wed, 2 Dec 2026 13:00:00 +0000
`)
	f := TraceFacts(fields, Options{})
	if f.ClientIP.Value != ip("192.0.2.10") || f.ClientIP.Source == nil || f.ClientIP.Source.String() != "Received[2]" {
		t.Fatalf("ClientIP = %+v %+v", f.ClientIP.Value, f.ClientIP.Source)
	}
	if n := f.ClientIP.Source.Note; !strings.Contains(n, "Received[0] 127.0.0.1") || !strings.Contains(n, "Received[1] 10.0.0.5") {
		t.Errorf("note does not name the skipped hops: %q", n)
	}
	if f.HELO.Value != "out.example.net" || f.HELO.Source.String() != "Received[2]" {
		t.Errorf("HELO = %+v", f.HELO)
	}
	if f.MailFrom.Value != "bounce+abc@example.net" || f.MailFrom.Source.String() != "Return-Path[0]" {
		t.Errorf("MailFrom = %+v", f.MailFrom)
	}
	if f.SPF.Value == nil || f.SPF.Value.Result != "pass" || f.SPF.Source.String() != "Received-SPF[0]" || f.SPFErr != nil {
		t.Errorf("SPF = %+v %v", f.SPF, f.SPFErr)
	}
}

func TestTraceFactsUpstreamSPFIsNotTheReceivers(t *testing.T) {
	fields := fieldsOf(t, `
Received: from out.example.net (out.example.net [192.0.2.10])
	by mx.example.com (Postfix) with ESMTPS id M1; Wed, 2 Dec 2026 13:10:00 +0000
Received-SPF: pass client-ip=10.1.0.2
`)
	if f := TraceFacts(fields, Options{}); f.SPF.Known() {
		t.Errorf("Received-SPF below the receiving hop taken: %+v", f.SPF.Value)
	}
}

func TestTraceFactsLoopbackOnlyAndFallbacks(t *testing.T) {
	// A test delivery on loopback: no Return-Path, so MAIL FROM comes from
	// Received-SPF; the hop has no HELO-less form, so HELO from the hop.
	fields := fieldsOf(t, `
Received: from localhost (localhost [127.0.0.1])
	by mx.example.com (Postfix) with ESMTP id A1; Wed, 2 Dec 2026 13:10:00 +0000
Received-SPF: none client-ip=127.0.0.1; envelope-from=<>; helo=localhost
`)
	f := TraceFacts(fields, Options{})
	if f.ClientIP.Value != ip("127.0.0.1") || !strings.Contains(f.ClientIP.Source.Note, "loopback") {
		t.Errorf("ClientIP = %v %+v", f.ClientIP.Value, f.ClientIP.Source)
	}
	// The Received-SPF field is below the only Received field: not the receiver's.
	if f.SPF.Known() || f.MailFrom.Known() {
		t.Errorf("SPF %+v / MailFrom %+v from an upstream field", f.SPF, f.MailFrom)
	}

	fields = fieldsOf(t, `
Received-SPF: pass (x) client-ip=192.0.2.1; envelope-from=<>; helo=a.example.net
Received: from [192.0.2.1] (port=4000)
	by mx.example.com with esmtp (Exim 4.97) id E1; Wed, 2 Dec 2026 13:10:00 +0000
`)
	f = TraceFacts(fields, Options{})
	if f.ClientIP.Value != ip("192.0.2.1") {
		t.Errorf("ClientIP = %v", f.ClientIP.Value)
	}
	if !f.MailFrom.Known() || f.MailFrom.Value != "" || f.MailFrom.Source.Field != "Received-SPF" {
		t.Errorf("MailFrom (null path from Received-SPF) = %+v %+v", f.MailFrom.Value, f.MailFrom.Source)
	}
	// Exim's "[addr] (port=…)" without helo= records no HELO: Received-SPF's is used.
	if f.HELO.Value != "a.example.net" || f.HELO.Source.Field != "Received-SPF" {
		t.Errorf("HELO = %+v %+v", f.HELO.Value, f.HELO.Source)
	}
}

func TestTraceFactsPrivateAndInternalOption(t *testing.T) {
	fields := fieldsOf(t, `
Return-Path: <>
Received: from AM0PR01.example.com (2001:db8:20b:1::12) by AM0PR02.example.com with Microsoft SMTP Server (TLS) id 15.20.1.1; Wed, 2 Dec 2026 13:10:01 +0000
Received: from relay.example.net (relay.example.net [192.0.2.77]) by AM0PR01.example.com with Microsoft SMTP Server (TLS) id 15.20.1.1; Wed, 2 Dec 2026 13:10:00 +0000
Received: from hq.example.net (hq.example.net [10.9.9.9]) by relay.example.net with ESMTP id R1; Wed, 2 Dec 2026 13:09:00 +0000
`)
	if f := TraceFacts(fields, Options{}); f.ClientIP.Value != ip("2001:db8:20b:1::12") {
		t.Errorf("without Internal: ClientIP = %v, want the newest public literal", f.ClientIP.Value)
	}
	f := TraceFacts(fields, Options{Internal: []netip.Prefix{netip.MustParsePrefix("2001:db8:20b::/48")}})
	if f.ClientIP.Value != ip("192.0.2.77") || f.ClientIP.Source.Index != 1 {
		t.Errorf("with Internal: ClientIP = %v %+v", f.ClientIP.Value, f.ClientIP.Source)
	}
	if !f.MailFrom.Known() || f.MailFrom.Value != "" {
		t.Errorf("Return-Path <> = %+v", f.MailFrom)
	}

	// Only private literals: the newest non-loopback one.
	fields = fieldsOf(t, `
Received: from a (localhost [127.0.0.1]) by b with LMTP; Wed, 2 Dec 2026 13:10:01 +0000
Received: from c (c [10.0.0.3]) by a with ESMTP; Wed, 2 Dec 2026 13:10:00 +0000
Received: from d (d [10.0.0.4]) by c with ESMTP; Wed, 2 Dec 2026 13:09:00 +0000
`)
	f = TraceFacts(fields, Options{})
	if f.ClientIP.Value != ip("10.0.0.3") || !strings.Contains(f.ClientIP.Source.Note, "non-loopback") {
		t.Errorf("private only: %v %+v", f.ClientIP.Value, f.ClientIP.Source)
	}
}

func TestTraceFactsNothing(t *testing.T) {
	f := TraceFacts([]Field{{"Received", "by a.example.com id 1; Wed, 2 Dec 2026 13:10:01 +0000"}, {"Subject", "x"}}, Options{})
	if f.ClientIP.Known() || f.HELO.Known() || f.MailFrom.Known() || f.SPF.Known() {
		t.Errorf("facts from nothing: %+v", f)
	}
}

func TestTraceFactsReturnPath(t *testing.T) {
	f := TraceFacts([]Field{{"Return-Path", " <new@example.net> (comment)"}, {"return-path", "<old@example.net>"}}, Options{})
	if f.MailFrom.Value != "new@example.net" || f.MailFrom.Source.Note != "the topmost of 2 Return-Path fields" {
		t.Errorf("MailFrom = %+v %+v", f.MailFrom.Value, f.MailFrom.Source)
	}
	f = TraceFacts([]Field{{"Return-Path", "bare@example.net"}}, Options{})
	if f.MailFrom.Value != "bare@example.net" || f.MailFrom.Source.Note != "" {
		t.Errorf("MailFrom = %+v %+v", f.MailFrom.Value, f.MailFrom.Source)
	}
}

func TestTraceFactsNotesUnreadableHopAbove(t *testing.T) {
	f := TraceFacts([]Field{
		{"Received", "from x (unclosed [192.0.2.9] by y; Wed, 2 Dec 2026 13:10:01 +0000"},
		{"Received", "from a (a [198.51.100.1]) by b; Wed, 2 Dec 2026 13:10:00 +0000"},
	}, Options{})
	if f.ClientIP.Value != ip("198.51.100.1") || !strings.Contains(f.ClientIP.Source.Note, "Received[0] unreadable") {
		t.Errorf("ClientIP = %v %+v", f.ClientIP.Value, f.ClientIP.Source)
	}
}
