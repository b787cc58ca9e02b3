package content

import (
	"bytes"
	"context"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks"
)

const boundsHeader = "From: a@example.com\r\nDate: Tue, 1 Dec 2026 14:00:00 +0000\r\nMessage-ID: <b@example.com>\r\nMIME-Version: 1.0\r\n"

// measure runs Check on msg and returns the result, the time it took and
// the bytes it allocated.
func measure(t *testing.T, msg []byte) (checks.Result, time.Duration, uint64) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	res := Check(context.Background(), offline(t), msg, noLists)
	d := time.Since(start)
	runtime.ReadMemStats(&after)
	return res, d, after.TotalAlloc - before.TotalAlloc
}

// Hostile shapes take bounded time and memory and end in a finding,
// never a panic. The limits are generous (the race detector, a shared
// machine); the figures are logged with -v.
func TestBounds(t *testing.T) {
	if testing.Short() {
		t.Skip("builds messages of tens of megabytes; not with -short")
	}
	big := func() []byte {
		var b bytes.Buffer
		b.WriteString(boundsHeader + "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n<html><body>")
		line := "<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.</p>=\r\n"
		for b.Len() < 50<<20 {
			b.WriteString(line)
		}
		b.WriteString("</body></html>\r\n")
		return b.Bytes()
	}
	links := func() []byte {
		var b bytes.Buffer
		b.WriteString(boundsHeader + "Content-Type: text/html; charset=utf-8\r\n\r\n<html><body>\r\n")
		for i := range 100000 {
			b.WriteString(`<a href="https://h` + strconv.Itoa(i) + `.example.com/p?x=1&amp;y=2">www.other` + strconv.Itoa(i%7) + ".example</a>\r\n")
		}
		b.WriteString("</body></html>\r\n")
		return b.Bytes()
	}
	deep := func() []byte {
		var b bytes.Buffer
		b.WriteString(boundsHeader)
		for i := range 1000 {
			b.WriteString("Content-Type: multipart/mixed; boundary=\"b" + strconv.Itoa(i) + "\"\r\n\r\n--b" + strconv.Itoa(i) + "\r\n")
		}
		b.WriteString("Content-Type: text/plain\r\n\r\ndeep\r\n")
		return b.Bytes()
	}
	broken := func() []byte {
		return []byte(boundsHeader + "Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
			"SGVsbG8g!!!d29ybGQ=QUFB*\r\n" + strings.Repeat("@@@@", 1<<18) + "\r\n--x\r\nContent-Type: application/zip; name=a.zip\r\nContent-Transfer-Encoding: base64\r\n\r\nUEsDBBQAAAAI%%%\r\n--x--\r\n")
	}
	tests := []struct {
		name    string
		msg     func() []byte
		code    string
		maxTime time.Duration
		maxMem  uint64
	}{
		{"50MB HTML part", big, "content.large", 30 * time.Second, 1 << 30},
		{"100000 links", links, "content.links-capped", 30 * time.Second, 1 << 30},
		{"1000 deep", deep, "content.mime-too-complex", 10 * time.Second, 256 << 20},
		{"broken base64", broken, "content.encoding-broken", 10 * time.Second, 256 << 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := tt.msg()
			res, d, mem := measure(t, msg)
			t.Logf("%s: %d bytes in, %v, %d MB allocated, %d findings, status %s", tt.name, len(msg), d.Round(time.Millisecond), mem>>20, len(res.Findings), res.Status)
			if _, ok := codes(res)[tt.code]; !ok {
				t.Errorf("no %s: %+v", tt.code, res.Findings)
			}
			if d > tt.maxTime && !raceEnabled || mem > tt.maxMem {
				t.Errorf("took %v and %d MB", d, mem>>20)
			}
		})
	}
}
