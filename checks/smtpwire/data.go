package smtpwire

import (
	"bufio"
	"bytes"
	"io"
)

var crlfDot = []byte("\r\n.")

// WriteData writes a message as the DATA command carries it (RFC 5321
// §4.5.2): an extra "." before every line that starts with one, a CRLF
// after a last line that lacks it, then the final ".\r\n". data uses CRLF
// line ends.
func WriteData(w io.Writer, data []byte) error {
	bw, ok := w.(*bufio.Writer)
	if !ok {
		bw = bufio.NewWriter(w)
	}
	if len(data) > 0 && data[0] == '.' {
		bw.WriteByte('.')
	}
	for {
		i := bytes.Index(data, crlfDot)
		if i < 0 {
			break
		}
		bw.Write(data[:i+2])
		bw.WriteByte('.')
		data = data[i+2:]
	}
	bw.Write(data)
	if len(data) > 0 && !bytes.HasSuffix(data, []byte("\r\n")) {
		bw.WriteString("\r\n")
	}
	if _, err := bw.WriteString(".\r\n"); err != nil || ok {
		return err // a caller's bufio.Writer is flushed by the caller
	}
	return bw.Flush()
}
