package bounce

import (
	"strconv"
	"strings"
)

// Postfix: "Undelivered Mail Returned to Sender", the bounce(5) text
// ("<addr>: host mx[ip] said: 550 …") then an RFC 3464 part; and the
// "SMTP server: errors from" notice with an In:/Out: session transcript.
func readPostfix(m *message) *found {
	if m.header.Has("x-aol-ip") {
		return nil
	}
	subj := m.subject()
	if strings.Index(subj, "SMTP server: errors from ") > 0 {
		return readPostfixTranscript(m)
	}
	if subj != "Undelivered Mail Returned to Sender" {
		return nil
	}
	report, original := splitOriginal(m.body, markRFC822, markHeaders)
	var c dsnCollector
	started, noReport := false, false
	var commands []string
	other := struct{ recipient, alias, diagnosis string }{}
	prevDiag := false
	for _, l := range strings.Split(report, "\n") {
		if !started {
			started = inOrder(l, "The ", "Postfix ") || inOrder(l, "The ", "mail system") ||
				inOrder(l, "The ", "program") || inOrder(l, "This is the", "Postfix") ||
				inOrder(l, "This is the", "mail system")
			continue
		}
		if f, ok := parseDSNField(l); ok {
			if f.name == "diagnostic-code" && strings.EqualFold(f.typ, "X-POSTFIX") {
				c.line(l)
				c.tail().spec = "SMTP"
			} else {
				c.line(l)
			}
			prevDiag = f.name == "diagnostic-code"
			continue
		}
		if prevDiag && strings.HasPrefix(l, " ") {
			c.line(l)
			continue
		}
		prevDiag = false
		switch {
		case inOrder(l, "<", "@", ">", "(expanded from <", "):"):
			other.recipient = cleanAddress(between(l, "<", ">"))
			other.alias = cleanAddress(between(l, "(expanded from ", "):"))
			if i := strings.Index(l, ">): "); i >= 0 {
				other.diagnosis = l[i+4:]
			}
			if strings.Contains(l, "(in reply to ") {
				if cmd := findCommand(l); cmd != "" {
					commands = append(commands, cmd)
				}
			}
		case strings.HasPrefix(l, "<") && inOrder(l, "<", "@", ">:"):
			other.recipient = cleanAddress(l[:strings.IndexByte(l, '>')+1])
			other.diagnosis = l[strings.Index(l, ">:")+2:]
			if strings.Contains(l, "(in reply to ") {
				if cmd := findCommand(l); cmd != "" {
					commands = append(commands, cmd)
				}
			}
		case strings.Contains(l, "(in reply to ") || strings.Contains(l, "command)"):
			if cmd := findCommand(l); cmd != "" {
				commands = append(commands, cmd)
			}
			if other.diagnosis != "" {
				grow(&other.diagnosis, " "+l)
			}
		case strings.Contains(l, "--- Delivery report unavailable ---"):
			noReport = true
		default:
			if other.diagnosis != "" && strings.HasPrefix(l, "    ") {
				grow(&other.diagnosis, " "+strings.TrimSpace(l))
			}
		}
	}
	list := c.finish()
	if len(list) == 0 {
		switch {
		case other.recipient != "":
			list = []delivery{{recipient: other.recipient}}
		case noReport:
			if a := addressIn(originalHeader(original).Text("to")); a != "" {
				list = []delivery{{recipient: a}}
			}
		}
	}
	if len(list) == 0 {
		return nil
	}
	alt := sweep(other.diagnosis)
	for i := range list {
		d := &list[i]
		if alt != "" {
			if d.diagnosis == "" || onlyDigits(d.diagnosis) {
				d.diagnosis = alt
			} else {
				as, ar := "", ""
				if d.status == "" || strings.HasSuffix(d.status, ".0.0") {
					as = findStatus(alt, "")
					if as != "" && !strings.HasSuffix(as, ".0.0") {
						d.status = as
					}
				}
				if d.replyCode == "" || strings.HasSuffix(d.replyCode, "00") {
					ar = findReply(alt, "")
					if ar != "" && !strings.HasSuffix(ar, "00") {
						d.replyCode = ar
					}
				}
				if as+ar != "" && len(alt) >= len(d.diagnosis) && strings.Contains(alt, d.diagnosis) {
					d.diagnosis = alt
				}
			}
		}
		d.diagnosis = sweep(d.diagnosis)
		if len(commands) > 0 {
			d.command = commands[0]
		} else if d.command = findCommand(d.diagnosis); d.command == "" &&
			strings.Contains(d.diagnosis, "refused to talk to me:") {
			d.command = "HELO"
		}
		if d.spec == "" && inOrder(d.diagnosis, "host ", " said:") {
			d.spec = "SMTP"
		}
	}
	return &found{list: list, original: original}
}

// A step of an SMTP session transcript: the client's command and the
// server's reply to it.
type transcriptStep struct {
	command, argument string
	reply, status     string
	text              []string
}

// readTranscript reads an SMTP session written as lines starting with
// the client's and the server's markers.
func readTranscript(s, client, server string) []transcriptStep {
	var steps []transcriptStep
	for _, l := range strings.Split(s, "\n") {
		l = strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(l, client):
			cmd := strings.TrimSpace(l[len(client):])
			verb, arg, _ := strings.Cut(cmd, " ")
			verb = strings.ToUpper(verb)
			if verb == "MAIL" || verb == "RCPT" {
				if i := strings.IndexByte(arg, ':'); i >= 0 {
					arg = arg[i+1:]
				}
				arg = cleanAddress(strings.Fields(arg + " x")[0])
			}
			steps = append(steps, transcriptStep{command: verb, argument: arg})
		case strings.HasPrefix(l, server) && len(steps) > 0:
			resp := strings.TrimSpace(l[len(server):])
			st := &steps[len(steps)-1]
			if len(resp) >= 3 {
				if st.reply == "" {
					st.reply = resp[:3]
				}
				body := strings.TrimLeft(resp[3:], " -")
				if st.status == "" {
					if c := findStatus(body, ""); c != "" && strings.HasPrefix(body, c) {
						st.status = c
					}
				}
				st.text = append(st.text, resp)
			}
		}
	}
	return steps
}

// readPostfixTranscript reads the notice Postfix's SMTP server sends the
// postmaster (notify_classes): its transcript is written from the
// server's side, "In:" for what the client sent and "Out:" for the
// server's replies (smtpd_chat.c).
func readPostfixTranscript(m *message) *found {
	report, original := splitOriginal(m.body, markRFC822, markHeaders)
	steps := readTranscript(report, "In:", "Out:")
	if len(steps) == 0 {
		return nil
	}
	list := []delivery{{}}
	var commands []string
	for _, s := range steps {
		d := &list[len(list)-1]
		switch s.command {
		case "EHLO", "HELO":
			d.lhost = s.argument
		case "MAIL":
			if original == "" {
				original = "To: " + s.argument + "\n"
			}
		case "RCPT":
			if d.recipient != "" {
				list = append(list, delivery{})
				d = &list[len(list)-1]
			}
			d.recipient = s.argument
		}
		if n, err := strconv.Atoi(s.reply); err != nil || n < 400 {
			continue
		}
		commands = append(commands, s.command)
		if d.diagnosis == "" {
			d.diagnosis = strings.Join(s.text, " ")
		}
		if d.replyCode == "" {
			d.replyCode = s.reply
		}
		if d.status == "" {
			d.status = s.status
		}
	}
	var out []delivery
	for _, d := range list {
		if d.recipient == "" {
			continue
		}
		if len(commands) > 0 {
			d.command = commands[0]
		}
		d.diagnosis = sweep(d.diagnosis)
		out = append(out, d)
	}
	if len(out) == 0 {
		return nil
	}
	return &found{list: out, original: original}
}
