package bounce

import (
	"strings"

	"github.com/relayctl/relayctl/checks/bounce/reason"
)

// Exim: "This message was created automatically by mail delivery
// software." then each failed address indented by two spaces with its
// error beneath, and an optional RFC 3464 part. McAfee SaaS (formerly
// MXLogic) sends the same with its own headers.
func init() {
	vendors = append(vendors, vendor{
		name:     "exim",
		subjects: []string{"mail delivery failed", "mail failure", "message frozen", "warning: message", "mail delivery"},
		read:     readExim,
	})
}

var eximStarts = []string{
	"This message was created automatically by mail delivery software.",
	"A message that you sent was rejected by the local scannning code",
	"A message that you sent contained one or more recipient addresses ",
	"A message that you sent could not be delivered to all of its recipients",
	" has been frozen", " was frozen on arrival", " router encountered the following error(s):",
}

var eximFrozen = []string{" has been frozen", " was frozen on arrival"}

// Exim's own error texts (deliver.c, route.c, transports, parser.c).
var eximMessages = []struct {
	reason string
	texts  []string
}{
	{reason.UserUnknown, []string{"user not found"}},
	{reason.HostUnknown, []string{"all host address lookups failed permanently",
		"all relevant MX records point to non-existent hosts", "Unrouteable address"}},
	{reason.MailboxFull, []string{"mailbox is full", "error: quota exceed"}},
	{reason.NotAccept, []string{"an MX or SRV record indicated no SMTP service",
		"no host found for existing SMTP connection"}},
	{reason.SyntaxError, []string{"angle-brackets nested too deep", `expected word or "<"`,
		"domain missing in source-routed address", "malformed address:"}},
	{reason.SystemError, []string{"delivery to file forbidden", "delivery to pipe forbidden",
		"local delivery failed", "LMTP error after "}},
	{reason.ContentError, []string{`Too many "Received" headers`}},
}

var eximDelayed = []string{
	"retry timeout exceeded", "No action is required on your part",
	"retry time not reached for any host after a long failure period",
	"all hosts have been failing for a long time and were last tried", "Delay reason: ",
	"has been frozen", "was frozen on arrival by ",
}

func isEximID(id string) bool {
	// Message-Id: <E1P1YNN-0003AD-Ga@example.org>
	return strings.IndexByte(id, '<') == 0 && strings.IndexByte(id, '-') == 8 && strings.IndexByte(id, '@') == 18
}

func readExim(m *message) *found {
	id := m.header.get("message-id")
	third := m.header.has("x-mx-bounce") || m.header.has("x-mxl-hash") || m.header.has("x-mxl-notehash") ||
		strings.Contains(id, "<mxl~")
	score := 0
	if strings.Contains(m.header.get("from"), "Mail Delivery System") {
		score++
	}
	if hasAny(m.subject(), "Delivery Status Notification", "Mail delivery failed", "Mail failure",
		"Message frozen", "Warning: message ", "error(s) in forwarding or filtering") {
		score++
	}
	if isEximID(id) {
		score++
	}
	if score < 2 && !third {
		return nil
	}
	body := m.body
	if strings.Contains(body, "\n----- This ") {
		body = strings.Replace(body, "\n----- This ", "\n------ This ", 1)
	}
	report, original := splitAt(body,
		"------ This is a copy of the message, including all the headers. ------",
		"------ This is a copy of the message's headers. ------",
		markRFC822,
		"Included is a copy of the message header:\n-----------------------------------------")
	_, boundary := mediaType(m.header.get("content-type"))
	hasDSN := boundary["boundary"] != ""

	// The first entry collects what comes before any address (an alias
	// line, status fields), as the report may name no address at all.
	list := []delivery{{}}
	other := []string{""}
	cur := func() *delivery { return &list[len(list)-1] }
	started, afterDSN := false, false
	for _, l := range strings.Split(report, "\n") {
		if !started {
			if hasAny(l, eximStarts...) {
				started = true
				if !hasAny(l, eximFrozen...) {
					continue
				}
			} else {
				continue
			}
		}
		if l == "" {
			continue
		}
		isAddrLine := strings.HasPrefix(l, "  ") && strings.IndexByte(l, '@') >= 2 && strings.IndexByte(l, '.') >= 2 &&
			!strings.Contains(l, "pipe to |") && len(l) > 2 && l[2] != ' ' && (third || l[2] != '<')
		if isAddrLine || strings.Contains(l, " an undisclosed address") {
			a := ""
			diag := ""
			if strings.Contains(l, " an undisclosed address") {
				a = strings.TrimSpace(l[2:])
			} else if x := between(l, "<", ">:"); x != "" {
				a = cleanAddress(x)
				diag = sweep(between(l, ">:", ""))
			} else {
				p := strings.LastIndex(l, ": ")
				if p < 0 {
					p = len(l)
				}
				a = cleanAddress(strings.TrimSpace(l[2:p]))
				if i := strings.IndexByte(a, ' '); i > 0 && strings.Contains(a[:i], "@") {
					a = a[:i]
				}
			}
			if !strings.Contains(l, " an undisclosed address") && !isAddress(a) {
				continue
			}
			if cur().recipient == "" {
				cur().recipient = a
			} else if cur().recipient != a {
				list = append(list, delivery{recipient: a})
				other = append(other, "")
			}
			if diag != "" {
				cur().diagnosis = diag
			}
			continue
		}
		switch {
		case hasAny(l, " (generated from ", " generated by "):
			for _, w := range strings.Fields(l) {
				if strings.IndexByte(w, '@') > 0 {
					cur().alias = cleanAddress(w)
					break
				}
			}
		case hasAny(l, eximFrozen...):
			other[len(other)-1] = l + " "
		case hasDSN:
			if f, ok := parseDSNField(l); ok {
				d := cur()
				switch f.name {
				case "final-recipient":
					if d.spec == "" {
						if strings.IndexByte(f.value, '@') > 0 {
							d.spec = "SMTP"
						} else {
							d.spec = "X-UNIX"
						}
					}
				case "diagnostic-code":
					d.spec = strings.ToUpper(f.typ)
					d.diagnosis = f.value
				case "status":
					d.status = f.value
				case "action":
					d.action = f.value
				case "remote-mta":
					d.rhost = f.value
				case "reporting-mta":
					d.lhost = f.value
				case "arrival-date", "last-attempt-date":
					d.date = f.value
				}
			} else if !afterDSN {
				if strings.HasPrefix(l, markDSN) {
					afterDSN = true
				}
				if strings.HasPrefix(l, " ") {
					grow(&other[len(other)-1], l+" ")
				}
			}
		case cur().recipient != "" || strings.HasPrefix(l, "  "):
			// The error under an address (or under "pipe to |…", which
			// has none).
			grow(&cur().diagnosis, " "+l)
		}
	}
	n := 0
	for _, d := range list {
		if d.recipient != "" {
			n++
		}
	}
	if n == 0 {
		// X-Failed-Recipients names them when the body does not; the
		// first takes what was gathered so far.
		k := 0
		for _, a := range strings.Split(m.header.get("x-failed-recipients"), ",") {
			if a = strings.TrimSpace(a); a == "" {
				continue
			}
			if k == 0 {
				list[0].recipient = a
				list, other = list[:1], other[:1]
			} else {
				list = append(list, delivery{recipient: a})
				other = append(other, "")
			}
			k++
		}
		if k == 0 {
			return nil
		}
	} else if list[0].recipient == "" {
		list, other = list[1:], other[1:]
	}
	for i := range list {
		d := &list[i]
		if d.alias != "" && !strings.Contains(d.recipient, "@") {
			d.recipient = d.alias
		}
	}
	lhost := firstReceivedFrom(m.header)
	for i := range list {
		d := &list[i]
		if d.diagnosis == "" && hasDSN {
			d.diagnosis = list[0].diagnosis
			if d.spec == "" {
				d.spec = list[0].spec
			}
			if other[0] != "" {
				other[i] = other[0]
			}
		}
		if o := other[i]; o != "" {
			if d.diagnosis == "" {
				d.diagnosis = o
			}
			if strings.HasPrefix(d.diagnosis, "-") || strings.HasSuffix(d.diagnosis, "__") {
				d.diagnosis = o
			} else if len(d.diagnosis) < len(o) {
				o = sweep(o)
				if strings.Contains(strings.ToLower(o), strings.ToLower(d.diagnosis)) {
					d.diagnosis = o
				}
			}
		}
		d.diagnosis = sweep(d.diagnosis)
		if i := strings.Index(d.diagnosis, "__"); i > 0 {
			d.diagnosis = d.diagnosis[:i]
		}
		if d.rhost == "" {
			d.rhost = hostInText(d.diagnosis)
		}
		if d.lhost == "" {
			d.lhost = lhost
		}
		if d.command == "" {
			for _, lead := range []string{"SMTP error from remote ", "LMTP error after "} {
				if strings.Contains(d.diagnosis, lead) {
					if d.command = findCommand(d.diagnosis); d.command != "" {
						break
					}
				}
			}
			switch d.command {
			case "EHLO", "HELO":
				d.reason = reason.Blocked
			case "MAIL":
				d.reason = reason.OnHold
			default:
				for _, mm := range eximMessages {
					if hasAny(d.diagnosis, mm.texts...) {
						d.reason = mm.reason
						break
					}
				}
				if d.reason == "" {
					if hasAny(d.diagnosis, eximDelayed...) {
						d.reason = reason.Expired
					} else if strings.Contains(d.diagnosis, "pipe to |") {
						d.reason = reason.MailerError
					}
				}
			}
		}
		// A reply code in the diagnostic outranks the Status field: Exim
		// writes "Status: 5.0.0" over "450 TEMPERROR".
		cr := findReply(d.diagnosis, d.status)
		cs := findStatus(d.diagnosis, cr)
		temp := strings.HasPrefix(cr, "4") || d.reason == reason.Expired || d.reason == reason.MailboxFull
		cv := reason.PseudoStatus(d.reason, temp)
		if d.replyCode == "" {
			d.replyCode = cr
		}
		if d.status == "" {
			d.status = preferStatus(cs, cv, cr)
		}
	}
	if original == "" && len(list) > 0 {
		o := "To: <" + list[0].recipient + ">\n"
		if v := strings.TrimSpace(between(m.body, "The date of the message is: ", "\n")); v != "" {
			o += "Date: " + v + "\n"
		}
		if v := strings.TrimSpace(between(m.body, "The subject of the message is: ", "\n")); v != "" {
			o += "Subject: " + v + "\n"
		}
		original = o
	}
	return &found{list: list, original: original}
}

// firstReceivedFrom returns the "from" host of the last Received field:
// the host that handed the bounce on first.
func firstReceivedFrom(h header) string {
	rs := h.all("received")
	if len(rs) == 0 {
		return ""
	}
	l := rs[len(rs)-1]
	if v := between(l, "from ", " "); v != "" && isHostName(strings.Trim(v, "()[]")) {
		return strings.ToLower(strings.Trim(v, "()[]"))
	}
	return ""
}
