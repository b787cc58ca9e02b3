package dkimverify

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"
)

// All the key lookups of a message go out together: with every answer
// 200ms away, the server holds all the distinct questions at once. (The
// delay is long so that a loaded machine, under -race, still starts
// every lookup inside it.)
func TestKeyLookupsInFlight(t *testing.T) {
	rk := rsaKey(t)
	records := map[string]string{}
	raw := plainMessage
	for i := range 6 {
		sel := fmt.Sprintf("s%d", i)
		records[sel+"._domainkey.example.com"] = keyTXT(t, rk.Public(), "")
		raw = simpleSign(t, raw, rk, RSASHA256, "example.com", sel, signed, "")
	}
	// Two signatures with the same key: one question for both.
	raw = simpleSign(t, raw, rk, RSASHA256, "example.com", "s0", signed, "")
	srv, c := keyServer(t, records)
	srv.SetDelay(200 * time.Millisecond)
	res := Verify(context.Background(), c, parse(t, raw), Options{})
	if len(res.Signatures) != 7 {
		t.Fatalf("%d signatures", len(res.Signatures))
	}
	for _, s := range res.Signatures {
		if s.Status != StatusPass {
			t.Errorf("%s: %s %v", s.Selector, s.Status, s.Err)
		}
	}
	if q, p := srv.Queries(), srv.PeakInFlight(); q != 6 || p != 6 {
		t.Errorf("%d questions, %d at once; want 6 and 6", q, p)
	}
}

// 10,000 DKIM-Signature fields: the first DefaultMaxSignatures are
// verified (their lookups bounded by the same number), the rest counted.
func TestManySignatures(t *testing.T) {
	var b strings.Builder
	for i := range 10000 {
		fmt.Fprintf(&b, "DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=s%d; h=from; bh=MTIz; b=YWJj\r\n", i)
	}
	raw := b.String() + plainMessage
	srv, c := keyServer(t, map[string]string{})
	srv.SetDelay(200 * time.Millisecond)
	start := time.Now()
	res := Verify(context.Background(), c, parse(t, raw), Options{})
	if len(res.Signatures) != DefaultMaxSignatures || res.NotEvaluated != 10000-DefaultMaxSignatures || len(res.NotEvaluatedFields) != res.NotEvaluated {
		t.Fatalf("%d verified, %d not evaluated", len(res.Signatures), res.NotEvaluated)
	}
	for _, s := range res.Signatures {
		if s.Cause != CauseKeyMissing {
			t.Errorf("field %d: %s %s", s.Field, s.Status, s.Cause)
			break
		}
	}
	if q, p := srv.Queries(), srv.PeakInFlight(); q != DefaultMaxSignatures || p != DefaultMaxSignatures {
		t.Errorf("%d questions, %d at once", q, p)
	}
	t.Logf("10,000 signature fields: %v", time.Since(start))
}

// bigMessage is a message whose body is generated on demand: lines of
// text up to size bytes in all, so a test can verify a body far larger
// than it would like to hold.
type bigMessage struct {
	head []byte
	size int64
}

const bigLine = "0123456789 abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWX\r\n" // 64 bytes

func (m *bigMessage) ReadAt(p []byte, off int64) (int, error) {
	if off >= m.size {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) && off < m.size {
		var c byte
		if off < int64(len(m.head)) {
			c = m.head[off]
		} else {
			c = bigLine[(off-int64(len(m.head)))%int64(len(bigLine))]
		}
		p[n] = c
		n++
		off++
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// A large body is hashed as it streams: verifying it allocates a small,
// fixed amount, not the body's size.
func TestLargeBodyStreams(t *testing.T) {
	const bodySize = 32 << 20
	rk := rsaKey(t)
	_, c := keyServer(t, map[string]string{"rsa._domainkey.example.com": keyTXT(t, rk.Public(), "")})
	head := strings.SplitAfter(plainMessage, "\r\n\r\n")[0]
	// The body hash, computed here from the generator: the simple form of
	// whole lines with no empty ones at the end is the body itself.
	h := sha256.New()
	body := &bigMessage{size: bodySize}
	io.Copy(h, io.NewSectionReader(body, 0, bodySize))
	signedHead := signHeader(t, head, rk, RSASHA256, "example.com", "rsa", signed, "", h.Sum(nil))
	msg := &bigMessage{head: []byte(signedHead), size: int64(len(signedHead)) + bodySize}

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	m, err := ParseMessage(msg, msg.size)
	if err != nil {
		t.Fatal(err)
	}
	res := Verify(context.Background(), c, m, Options{})
	runtime.ReadMemStats(&after)
	if len(res.Signatures) != 1 || res.Signatures[0].Status != StatusPass || res.Signatures[0].Facts.BodyOctets != bodySize {
		t.Fatalf("%+v", res.Signatures)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 4<<20 {
		t.Errorf("verifying a %d MB body allocated %d KB", bodySize>>20, alloc>>10)
	} else {
		t.Logf("verifying a %d MB body allocated %d KB", bodySize>>20, alloc>>10)
	}
}
