package smtpprobe

import (
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks/smtpwire"
)

// pipeReply feeds raw server output to the reply reader.
func pipeReply(t testing.TB, data []byte) (*smtpwire.Reply, error) {
	client, srv := net.Pipe()
	defer client.Close()
	go func() {
		srv.Write(data)
		srv.Close()
	}()
	p := &Probe{}
	s := newSession(client, time.Second, p)
	return s.readReply(t.Context())
}

func TestReadReply(t *testing.T) {
	r, err := pipeReply(t, []byte("250-mx.example.com\r\n250-PIPELINING\n250 5.0.0 wrong class kept\r\n"))
	if err != nil || r.Code != 250 || r.Text() != "mx.example.com\nPIPELINING\n5.0.0 wrong class kept" || len(r.Lines) != 3 {
		t.Errorf("%+v %v", r, err)
	}
	r, err = pipeReply(t, []byte("421 4.3.2 busy\r\n"))
	if err != nil || r.Secode != "4.3.2" || r.Text() != "busy" || r.String() != "421 4.3.2 busy" {
		t.Errorf("%+v %v", r, err)
	}
	if _, err := pipeReply(t, []byte("220 no end of line")); !errors.Is(err, ErrClosed) {
		t.Errorf("unterminated: %v", err)
	}
	if _, err := pipeReply(t, []byte(strings.Repeat("x", smtpwire.MaxLineLen+10))); !errors.Is(err, smtpwire.ErrLongLine) {
		t.Errorf("long line: %v", err)
	}
	if _, err := pipeReply(t, []byte(strings.Repeat("250-x\r\n", smtpwire.MaxReplyLines+1))); !errors.Is(err, smtpwire.ErrManyLines) {
		t.Errorf("many lines: %v", err)
	}
}

func TestDaysLeft(t *testing.T) {
	now := time.Date(2026, 1, 10, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		d    time.Duration
		want int
	}{{5*24*time.Hour + time.Hour, 5}, {23 * time.Hour, 0}, {-time.Hour, 0}, {-(3*24*time.Hour + time.Minute), -3}} {
		if got := daysLeft(now.Add(c.d), now); got != c.want {
			t.Errorf("%s: %d, want %d", c.d, got, c.want)
		}
	}
}
