package smtpwire

import (
	"bytes"
	"errors"
	"testing"
)

func TestWriteCommand(t *testing.T) {
	var b bytes.Buffer
	if err := WriteCommand(&b, "EHLO client.example"); err != nil || b.String() != "EHLO client.example\r\n" {
		t.Errorf("%q %v", b.String(), err)
	}
	for _, bad := range []string{"EHLO x\r\nMAIL FROM:<a@b>", "RCPT TO:<a@b>\n", "QUIT\r"} {
		b.Reset()
		if err := WriteCommand(&b, bad); !errors.Is(err, ErrLineBreak) || b.Len() != 0 {
			t.Errorf("%q: wrote %q, %v", bad, b.String(), err)
		}
	}
}
