package dkimverify

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-msgauth/dkim"

	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
	"github.com/relayctl/relayctl/checks/send"
)

var signed = []string{"From", "To", "Subject", "Date", "Message-ID"}

// verifyOne verifies a message that should carry one signature.
func verifyOne(t *testing.T, srv *dnstest.Server, raw string, opts Options) SignatureResult {
	t.Helper()
	res := Verify(context.Background(), srv.Client(2*time.Second), parse(t, raw), opts)
	if len(res.Signatures) != 1 {
		t.Fatalf("%d signatures, want 1", len(res.Signatures))
	}
	return res.Signatures[0]
}

func wantResult(t *testing.T, name string, got SignatureResult, status Status, cause Cause) {
	t.Helper()
	if got.Status != status || got.Cause != cause {
		t.Errorf("%s: result %s (%s: %v), want %s (%s)", name, got.Status, got.Cause, got.Err, status, cause)
	}
	if cause != CauseNone && !errors.Is(got.Err, cause.Err()) {
		t.Errorf("%s: error %v is not %v", name, got.Err, cause.Err())
	}
	if cause != CauseNone && (got.Error == "" || strings.Contains(got.Error, "dkimverify")) {
		t.Errorf("%s: error text %q", name, got.Error)
	}
}

func TestVerifySignedAndAltered(t *testing.T) {
	rk, ek := rsaKey(t), edKey(t)
	srv, _ := keyServer(t, map[string]string{
		"rsa._domainkey.example.com":     keyTXT(t, rk.Public(), ""),
		"ed._domainkey.example.com":      keyTXT(t, ek.Public(), ""),
		"gone._domainkey.example.com":    "v=DKIM1; k=rsa; p=",
		"only256._domainkey.example.com": keyTXT(t, rk.Public(), "h=sha256; "),
		"strict._domainkey.example.com":  keyTXT(t, rk.Public(), "t=s; "),
		"other._domainkey.example.com":   "v=spf1 -all",
	})
	relaxed := msgauthSign(t, testMessage, rk, "example.com", "rsa", dkim.CanonicalizationRelaxed, dkim.CanonicalizationRelaxed, signed)
	simple := msgauthSign(t, testMessage, rk, "example.com", "rsa", dkim.CanonicalizationSimple, dkim.CanonicalizationSimple, signed)
	// Whitespace a relay may change: inside the Subject, and at the end
	// of a body line.
	headerWS := func(m string) string {
		return strings.Replace(m, "Subject: Quarterly  figures", "Subject:  Quarterly \t figures ", 1)
	}
	bodyWS := func(m string) string {
		return strings.Replace(m, "the figures are attached.\r\n", "the figures  are attached. \t\r\n", 1)
	}

	for _, tt := range []struct {
		name   string
		raw    string
		status Status
		cause  Cause
	}{
		{"relaxed unchanged", relaxed, StatusPass, CauseNone},
		{"simple unchanged", simple, StatusPass, CauseNone},
		{"relaxed header changed", strings.Replace(relaxed, "Quarterly", "Annual", 1), StatusFail, CauseSignatureMismatch},
		{"relaxed body changed", strings.Replace(relaxed, "attached", "enclosed", 1), StatusFail, CauseBodyHashMismatch},
		{"relaxed header whitespace", headerWS(relaxed), StatusPass, CauseNone},
		{"simple header whitespace", headerWS(simple), StatusFail, CauseSignatureMismatch},
		{"relaxed body whitespace", bodyWS(relaxed), StatusPass, CauseNone},
		{"simple body whitespace", bodyWS(simple), StatusFail, CauseBodyHashMismatch},
		// Empty lines added at the end are ignored by both (§3.4.3, §3.4.4).
		{"simple trailing empty lines", simple + "\r\n\r\n", StatusPass, CauseNone},
		{"relaxed header refolded", strings.Replace(relaxed, "To: Bob <bob@example.net>", "To: Bob\r\n <bob@example.net>", 1), StatusPass, CauseNone},
		{"simple header refolded", strings.Replace(simple, "To: Bob <bob@example.net>", "To: Bob\r\n <bob@example.net>", 1), StatusFail, CauseSignatureMismatch},
		// Stored with Unix line ends: a bare LF counts as CRLF.
		{"simple LF line ends", strings.ReplaceAll(simple, "\r\n", "\n"), StatusPass, CauseNone},
		{"relaxed LF line ends", strings.ReplaceAll(relaxed, "\r\n", "\n"), StatusPass, CauseNone},
		{"ed25519", msgauthSign(t, testMessage, ek, "example.com", "ed", dkim.CanonicalizationRelaxed, dkim.CanonicalizationRelaxed, signed), StatusPass, CauseNone},
		{"ed25519 body changed", strings.Replace(msgauthSign(t, testMessage, ek, "example.com", "ed", dkim.CanonicalizationRelaxed, dkim.CanonicalizationSimple, signed), "Bob,", "Rob,", 1), StatusFail, CauseBodyHashMismatch},
		{"ed25519 signature on the rsa key", strings.Replace(msgauthSign(t, testMessage, ek, "example.com", "ed", dkim.CanonicalizationRelaxed, dkim.CanonicalizationRelaxed, signed), "s=ed", "s=rsa", 1), StatusPermerror, CauseKeyMismatch},
		{"revoked key", msgauthSign(t, testMessage, rk, "example.com", "gone", dkim.CanonicalizationRelaxed, dkim.CanonicalizationRelaxed, signed), StatusFail, CauseKeyRevoked},
		{"missing key", msgauthSign(t, testMessage, rk, "example.com", "nokey", dkim.CanonicalizationRelaxed, dkim.CanonicalizationRelaxed, signed), StatusPermerror, CauseKeyMissing},
		{"not a key record", msgauthSign(t, testMessage, rk, "example.com", "other", dkim.CanonicalizationRelaxed, dkim.CanonicalizationRelaxed, signed), StatusPermerror, CauseKeyMissing},
		{"sha1", simpleSign(t, plainMessage, rk, RSASHA1, "example.com", "rsa", signed, ""), StatusPass, CauseNone},
		{"sha1 on a sha256-only key", simpleSign(t, plainMessage, rk, RSASHA1, "example.com", "only256", signed, ""), StatusPermerror, CauseKeyMismatch},
		{"From not signed", simpleSign(t, plainMessage, rk, RSASHA256, "example.com", "rsa", []string{"To", "Subject"}, ""), StatusNeutral, CauseSyntax},
		{"t=s key, i= in a subdomain", simpleSign(t, plainMessage, rk, RSASHA256, "example.com", "strict", signed, "i=@mail.example.com; "), StatusPermerror, CauseKeyMismatch},
		{"t=s key, i= in d=", simpleSign(t, plainMessage, rk, RSASHA256, "example.com", "strict", signed, "i=alice@example.com; "), StatusPass, CauseNone},
		{"i= outside d=", simpleSign(t, plainMessage, rk, RSASHA256, "example.com", "rsa", signed, "i=@example.org; "), StatusNeutral, CauseSyntax},
		{"unknown algorithm", strings.Replace(relaxed, "a=rsa-sha256", "a=rsa-sha512", 1), StatusNeutral, CauseUnsupportedAlgorithm},
	} {
		t.Run(tt.name, func(t *testing.T) {
			wantResult(t, tt.name, verifyOne(t, srv, tt.raw, Options{}), tt.status, tt.cause)
		})
	}
}

func TestVerifyFacts(t *testing.T) {
	rk := rsaKey(t)
	srv, _ := keyServer(t, map[string]string{"rsa._domainkey.example.com": keyTXT(t, rk.Public(), "t=y; ")})

	// checks/send's signer: relaxed/relaxed rsa-sha256 over the fields it
	// finds.
	signer, err := send.NewDKIMSigner(rk, "example.com", "rsa")
	if err != nil {
		t.Fatal(err)
	}
	m := &send.Message{Data: []byte(testMessage)}
	if err := signer.Sign(m); err != nil {
		t.Fatal(err)
	}
	got := verifyOne(t, srv, string(m.Data), Options{})
	wantResult(t, "send signer", got, StatusPass, CauseNone)
	if got.Facts.KeyBits != 2048 || got.Facts.KeyType != "rsa" || !got.Facts.KeyTesting || !got.Facts.FromSigned || got.Facts.FromOverSigned || got.Facts.SHA1 {
		t.Errorf("send signer: facts %+v", got.Facts)
	}
	if got.Domain != "example.com" || got.Selector != "rsa" || got.Algorithm != RSASHA256 || got.HeaderCanon != Relaxed || got.BodyCanon != Relaxed || got.BodyLength != nil {
		t.Errorf("send signer: %+v", got)
	}

	// l=: the body extended after signing still passes, and the
	// remainder is reported unsigned.
	body := plainMessage[strings.Index(plainMessage, "\r\n\r\n")+4:]
	lsigned := simpleSign(t, plainMessage, rk, RSASHA256, "example.com", "rsa", signed, "l=39; ")
	if len(body) != 39 {
		t.Fatalf("body is %d octets", len(body))
	}
	const added = "P.S. wire the money to account 42.\r\n"
	got = verifyOne(t, srv, lsigned+added, Options{})
	wantResult(t, "l= extended", got, StatusPass, CauseNone)
	if got.BodyLength == nil || *got.BodyLength != 39 || got.Facts.UnsignedOctets != int64(len(added)) || got.Facts.BodyOctets != int64(39+len(added)) {
		t.Errorf("l= extended: body_length %v, facts %+v", got.BodyLength, got.Facts)
	}
	got = verifyOne(t, srv, strings.Replace(lsigned, "Hello", "Hallo", 1)+added, Options{})
	wantResult(t, "l= signed part changed", got, StatusFail, CauseBodyHashMismatch)
	got = verifyOne(t, srv, strings.TrimSuffix(lsigned, "attached.\r\n"), Options{})
	wantResult(t, "l= body cut", got, StatusFail, CauseBodyTooShort)

	// What h= covers is known without the key.
	got = verifyOne(t, srv, msgauthSign(t, testMessage, rk, "example.com", "nokey", dkim.CanonicalizationRelaxed, dkim.CanonicalizationRelaxed, signed), Options{})
	wantResult(t, "missing key", got, StatusPermerror, CauseKeyMissing)
	if !got.Facts.FromSigned || !strings.Contains(got.Error, "NXDOMAIN") {
		t.Errorf("missing key: facts %+v, error %q", got.Facts, got.Error)
	}

	// sha1 passes but says so.
	got = verifyOne(t, srv, simpleSign(t, plainMessage, rk, RSASHA1, "example.com", "rsa", signed, ""), Options{})
	wantResult(t, "sha1", got, StatusPass, CauseNone)
	if !got.Facts.SHA1 || got.Algorithm != RSASHA1 {
		t.Errorf("sha1: facts %+v", got.Facts)
	}

	// Over-signing From: h= names it twice, the message has one. Adding a
	// second From on top breaks the signature.
	over := msgauthSign(t, testMessage, rk, "example.com", "rsa", dkim.CanonicalizationRelaxed, dkim.CanonicalizationRelaxed, append([]string{"From"}, signed...))
	got = verifyOne(t, srv, over, Options{})
	wantResult(t, "over-signed", got, StatusPass, CauseNone)
	if !got.Facts.FromOverSigned || !got.Facts.FromSigned {
		t.Errorf("over-signed: facts %+v", got.Facts)
	}
	got = verifyOne(t, srv, "From: Mallory <boss@example.com>\r\n"+over, Options{})
	wantResult(t, "over-signed, From added", got, StatusFail, CauseSignatureMismatch)
	// Without over-signing, a From added on top is not signed but the
	// signature still verifies (the bottom From is the one signed).
	plain := msgauthSign(t, testMessage, rk, "example.com", "rsa", dkim.CanonicalizationRelaxed, dkim.CanonicalizationRelaxed, signed)
	got = verifyOne(t, srv, strings.Replace(plain, "\r\nFrom:", "\r\nFrom: Mallory <boss@example.com>\r\nFrom:", 1), Options{})
	wantResult(t, "From added below the signature", got, StatusPass, CauseNone)
}

func TestVerifyExpired(t *testing.T) {
	rk := rsaKey(t)
	srv, _ := keyServer(t, map[string]string{"rsa._domainkey.example.com": keyTXT(t, rk.Public(), "")})
	var out strings.Builder
	err := dkim.Sign(&out, strings.NewReader(testMessage), &dkim.SignOptions{
		Domain: "example.com", Selector: "rsa", Signer: rk, HeaderKeys: signed,
		Expiration: time.Now().Add(time.Hour),
	})
	if err != nil {
		t.Fatal(err)
	}
	got := verifyOne(t, srv, out.String(), Options{Now: time.Now()})
	wantResult(t, "before x=", got, StatusPass, CauseNone)
	got = verifyOne(t, srv, out.String(), Options{Now: time.Now().Add(2 * time.Hour)})
	wantResult(t, "after x=", got, StatusFail, CauseExpired)
	// The expired signature's key is not asked for.
	before := srv.Queries()
	verifyOne(t, srv, out.String(), Options{Now: time.Now().Add(2 * time.Hour)})
	if srv.Queries() != before {
		t.Errorf("expired: %d key lookups", srv.Queries()-before)
	}
	got = verifyOne(t, srv, out.String(), Options{Now: time.Now().Add(-time.Hour)})
	if !got.Facts.Future || got.Status != StatusPass {
		t.Errorf("t= in the future: %s, facts %+v", got.Status, got.Facts)
	}
}

func TestVerifyDNSFailure(t *testing.T) {
	rk := rsaKey(t)
	srv, _ := keyServer(t, map[string]string{"rsa._domainkey.example.com": keyTXT(t, rk.Public(), "")})
	srv.Set("rsa._domainkey.example.com", dnstest.ServFail)
	raw := msgauthSign(t, testMessage, rk, "example.com", "rsa", dkim.CanonicalizationRelaxed, dkim.CanonicalizationRelaxed, signed)
	wantResult(t, "SERVFAIL", verifyOne(t, srv, raw, Options{}), StatusTemperror, CauseDNSTemporary)

	srv2, _ := keyServer(t, map[string]string{"rsa._domainkey.example.com": "v=DKIM1; k=rsa; p=!!notbase64"})
	got := verifyOne(t, srv2, raw, Options{})
	wantResult(t, "bad key", got, StatusPermerror, CauseKeySyntax)
	if strings.Contains(got.Error, "dkim:") || !strings.Contains(got.Error, "tag p") {
		t.Errorf("bad key: error text %q", got.Error)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res := Verify(ctx, srv.Client(time.Second), parse(t, raw), Options{})
	if len(res.Signatures) != 1 || res.Signatures[0].Status != StatusTemperror {
		t.Errorf("cancelled: %+v", res.Signatures)
	}
}
