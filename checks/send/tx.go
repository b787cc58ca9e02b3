package send

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/smtpwire"
)

// txResult is one mail transaction: which recipients the server took at
// RCPT, which it refused (temporarily or for good), and how it ended.
type txResult struct {
	rcptOK  []string
	refused []Rejection
	temp    map[string]bool // refused with a 4xx: worth another try
	data    *smtpwire.Reply // the 2xx reply to the final dot
	e       *stepError      // nil when data is set
	// tested: --quit-after stopped the transaction on purpose before DATA.
	tested bool
}

// command is one line of the transaction and what its reply means.
type command struct {
	kind string // RSET, MAIL, RCPT, DATA
	line string
	rcpt string
}

// tx runs MAIL, RCPT… and DATA for msg to rcpts. With PIPELINING (RFC
// 2920) the whole group goes out in one write and the replies are read in
// order; without it each command waits for its reply, and the transaction
// stops at the first refusal that ends it.
//
// beforeDot, when not nil, runs after the 354 and before the message is
// written: the last moment the server surely does not have it.
func (c *conn) tx(msg *Message, rcpts []string, tm *Timings, beforeDot func() error) txResult {
	res := txResult{temp: map[string]bool{}}
	reused := c.used
	c.used = true

	if msg.UTF8 && !c.has("SMTPUTF8") {
		// RFC 6531 §3.4: without the extension, such an address cannot be
		// sent at all.
		f := FailureRecipient
		if !isASCII(msg.From) {
			f = FailureSender
		}
		res.e = &stepError{failure: f, permanent: true, err: errorf(ErrPolicy, "an address needs SMTPUTF8 (RFC 6531), which %s does not offer", c.host)}
		return res
	}
	if c.cfg.hasDSN() && !c.has("DSN") && !c.dsnNoted {
		c.notes = append(c.notes, dsnNote(c.host))
		c.dsnNoted = true
	}
	var cmds []command
	if reused {
		cmds = append(cmds, command{kind: "RSET", line: "RSET"})
	}
	quit := c.cfg.QuitAfter
	cmds = append(cmds, command{kind: "MAIL", line: c.mailLine(msg)})
	if quit != "mail" {
		for _, r := range rcpts {
			cmds = append(cmds, command{kind: "RCPT", line: c.rcptLine(r), rcpt: r})
		}
	}
	// --quit-after: one command at a time, so nothing goes out past the
	// stage asked for.
	pipelined := c.has("PIPELINING") && quit == ""
	if pipelined {
		// Without PIPELINING, DATA waits until a recipient is known to be
		// taken.
		cmds = append(cmds, command{kind: "DATA", line: "DATA"})
	}
	first := true
	// failed marks the transaction as over: later replies of a pipelined
	// group are still read, to stay in step, but change nothing.
	var mailReply *smtpwire.Reply
	var dataReply *smtpwire.Reply
	tMail := time.Now()
	tRcpt := time.Time{}

	if pipelined {
		c.deadline(c.cfg.timeout())
		for _, cm := range cmds {
			c.send(cm.line, "")
		}
		if err := c.bw.Flush(); err != nil {
			c.broken = true
			res.e = netError(FailureConnect, "sending MAIL", err)
			res.e.stale = reused
			return res
		}
	}
	for _, cm := range cmds {
		var r *smtpwire.Reply
		var e *stepError
		f := failureOf(cm.kind)
		if pipelined {
			r, e = c.read(f, cm.kind)
		} else {
			r, e = c.cmd(f, cm.line, "")
		}
		if e != nil {
			e.stale = reused && first
			res.e = e
			return res
		}
		if first && reused && r.Code == 421 {
			// A server that closes a reused connection (its per-connection
			// message limit) is not refusing the message.
			res.e = replyError(f, r)
			res.e.stale = true
			return res
		}
		first = false
		switch cm.kind {
		case "RSET":
			if r.Code != 250 {
				res.e = replyError(FailureConnect, r)
				// The rest of a pipelined group's replies are not read:
				// the connection is out of step.
				c.broken = c.broken || pipelined
				return res
			}
		case "MAIL":
			tm.Mail = since(tMail)
			tRcpt = time.Now()
			mailReply = r
			if r.Class() != 2 {
				res.e = replyError(FailureSender, r)
				if !pipelined || r.Code == 421 {
					return res
				}
			}
		case "RCPT":
			if mailReply.Class() != 2 {
				continue
			}
			if r.Class() == 2 {
				res.rcptOK = append(res.rcptOK, cm.rcpt)
				continue
			}
			res.refused = append(res.refused, Rejection{Recipient: cm.rcpt, Code: r.Code, Status: r.Secode, Text: strings.Join(r.Lines, " ")})
			if r.Temporary() {
				res.temp[cm.rcpt] = true
			}
			if r.Code == 421 {
				res.e = replyError(FailureRecipient, r)
				return res
			}
		case "DATA":
			dataReply = r
		}
	}
	if !tRcpt.IsZero() {
		tm.Rcpt = since(tRcpt)
	}
	if quit != "" && res.e == nil {
		res.tested = true
		return res
	}
	if res.e != nil || len(res.rcptOK) == 0 {
		if dataReply != nil && dataReply.Code == 354 {
			// RFC 2920 §3.1: a 354 after every recipient failed is
			// answered with an empty message, which the server refuses.
			c.send(".", "")
			c.bw.Flush()
			c.read(FailureData, "DATA")
		}
		if res.e == nil {
			res.e = c.allRefused(res)
		}
		return res
	}
	if !pipelined {
		var e *stepError
		dataReply, e = c.cmd(FailureData, "DATA", "")
		if e != nil {
			res.e = e
			return res
		}
	}
	if dataReply.Code != 354 {
		res.e = replyError(FailureData, dataReply)
		if dataReply.Class() == 2 || dataReply.Class() == 3 {
			// RFC 5321 §4.1.1.4: DATA is answered with 354 before the
			// message; any other success leaves the dialogue out of step.
			res.e.err = errorf(ErrProtocol, "DATA was answered with %d where 354 (start mail input) was expected; the message was not sent", dataReply.Code)
			res.e.retry = false
			c.broken = true
		}
		return res
	}
	if beforeDot != nil {
		if err := beforeDot(); err != nil {
			// Drop the connection before any data: the server has no
			// message, and nothing is sent that a crash could repeat.
			c.close()
			res.e = &stepError{failure: FailureData, err: wrap("not sent: the in-flight record could not be written", err)}
			return res
		}
	}
	tData := time.Now()
	r, e := c.writeData(msg)
	tm.Data = since(tData)
	if e != nil {
		res.e = e
		return res
	}
	if r.Class() != 2 {
		res.e = replyError(FailureData, r)
		return res
	}
	res.data = r
	return res
}

// allRefused is the outcome when no recipient was taken: a 5xx if any
// refusal was permanent, else the (temporary) first one.
func (c *conn) allRefused(res txResult) *stepError {
	if len(res.refused) == 0 {
		return &stepError{failure: FailureRecipient, err: errorf(ErrBadInput, "no recipients")}
	}
	pick := res.refused[0]
	for _, r := range res.refused {
		if r.Code >= 500 {
			pick = r
			break
		}
	}
	rep := &smtpwire.Reply{Code: pick.Code, Secode: pick.Status, Lines: []string{pick.Text}}
	return replyError(FailureRecipient, rep)
}

func failureOf(kind string) Failure {
	switch kind {
	case "MAIL":
		return FailureSender
	case "RCPT":
		return FailureRecipient
	case "DATA":
		return FailureData
	}
	return FailureConnect
}

// mailLine is MAIL FROM with the parameters the server understands: SIZE
// (RFC 1870), BODY=8BITMIME (RFC 6152), SMTPUTF8 (RFC 6531).
func (c *conn) mailLine(msg *Message) string {
	line := "MAIL FROM:<" + msg.From + ">"
	if c.has("SIZE") {
		line += " SIZE=" + strconv.Itoa(len(msg.Data))
	}
	if msg.EightBit && c.has("8BITMIME") {
		line += " BODY=8BITMIME"
	}
	if msg.UTF8 {
		line += " SMTPUTF8"
	}
	if c.has("DSN") {
		// RFC 3461 §4.3, §4.4.
		if c.cfg.DSNRet != "" {
			line += " RET=" + c.cfg.DSNRet
		}
		if c.cfg.EnvID != "" {
			line += " ENVID=" + xtext(c.cfg.EnvID)
		}
	}
	return line
}

// rcptLine is RCPT TO with NOTIFY= (RFC 3461 §4.1) when asked for and
// the server offers DSN.
func (c *conn) rcptLine(rcpt string) string {
	line := "RCPT TO:<" + rcpt + ">"
	if c.cfg.DSNNotify != "" && c.has("DSN") {
		line += " NOTIFY=" + c.cfg.DSNNotify
	}
	return line
}

// writeData sends the message, dot-stuffed (RFC 5321 §4.5.2), and the
// final dot, then waits for the reply. A failure while writing is before
// the dot: the server holds no complete message. A missing reply after
// the dot is not: the outcome is unknown.
func (c *conn) writeData(msg *Message) (*smtpwire.Reply, *stepError) {
	if c.log.enabled() {
		c.sent(fmt.Sprintf("<message: %d bytes, %s>", len(msg.Data), msg.MessageID))
		c.sent(".")
	}
	c.nc.SetDeadline(time.Now().Add(c.cfg.dataTimeout()))
	if err := smtpwire.WriteData(c.bw, msg.Data); err != nil {
		c.broken = true
		return nil, netError(FailureData, "sending the message", err)
	}
	if err := c.bw.Flush(); err != nil {
		c.broken = true
		return nil, netError(FailureData, "sending the message", err)
	}
	r, err := smtpwire.ReadReply(c.br, c.received)
	if err != nil {
		c.broken = true
		f, within := FailureData, ""
		if isTimeout(err) {
			f, within = FailureTimeout, " within "+c.cfg.dataTimeout().String()
		}
		return nil, &stepError{failure: f, unknown: true,
			err: &checks.Error{Pkg: "send", Kind: ErrNoReply, Msg: checks.Message(ErrNoReply) + within + " (" + checks.Message(cleanNetErr(err)) + "); the server may have queued the message, so it was not sent again"}}
	}
	if r.Code == 421 {
		c.broken = true
	}
	return r, nil
}
