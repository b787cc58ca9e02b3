package smtpwire_test

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"

	"github.com/relayctl/relayctl/checks/smtpwire"
)

func ExampleReadReply() {
	server := "250-mx.example.com Hello\r\n250-PIPELINING\r\n250-SIZE 52428800\r\n250 AUTH PLAIN LOGIN\r\n"
	r, err := smtpwire.ReadReply(bufio.NewReader(strings.NewReader(server)), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	caps := smtpwire.ParseEHLO(r.Lines)
	fmt.Println(r.Code, caps.Greeting, caps.Pipelining, *caps.Size, caps.Auth)

	r, _ = smtpwire.ReadReply(bufio.NewReader(strings.NewReader("550 5.1.1 <nobody@example.org>: unknown\r\n")), nil)
	fmt.Println(r.Permanent(), r.Secode, r.Text())
	fmt.Println(smtpwire.Refused("RCPT", r).Message())
	// Output:
	// 250 mx.example.com Hello true 52428800 [PLAIN LOGIN]
	// true 5.1.1 <nobody@example.org>: unknown
	// RCPT was refused: 550 5.1.1 <nobody@example.org>: unknown
}

func ExampleWriteData() {
	var b bytes.Buffer
	smtpwire.WriteData(&b, []byte("Subject: hi\r\n\r\n.a line with a dot\r\n"))
	fmt.Printf("%q\n", b.String())
	// Output: "Subject: hi\r\n\r\n..a line with a dot\r\n.\r\n"
}
