package message

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-msgauth/dkim"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dkimverify"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
)

// A message signed for its From domain, sent from a host its SPF record
// lists: every verdict passes, each check's data says so.
func TestPass(t *testing.T) {
	k := edKey(t)
	raw := trace + sign(t, plain, dkim.SignOptions{Selector: "s1", Signer: k,
		HeaderCanonicalization: dkim.CanonicalizationRelaxed, BodyCanonicalization: dkim.CanonicalizationRelaxed})
	rep := check(t, offline(t, records+zoneTXT("s1._domainkey.example.com", keyTXT(t, k))), raw, Options{})
	if rep.Status != checks.StatusOK || rep.Target != "<q4@example.com>" || rep.Command != "check message" || rep.Error != "" {
		t.Fatalf("report %s %q %q %q", rep.Status, rep.Target, rep.Command, rep.Error)
	}
	var names []string
	for _, c := range rep.Checks {
		names = append(names, c.Name)
	}
	if strings.Join(names, ",") != "dkim,spf,dmarc,arc,authres" {
		t.Errorf("checks %v", names)
	}
	d := result(t, rep, "dkim").Data.(*DKIMData)
	if len(d.Signatures) != 1 {
		t.Fatalf("signatures %+v", d.Signatures)
	}
	s := d.Signatures[0]
	if s.Result != "pass" || !s.Aligned || s.Domain != "example.com" || s.Selector != "s1" || s.Algorithm != "ed25519-sha256" ||
		s.Canonicalization != "relaxed/relaxed" || len(s.Headers) != 5 || s.BodyLength != nil || s.Alignment != "relaxed" {
		t.Errorf("signature %+v", s)
	}
	sp := result(t, rep, "spf").Data.(*SPFData)
	if !sp.Evaluated || sp.Result != "pass" || sp.Domain != "example.com" || sp.IP != "192.0.2.10" || !sp.Aligned || sp.HELO.Result != "pass" {
		t.Errorf("spf %+v", sp)
	}
	f := sp.Facts
	if f.IP.Source != "Received[0]" || f.HELO.Value != "mail.example.com" || f.MailFrom.Value != "bounce@example.com" || f.MailFrom.Source != "Return-Path[0]" {
		t.Errorf("facts %+v", f)
	}
	dm := result(t, rep, "dmarc").Data.(*DMARCData)
	if dm.Result != "pass" || dm.Policy != "reject" || dm.Disposition != "none" || dm.HeaderFrom != "example.com" ||
		len(dm.DKIMAligned) != 1 || dm.SPFAligned != "example.com" {
		t.Errorf("dmarc %+v", dm)
	}
	if a := result(t, rep, "arc").Data.(*ARCData); a.Result != "none" || a.Instances != 0 {
		t.Errorf("arc %+v", a)
	}
	// The data keys are a contract: check the JSON names.
	b, _ := json.Marshal(rep)
	for _, key := range []string{`"signatures":`, `"domain":`, `"selector":`, `"algorithm":`, `"canonicalization":`, `"headers":`,
		`"result":"pass"`, `"aligned":true`, `"ip":"192.0.2.10"`, `"policy":"reject"`, `"disposition":"none"`, `"header_from":"example.com"`, `"instances":0`} {
		if !strings.Contains(string(b), key) {
			t.Errorf("JSON lacks %s", key)
		}
	}
}

// Signed messages altered after signing, each with its verdict and the
// finding that names the cause.
func TestAltered(t *testing.T) {
	k := edKey(t)
	key := zoneTXT("s1._domainkey.example.com", keyTXT(t, k))
	relaxed := func(o dkim.SignOptions) dkim.SignOptions {
		o.HeaderCanonicalization, o.BodyCanonicalization = dkim.CanonicalizationRelaxed, dkim.CanonicalizationRelaxed
		return o
	}
	simple := func(o dkim.SignOptions) dkim.SignOptions {
		o.HeaderCanonicalization, o.BodyCanonicalization = dkim.CanonicalizationSimple, dkim.CanonicalizationSimple
		return o
	}
	base := dkim.SignOptions{Selector: "s1", Signer: k}
	// go-msgauth dates its signatures with the clock (t=).
	wall := time.Now()
	for _, c := range []struct {
		name   string
		raw    string
		zone   string
		now    time.Time
		result string // the signature's
		code   string // a finding the dkim check must have ("" none)
		dmarc  string
		status checks.Status // of the dkim check
	}{
		{"header changed", strings.Replace(sign(t, plain, relaxed(base)), "Subject: Quarterly", "Subject: [EXT] Quarterly", 1), key, time.Time{}, "fail", "dkim.signature-mismatch", "pass", checks.StatusFail},
		{"body changed", sign(t, plain, relaxed(base)) + "-- \r\nSent through a list\r\n", key, time.Time{}, "fail", "dkim.body-hash-mismatch", "pass", checks.StatusFail},
		{"relaxed: whitespace changed", strings.Replace(strings.Replace(sign(t, plain, relaxed(base)), "Hello Bob,", "Hello   Bob,  ", 1), "Subject: Quarterly figures", "Subject:  Quarterly\r\n figures", 1), key, time.Time{}, "pass", "", "pass", checks.StatusOK},
		{"simple: body whitespace changed", strings.Replace(sign(t, plain, simple(base)), "Hello Bob,", "Hello   Bob,  ", 1), key, time.Time{}, "fail", "dkim.body-hash-mismatch", "pass", checks.StatusFail},
		{"simple: header whitespace changed", strings.Replace(sign(t, plain, simple(base)), "Subject: Quarterly figures", "Subject:  Quarterly figures", 1), key, time.Time{}, "fail", "dkim.signature-mismatch", "pass", checks.StatusFail},
		{"simple: empty lines added at the end", sign(t, plain, simple(base)) + "\r\n\r\n", key, time.Time{}, "pass", "", "pass", checks.StatusOK},
		{"l= body extended", signManual(t, plain, k, dkimverify.Ed25519SHA256, "s1", true) + "Click here: http://phish.example/\r\n", key, time.Time{}, "pass", "dkim.body-length-unsigned", "pass", checks.StatusWarn},
		{"revoked key", sign(t, plain, relaxed(base)), zoneTXT("s1._domainkey.example.com", "v=DKIM1; k=ed25519; p="), time.Time{}, "fail", "dkim.revoked-key", "pass", checks.StatusFail},
		{"missing key", sign(t, plain, relaxed(base)), "", time.Time{}, "permerror", "dkim.key-missing", "pass", checks.StatusFail},
		{"x= past", sign(t, plain, func() dkim.SignOptions { o := relaxed(base); o.Expiration = wall.Add(time.Hour); return o }()), key, wall.Add(2 * time.Hour), "fail", "dkim.signature-expired", "pass", checks.StatusFail},
		{"x= ahead", sign(t, plain, func() dkim.SignOptions { o := relaxed(base); o.Expiration = wall.Add(time.Hour); return o }()), key, wall, "pass", "", "pass", checks.StatusOK},
	} {
		t.Run(c.name, func(t *testing.T) {
			rep := check(t, offline(t, records+c.zone), trace+c.raw, Options{Now: c.now})
			res := result(t, rep, "dkim")
			d := res.Data.(*DKIMData)
			if len(d.Signatures) != 1 || d.Signatures[0].Result != c.result {
				t.Fatalf("signatures %+v", d.Signatures)
			}
			if c.code != "" && !hasCode(res, c.code) {
				t.Errorf("findings %v, want %s", codes(res), c.code)
			}
			if c.result == "pass" && d.Signatures[0].Error != "" {
				t.Errorf("a pass with error %q", d.Signatures[0].Error)
			}
			if c.result != "pass" && (d.Signatures[0].Error == "" || !strings.Contains(findingOf(res, c.code).Message, d.Signatures[0].Cause)) {
				t.Errorf("a %s without its cause: %+v / %+v", c.result, d.Signatures[0], findingOf(res, c.code))
			}
			if res.Status != c.status {
				t.Errorf("dkim status %s, want %s: %v", res.Status, c.status, codes(res))
			}
			// SPF still passes aligned, so DMARC passes whatever DKIM says.
			if dm := result(t, rep, "dmarc").Data.(*DMARCData); dm.Result != c.dmarc {
				t.Errorf("dmarc %+v", dm)
			}
		})
	}
}

// Without an aligned pass DMARC fails, and says the policy that applies
// with pct and t; SPF from a host the record does not list fails.
func TestDMARCFail(t *testing.T) {
	k := edKey(t)
	other := "Return-Path: <bounce@example.com>\r\n" +
		"Received: from evil.example.org (evil.example.org [198.51.100.7])\r\n\tby mx.example.net with ESMTP id X1; Tue, 1 Dec 2026 10:00:05 +0000\r\n"
	raw := other + strings.Replace(sign(t, plain, dkim.SignOptions{Selector: "s1", Signer: k}), "Hello Bob", "Hello Eve", 1)
	key := zoneTXT("s1._domainkey.example.com", keyTXT(t, k))
	for _, c := range []struct {
		dmarc, disposition, otherwise string
		pct                           int
	}{
		{"v=DMARC1; p=reject", "reject", "", 0},
		{"v=DMARC1; p=reject; pct=20", "reject", "quarantine", 20},
		{"v=DMARC1; p=quarantine; t=y", "none", "", 0},
	} {
		z := strings.Replace(records, "v=DMARC1; p=reject; rua=mailto:d@example.com", c.dmarc, 1) + key
		rep := check(t, offline(t, z), raw, Options{})
		dm := result(t, rep, "dmarc")
		d := dm.Data.(*DMARCData)
		if d.Result != "fail" || string(d.Disposition) != c.disposition || string(d.DispositionOtherwise) != c.otherwise || d.Pct != c.pct {
			t.Errorf("%s: %+v", c.dmarc, d)
		}
		if f := findingOf(dm, "dmarc.fail"); f.Severity != checks.SeverityFail || !strings.Contains(f.Message, "the receiver applies p="+c.disposition) {
			t.Errorf("%s: %+v", c.dmarc, f)
		}
		if s := result(t, rep, "spf"); s.Data.(*SPFData).Result != "fail" || !hasCode(s, "spf.fail") || s.Status != checks.StatusFail {
			t.Errorf("spf %+v", s)
		}
		if rep.Status != checks.StatusFail {
			t.Errorf("report %s", rep.Status)
		}
	}
}

// A subdomain that does not exist gets np, one that does sp.
func TestDMARCSubdomainPolicy(t *testing.T) {
	z := strings.Replace(records, "v=DMARC1; p=reject; rua=mailto:d@example.com", "v=DMARC1; p=reject; sp=quarantine; np=none", 1) +
		"news.example.com. 300 IN A 192.0.2.20\n"
	for from, want := range map[string]string{"news.example.com": "quarantine", "ghost.example.com": "none"} {
		raw := strings.Replace(plain, "alice@example.com", "alice@"+from, 1)
		d := result(t, check(t, offline(t, z), raw, Options{}), "dmarc").Data.(*DMARCData)
		tag := map[string]string{"quarantine": "sp", "none": "np"}[want]
		if string(d.Policy) != want || d.PolicyTag != tag || d.Result != "fail" {
			t.Errorf("%s: %+v", from, d)
		}
	}
}

// From fields that DMARC cannot judge: none, two, two addresses.
func TestFromBypass(t *testing.T) {
	for _, c := range []struct{ name, from, code string }{
		{"no From", "", "dmarc.no-from"},
		{"two From fields", "From: Alice <alice@example.com>\r\nFrom: Eve <eve@evil.example>\r\n", "dmarc.multiple-from"},
		{"two addresses", "From: alice@example.com, eve@evil.example\r\n", "dmarc.multiple-from"},
		{"no domain", "From: Alice <alice>\r\n", "dmarc.no-from-domain"},
	} {
		raw := trace + c.from + strings.SplitN(plain, "\r\n", 2)[1]
		rep := check(t, offline(t, records), raw, Options{})
		res := result(t, rep, "dmarc")
		if !hasCode(res, c.code) || res.Data.(*DMARCData).Result != "permerror" || res.Status != checks.StatusFail {
			t.Errorf("%s: %s %v %+v", c.name, res.Status, codes(res), res.Data)
		}
	}
}

// The options override the trace; without an address SPF is not
// evaluated and says how to give one.
func TestSMTPFacts(t *testing.T) {
	rep := check(t, offline(t, records), plain, Options{})
	s := result(t, rep, "spf")
	if s.Status != checks.StatusInfo || !hasCode(s, "spf.not-evaluated") || !strings.Contains(findingOf(s, "spf.not-evaluated").Message, "--ip") {
		t.Errorf("no trace: %s %v", s.Status, s.Findings)
	}
	if d := result(t, rep, "dmarc"); d.Data.(*DMARCData).Result != "fail" || findingOf(d, "dmarc.fail").Severity != checks.SeverityWarn {
		t.Errorf("DMARC without SPF and DKIM: %+v %v", d.Data, d.Findings)
	}

	rep = check(t, offline(t, records), trace+plain, Options{IP: mustAddr("198.51.100.7"), MailFrom: "", MailFromSet: true, HELO: "mail.example.com"})
	d := result(t, rep, "spf").Data.(*SPFData)
	if d.Identity != "helo" || d.Domain != "mail.example.com" || d.IP != "198.51.100.7" || d.Result != "fail" {
		t.Errorf("null MAIL FROM: %+v", d)
	}
	if d.Facts.IP.Source != "option" || d.Facts.MailFrom.Value != "<>" || d.Facts.MailFrom.Source != "option" {
		t.Errorf("facts %+v", d.Facts)
	}

	// The receiver's Received-SPF said pass for this client; relayctl,
	// judging the HELO name that now fails, says otherwise.
	rs := "Received-SPF: pass (mx.example.net: domain of bounce@example.com designates 192.0.2.10 as permitted sender) client-ip=192.0.2.10; envelope-from=bounce@example.com; helo=mail.example.com;\r\n"
	z := strings.Replace(records, `example.com. 300 IN TXT "v=spf1 ip4:192.0.2.10 -all"`, `example.com. 300 IN TXT "v=spf1 -all"`, 1)
	z = strings.Replace(z, `mail.example.com. 300 IN TXT "v=spf1 ip4:192.0.2.10 -all"`, `mail.example.com. 300 IN TXT "v=spf1 ~all"`, 1)
	res := result(t, check(t, offline(t, z), rs+trace+plain, Options{}), "spf")
	if !hasCode(res, "spf.receiver-differs") || !hasCode(res, "spf.fail") || !hasCode(res, "spf.helo-fail") || res.Data.(*SPFData).Receiver.Result != "pass" {
		t.Errorf("Received-SPF: %v %+v", codes(res), res.Data.(*SPFData).Receiver)
	}
}

// A broken ARC chain: the instance and why; a signature that passes for
// another domain is not aligned.
func TestARCFailAndAlignment(t *testing.T) {
	raw, z := chain(t)
	altered := strings.Replace(string(raw), "Line 00042 of", "Line 00043 of", 1)
	r := dnstest.Offline(t, z)
	rep := check(t, r, altered, Options{Now: time.Now()})
	a := result(t, rep, "arc")
	d := a.Data.(*ARCData)
	if d.Result != "fail" || d.FailedInstance != 3 || d.Cause != "ams-failed" || len(d.Hops) != 3 || !hasCode(a, "arc.fail") {
		t.Errorf("arc %s %+v %v", a.Status, d, codes(a))
	}
	if !strings.Contains(findingOf(a, "arc.fail").Message, "instance 3") || d.Hops[0].Results == "" {
		t.Errorf("arc finding %+v, hop %+v", findingOf(a, "arc.fail"), d.Hops[0])
	}

	k := edKey(t)
	other := strings.Replace(plain, "alice@example.com", "alice@example.org", 1)
	rep = check(t, offline(t, records+zoneTXT("s1._domainkey.example.com", keyTXT(t, k))), sign(t, other, dkim.SignOptions{Selector: "s1", Signer: k}), Options{})
	dk := result(t, rep, "dkim")
	if s := dk.Data.(*DKIMData).Signatures[0]; s.Result != "pass" || s.Aligned || !hasCode(dk, "dkim.not-aligned") {
		t.Errorf("unaligned: %+v %v", s, codes(dk))
	}
}

// An unreadable Authentication-Results field is reported, not dropped.
func TestAuthresUnreadable(t *testing.T) {
	ar := "Authentication-Results: mx.example.net; dkim=pass header.d=example.com; spf=\r\n"
	res := result(t, check(t, offline(t, records), ar+trace+plain, Options{AuthServIDs: []string{"mx.example.net"}}), "authres")
	d := res.Data.(*AuthresData)
	if !hasCode(res, "authres.unreadable") || len(d.Headers) != 1 || d.Headers[0].Error == "" || strings.Contains(d.Headers[0].Error, "authres:") {
		t.Errorf("%v %+v", codes(res), d.Headers)
	}
	// relayctl found no signature: the trusted receiver's pass is for a
	// signature that is no longer there.
	if r := d.Headers[0].Results[0]; r.Ours != "absent" || *r.Agrees {
		t.Errorf("%+v", r)
	}
}

// Authentication-Results of a trusted receiver are compared with
// relayctl's verdicts; others are reported, not believed.
func TestAuthres(t *testing.T) {
	k := edKey(t)
	signed := sign(t, plain, dkim.SignOptions{Selector: "s1", Signer: k})
	broken := strings.Replace(signed, "Hello Bob", "Hello Bob (forwarded)", 1)
	ar := "Authentication-Results: mx.example.net; dkim=pass header.d=example.com header.s=s1; spf=pass smtp.mailfrom=bounce@example.com; dmarc=pass header.from=example.com\r\n" +
		"Authentication-Results: evil.example; dkim=pass header.d=example.com\r\n"
	z := records + zoneTXT("s1._domainkey.example.com", keyTXT(t, k))
	rep := check(t, offline(t, z), ar+trace+broken, Options{AuthServIDs: []string{"mx.example.net"}})
	res := result(t, rep, "authres")
	d := res.Data.(*AuthresData)
	if len(d.Headers) != 2 || !d.Headers[0].Trusted || d.Headers[1].Trusted {
		t.Fatalf("headers %+v", d.Headers)
	}
	dk := d.Headers[0].Results[0]
	if dk.Method != "dkim" || dk.Result != "pass" || dk.Ours != "fail" || dk.Agrees == nil || *dk.Agrees {
		t.Errorf("dkim %+v", dk)
	}
	if sp := d.Headers[0].Results[1]; sp.Ours != "pass" || !*sp.Agrees {
		t.Errorf("spf %+v", sp)
	}
	if n := strings.Count(strings.Join(codes(res), " "), "authres.disagree"); n != 1 || !hasCode(res, "authres.untrusted") || res.Status != checks.StatusWarn {
		t.Errorf("findings %v", res.Findings)
	}
	if d.Headers[1].Results[0].Ours != "" {
		t.Errorf("an untrusted field was compared: %+v", d.Headers[1].Results[0])
	}
}

// A message cut by the input reader does not report its body hash
// failure as real.
func TestTruncated(t *testing.T) {
	k := edKey(t)
	signed := sign(t, plain, dkim.SignOptions{Selector: "s1", Signer: k})
	cut := signed[:len(signed)-10]
	z := records + zoneTXT("s1._domainkey.example.com", keyTXT(t, k))
	rep := Check(t.Context(), offline(t, z), Input{Source: "big.mbox#1", Data: []byte(trace + cut), Truncated: true}, Options{Now: testNow})
	res := result(t, rep, "dkim")
	if hasCode(res, "dkim.body-hash-mismatch") || !hasCode(res, "dkim.body-cut") || res.Status != checks.StatusError {
		t.Errorf("cut message: %s %v", res.Status, res.Findings)
	}
	if s := res.Data.(*DKIMData).Signatures[0]; s.Result != "neutral" || !strings.Contains(s.Error, "cut") {
		t.Errorf("signature %+v", s)
	}
	// The same bytes not flagged as cut are a real failure.
	rep = Check(t.Context(), offline(t, z), Input{Source: "x", Data: []byte(trace + cut)}, Options{Now: testNow})
	if res := result(t, rep, "dkim"); !hasCode(res, "dkim.body-hash-mismatch") {
		t.Errorf("not cut: %v", res.Findings)
	}
}

// SHA-1 and keys under 2048 bits are findings even when they verify.
func TestWeakSignatures(t *testing.T) {
	k, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	raw := trace + signManual(t, plain, k, dkimverify.RSASHA1, "s1", false)
	res := result(t, check(t, offline(t, records+zoneTXT("s1._domainkey.example.com", keyTXT(t, k))), raw, Options{}), "dkim")
	if !hasCode(res, "dkim.sha1-signature") || !hasCode(res, "dkim.key-under-2048") || res.Status != checks.StatusFail {
		t.Errorf("%s %v", res.Status, codes(res))
	}
}

// No signature at all is a warning.
func TestUnsigned(t *testing.T) {
	res := result(t, check(t, offline(t, records), trace+plain, Options{}), "dkim")
	if !hasCode(res, "dkim.unsigned") || res.Status != checks.StatusWarn || len(res.Data.(*DKIMData).Signatures) != 0 {
		t.Errorf("%s %v", res.Status, codes(res))
	}
}

func mustAddr(s string) netip.Addr { return netip.MustParseAddr(s) }

// A signature that does not cover From is refused (RFC 6376 §5.4), and
// the finding says so.
func TestFromNotSigned(t *testing.T) {
	k := edKey(t)
	// go-msgauth will not sign without From: take it out of h= after
	// signing (the parser refuses the field before any verification).
	signed := sign(t, plain, dkim.SignOptions{Selector: "s1", Signer: k, HeaderKeys: []string{"From", "To", "Subject", "Date"}})
	raw := trace + strings.Replace(signed, "h=From:To", "h=To", 1)
	if raw == trace+signed {
		t.Fatal("no h=From:To in the signature")
	}
	res := result(t, check(t, offline(t, records+zoneTXT("s1._domainkey.example.com", keyTXT(t, k))), raw, Options{}), "dkim")
	f := findingOf(res, "dkim.signature-syntax")
	if res.Data.(*DKIMData).Signatures[0].Result != "neutral" || !strings.Contains(f.Message, "h= does not include From") {
		t.Errorf("%v %+v", codes(res), f)
	}
}
