package arc

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks/dkimverify"
	"github.com/relayctl/relayctl/checks/dnsx/dnstest"
)

// threeHops seals baseMessage at three intermediaries; between the first
// and the second the Subject gets a list tag, as a mailing list does.
func threeHops(t *testing.T) ([]hop, string) {
	hops := []hop{
		newRSAHop(t, "relay.example", "arc1"),
		newEdHop(t, "lists.example", "arc2"),
		newRSAHop(t, "mx.example", "arc3"),
	}
	m := hops[0].seal(t, baseMessage, 1, "none", "spf=pass smtp.mailfrom=origin.example; dkim=pass header.d=origin.example")
	m = strings.Replace(m, "Subject: Minutes", "Subject: [list] Minutes", 1)
	m = hops[1].seal(t, m, 2, "pass", "arc=pass; dkim=fail header.d=origin.example")
	m = hops[2].seal(t, m, 3, "pass", "arc=pass")
	return hops, m
}

func validate(t *testing.T, srv *dnstest.Server, raw string) Result {
	t.Helper()
	return Validate(context.Background(), srv.Client(2*time.Second), parse(t, raw), Options{})
}

func wantFail(t *testing.T, name string, res Result, cause Cause, instance int) {
	t.Helper()
	if res.Status != StatusFail || res.Cause != cause || res.FailedInstance != instance {
		t.Errorf("%s: cv=%s cause %q at %d (%s), want fail %q at %d", name, res.Status, res.Cause, res.FailedInstance, res.Error, cause, instance)
	}
	if !errors.Is(res.Err, causeErr[cause]) || res.Error == "" || strings.Contains(res.Error, "arc:") || strings.Contains(res.Error, "dkimverify") {
		t.Errorf("%s: error %v, text %q", name, res.Err, res.Error)
	}
}

func TestThreeHopChain(t *testing.T) {
	hops, m := threeHops(t)
	srv := serve(t, hops...)
	res := validate(t, srv, m)
	if res.Status != StatusPass || res.Instances != 3 || res.Err != nil {
		t.Fatalf("cv=%s, %d instances, %v", res.Status, res.Instances, res.Err)
	}
	// The first AMS broke when the list changed the Subject: the chain
	// holds, and the oldest hop whose AMS still verifies is 2.
	if res.OldestPass != 2 {
		t.Errorf("oldest-pass %d, want 2", res.OldestPass)
	}
	if h := res.Hops[0]; h.AMS.Status != dkimverify.StatusFail || h.AMS.Cause != dkimverify.CauseSignatureMismatch || h.Seal.Status != dkimverify.StatusPass || h.CV != CVNone {
		t.Errorf("hop 1: %+v / %+v", h.AMS, h.Seal)
	}
	for _, h := range res.Hops[1:] {
		if h.AMS.Status != dkimverify.StatusPass || h.Seal.Status != dkimverify.StatusPass || h.CV != CVPass {
			t.Errorf("hop %d: %+v / %+v, cv %s", h.Instance, h.AMS, h.Seal, h.CV)
		}
	}
	if got := res.Hops[1].Results; got != "lists.example; arc=pass; dkim=fail header.d=origin.example" {
		t.Errorf("hop 2 claimed %q", got)
	}
	if res.Hops[1].Seal.Domain != "lists.example" || res.Hops[1].Seal.KeyBits != 256 || res.Hops[2].AMS.KeyBits != 2048 {
		t.Errorf("hops: %+v %+v", res.Hops[1].Seal, res.Hops[2].AMS)
	}

	// Nothing changed after hop 1 signed: every AMS passes.
	clean := hops[0].seal(t, baseMessage, 1, "none", "spf=pass")
	clean = hops[1].seal(t, clean, 2, "pass", "arc=pass")
	if res := validate(t, srv, clean); res.Status != StatusPass || res.OldestPass != 0 {
		t.Errorf("clean chain: cv=%s, oldest-pass %d (%s)", res.Status, res.OldestPass, res.Error)
	}
}

func TestChainBroken(t *testing.T) {
	hops, m := threeHops(t)
	srv := serve(t, hops...)

	wantFail(t, "body changed", validate(t, srv, strings.Replace(m, "Nothing was decided.", "Everything was decided.", 1)), CauseAMS, 3)
	// An AAR rewritten after sealing. The AMSs sign the first AAR they
	// meet from the bottom up (set 1's), so only the seals cover set 2's:
	// the newest seal fails.
	wantFail(t, "AAR 2 changed", validate(t, srv, strings.Replace(m, "dkim=fail header.d", "dkim=pass header.d", 1)), CauseSeal, 3)

	// Structure: a set without its AMS.
	wantFail(t, "AMS 2 missing", validate(t, srv, dropFields(m, func(f string) bool { return strings.HasPrefix(f, "ARC-Message-Signature: i=2;") })), CauseStructure, 2)
	// Two AARs for one instance.
	wantFail(t, "AAR 3 twice", validate(t, srv, "ARC-Authentication-Results: i=3; mx.example; arc=none\r\n"+m), CauseStructure, 3)
	// A gap: only sets 1 and 3.
	wantFail(t, "no set 2", validate(t, srv, dropFields(m, func(f string) bool { return strings.Contains(f, "i=2;") })), CauseStructure, 2)

	// Instance 51: more sets than RFC 8617 §4.2.1 allows.
	wantFail(t, "i=51", validate(t, srv, "ARC-Authentication-Results: i=51; mx.example; arc=pass\r\n"+m), CauseStructure, 0)

	// The newest seal records a failure.
	failed := hops[2].seal(t, m, 4, "fail", "arc=fail")
	wantFail(t, "cv=fail", validate(t, srv, failed), CauseRecordedFail, 4)
	// A seal past the first saying cv=none.
	wrong := hops[2].seal(t, m, 4, "none", "arc=pass")
	wantFail(t, "cv=none at 4", validate(t, srv, wrong), CauseStructure, 4)

	// A seal whose key is not published.
	stranger := newRSAHop(t, "stranger.example", "arc")
	wantFail(t, "seal key missing", validate(t, srv, stranger.seal(t, m, 4, "pass", "arc=pass")), CauseAMS, 4)

	// The key of the newest hop's DNS fails: a temporary failure.
	srv.Set("arc3._domainkey.mx.example", dnstest.ServFail)
	res := validate(t, srv, m)
	wantFail(t, "SERVFAIL", res, CauseAMS, 3)
	if !res.Temporary || res.Hops[2].AMS.Status != dkimverify.StatusTemperror {
		t.Errorf("SERVFAIL: temporary %v, hop 3 AMS %+v", res.Temporary, res.Hops[2].AMS)
	}
}

func TestSealOnlyKeyMissing(t *testing.T) {
	// AMS key published, seal key not: the AMS passes and the seal fails.
	h := newRSAHop(t, "relay.example", "ams")
	m := h.seal(t, baseMessage, 1, "none", "spf=pass")
	m = strings.Replace(m, "; s=ams; t=", "; s=seal; t=", 1) // the ARC-Seal's selector
	srv := serve(t, h)
	res := validate(t, srv, m)
	wantFail(t, "seal key missing", res, CauseSeal, 1)
	if v := res.Hops[0].Seal; v.Cause != dkimverify.CauseKeyMissing || v.Status != dkimverify.StatusPermerror {
		t.Errorf("seal verdict %+v", v)
	}
	if res.Hops[0].AMS.Status != dkimverify.StatusPass {
		t.Errorf("AMS verdict %+v", res.Hops[0].AMS)
	}
}

func TestNoChain(t *testing.T) {
	srv := serve(t)
	res := validate(t, srv, baseMessage)
	if res.Status != StatusNone || res.Err != nil || len(res.Hops) != 0 {
		t.Errorf("%+v", res)
	}
	if srv.Queries() != 0 {
		t.Errorf("%d DNS questions for a message without ARC", srv.Queries())
	}
}

// dropFields removes the header fields drop picks from msg.
func dropFields(msg string, drop func(field string) bool) string {
	fs, body := fields(msg)
	var kept []string
	for _, f := range fs {
		if !drop(f) {
			kept = append(kept, f)
		}
	}
	return strings.Join(kept, "") + "\r\n" + body
}
