package bounce

import (
	"strings"

	"github.com/relayctl/relayctl/checks/bounce/reason"
)

// Smaller formats with a layout of their own.

// An MTA nobody has named (Sisimai's "X2"): "Unable to deliver message
// to the following address(es)." then "<addr>:" blocks.
func readX2(m *message) *found {
	if !strings.Contains(m.header.get("from"), "MAILER-DAEMON@") &&
		!prefixAny(m.subject(), "Delivery failure", "failure delivery", "failed delivery") {
		return nil
	}
	report, original := splitAt(m.body, "--- Original message follows.")
	list := addressBlocks(report, func(l string) bool {
		return strings.HasPrefix(l, "Unable to deliver message to the following address")
	})
	if len(list) == 0 {
		return nil
	}
	return &found{list: list, original: original}
}

// OpenSMTPD's own failure texts (smtpd/mta.c, queue.c) by reason.
var openSMTPDMessages = phrases{
	{reason.Expired, []string{"Envelope expired"}},
	{reason.SecurityError, []string{"Could not retrieve credentials"}},
	{reason.HostUnknown, []string{"Invalid domain name", "Domain does not exist"}},
	{reason.NetworkError, []string{"Address family mismatch on destination MXs", "All routes to destination blocked",
		"bad DNS lookup error code", "Could not retrieve source address", "Loop detected",
		"Network error on destination MXs", "No valid route to remote MX", "No valid route to destination",
		"Temporary failure in MX lookup"}},
	{reason.NotAccept, []string{"Destination seem to reject all mails", "No MX found for domain", "No MX found for destination"}},
}

// OpenSMTPD: "This is the MAILER-DAEMON, please DO NOT REPLY to this
// e-mail." then "addr: error" lines.
func readOpenSMTPD(m *message) *found {
	score := 0
	if strings.Contains(m.subject(), "Delivery status notification") {
		score++
	}
	if strings.Contains(m.header.get("from"), "Mailer Daemon <") {
		score++
	}
	if m.receivedHas(" (OpenSMTPD) with ") {
		score++
	}
	if score == 0 {
		return nil
	}
	report, original := splitAt(m.body, "    Below is a copy of the original message:")
	var list []delivery
	started := false
	for _, l := range strings.Split(report, "\n") {
		if !started {
			started = strings.HasPrefix(l, "    This is the MAILER-DAEMON, please DO NOT REPLY to this")
			continue
		}
		if l == "" || !inOrder(l, "@", " ") {
			continue
		}
		a, diag, _ := strings.Cut(l, ":")
		list = append(list, delivery{recipient: cleanAddress(a), diagnosis: sweep(strings.TrimPrefix(diag, " "))})
	}
	if len(list) == 0 {
		return nil
	}
	for i := range list {
		d := &list[i]
		if r, ok := openSMTPDMessages.match(d.diagnosis); ok {
			d.reason = r
		}
	}
	return &found{list: list, original: original}
}

// Zoho Mail: "addr Invalid Address, ERROR_CODE :550, ERROR_CODE :5.1.1 …"
// or "[Status: Error, Address: <addr>, ResponseCode 421, …]".
func readZoho(m *message) *found {
	if !m.header.has("x-zohomail") {
		return nil
	}
	report, original := m.body, ""
	if i := strings.Index(m.body, "\n\nReceived:"); i >= 0 {
		report, original = m.body[:i+1], m.body[i+2:]
	}
	list := []delivery{{}}
	n := 0
	started := false
	for _, l := range strings.Split(report, "\n") {
		if !started {
			started = strings.HasPrefix(l, "This message was created automatically by mail delivery")
			continue
		}
		if l == "" {
			continue
		}
		d := &list[len(list)-1]
		if inOrder(l, "@", " ", "ERROR_CODE :") || strings.HasPrefix(l, "[Status: ") {
			if d.recipient != "" {
				list = append(list, delivery{})
				d = &list[len(list)-1]
			}
			d.recipient = addressIn(l)
			grow(&d.diagnosis, " "+l)
			n++
		} else if !strings.HasPrefix(l, "-----") {
			grow(&d.diagnosis, " "+l)
		}
	}
	if n == 0 {
		return nil
	}
	for i := range list {
		d := &list[i]
		d.diagnosis = sweep(d.diagnosis)
		if strings.Contains(d.diagnosis, "Host not reachable") {
			d.reason = reason.Expired
		}
	}
	return &found{list: list, original: original}
}

// GMX: "This message was created automatically by mail delivery
// software", then "\"addr\":" with "SMTP error from remote server after
// RCPT command:", "host: mx" and the reply.
func readGMX(m *message) *found {
	if !m.header.has("x-gmx-antispam") {
		return nil
	}
	report, original := splitAt(m.body, "--- The header of the original message is following. ---")
	var list []delivery
	started := false
	for _, l := range strings.Split(report, "\n") {
		if !started {
			started = strings.HasPrefix(l, "This message was created automatically by mail delivery software")
			continue
		}
		if l == "" {
			continue
		}
		switch {
		case strings.IndexByte(l, '@') > 1 && prefixAny(l, `"`, "<"):
			list = append(list, delivery{recipient: cleanAddress(strings.Trim(l, ":"))})
		case len(list) == 0:
		case strings.HasPrefix(l, "SMTP error "):
			list[len(list)-1].command = findCommand(l)
		case strings.HasPrefix(l, "host: "):
			list[len(list)-1].rhost = l[6:]
		default:
			grow(&list[len(list)-1].diagnosis, l+" ")
		}
	}
	if len(list) == 0 {
		return nil
	}
	for i := range list {
		d := &list[i]
		d.diagnosis = sweep(d.diagnosis)
		if strings.Contains(d.diagnosis, "delivery retry timeout exceeded") {
			d.reason = reason.Expired
		}
	}
	return &found{list: list, original: original}
}

var iMailMessages = phrases{
	{reason.HostUnknown, []string{"Unknown host"}},
	{reason.UserUnknown, []string{"Unknown user", "Invalid final delivery userid"}},
	{reason.MailboxFull, []string{"User mailbox exceeds allowed size"}},
	{reason.VirusDetected, []string{"Requested action not taken: virus detected"}},
	{reason.SpamDetected, []string{"Blacklisted URL in message"}},
	{reason.Expired, []string{"Delivery failed "}},
}

// Progress iMail Server: "Unknown user: addr" (or "undeliverable to
// addr") and "Body of message generated response:".
func readIMail(m *message) *found {
	if !strings.HasPrefix(m.subject(), "Undeliverable Mail ") && !strings.HasPrefix(m.header.get("x-mailer"), "<SMTP32 v") {
		return nil
	}
	report, original := splitAt(m.body, "Original message follows.")
	var list []delivery
	var response strings.Builder
	for _, l := range strings.Split(report, "\n") {
		if strings.Index(l, ": ") > 8 && inOrder(l, ": ", "@") || strings.HasPrefix(l, "undeliverable ") {
			list = append(list, delivery{diagnosis: l, recipient: addressIn(l)})
			continue
		}
		if strings.Contains(l, "Body of message generated response:") {
			response.WriteString(l)
		} else if response.Len() > 0 {
			response.WriteString(" " + l)
		}
	}
	if len(list) == 0 {
		return nil
	}
	for i := range list {
		d := &list[i]
		d.diagnosis = sweep(response.String() + " " + d.diagnosis)
		d.command = findCommand(d.diagnosis)
		if r, ok := iMailMessages.match(d.diagnosis); ok {
			d.reason = r
		}
	}
	if !strings.Contains(original, "\nFrom: ") && !strings.HasPrefix(original, "From: ") {
		original = "From: " + m.header.get("to") + "\n" + original
	}
	return &found{list: list, original: original}
}

var ezwebMessages = phrases{
	{reason.Expired, []string{"Your message was not delivered within "}},
	{reason.MailboxFull, []string{"The user(s) account is temporarily over quota"}},
	{reason.OnHold, []string{"Each of the following recipients was rejected by a remote mail server"}},
	{reason.Suspend, []string{"The user(s) account is disabled.", "The user(s) account is temporarily limited."}},
}

func is8bit(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return true
		}
	}
	return false
}

// au (KDDI) EZweb: "Mail System Error - Returned Mail" from
// Postmaster@ezweb.ne.jp, an English note ("The user(s) account is
// disabled.") and "<addr>: 550 user unknown" or a transcript.
func readEZweb(m *message) *found {
	score := 0
	from := m.header.get("from")
	if strings.Contains(from, "Postmaster@ezweb.ne.jp") {
		score++
	}
	if strings.Contains(from, "Postmaster@au.com") {
		score++
	}
	if m.subject() == "Mail System Error - Returned Mail" {
		score++
	}
	if m.receivedHas("ezweb.ne.jp (EZweb Mail) with") || m.receivedHas(".au.com (") {
		score++
	}
	id := m.header.get("message-id")
	if strings.Contains(id, ".ezweb.ne.jp>") || strings.Contains(id, ".au.com>") {
		score++
	}
	if score < 2 {
		return nil
	}
	report, original := splitAt(m.body, "--------------------------------------------------", markRFC822)
	list := []delivery{{}}
	n := 0
	started := false
	for _, l := range strings.Split(report, "\n") {
		if !started {
			started = prefixAny(l, "The user(s) ", "Your message ", "Each of the following", "<")
		}
		if !started || l == "" {
			continue
		}
		d := &list[len(list)-1]
		if inOrder(l, "<", "@", ">") && (strings.Index(l, "Recipient: <") > 1 || strings.HasPrefix(l, "<")) {
			if d.recipient != "" {
				list = append(list, delivery{})
				d = &list[len(list)-1]
			}
			d.recipient = cleanAddress(between(l, "<", ">"))
			grow(&d.diagnosis, " "+l)
			n++
			continue
		}
		if f, ok := parseDSNField(l); ok {
			switch f.name {
			case "status":
				d.status = f.value
			case "action":
				d.action = f.value
			case "diagnostic-code":
				grow(&d.diagnosis, " "+f.value)
			}
			continue
		}
		if is8bit(l) {
			continue
		}
		if strings.Contains(l, " >>> ") {
			d.command = findCommand(l)
		}
		grow(&d.diagnosis, " "+l)
	}
	if n == 0 {
		return nil
	}
	spam := strings.EqualFold(m.header.get("x-spasign"), "NG")
	for i := range list {
		d := &list[i]
		d.diagnosis = sweep(d.diagnosis)
		if d.command == "" {
			d.command = findCommand(d.diagnosis)
		}
		if spam {
			// X-SPASIGN: NG marks what au's filter refused.
			d.reason = reason.Filtered
		} else if r, ok := ezwebMessages.match(d.diagnosis); ok {
			d.reason = r
		}
		if d.reason == "" && !strings.Contains(d.recipient, "@ezweb.ne.jp") && !strings.Contains(d.recipient, "@au.com") &&
			strings.HasPrefix(d.diagnosis, "<") {
			d.reason = reason.UserUnknown
		}
	}
	return &found{list: list, original: original}
}

// au by KDDI (dion.ne.jp): "Your mail sent on: date", "Could not be
// delivered to: <addr>" and a one-line reason.
func readKDDI(m *message) *found {
	from := m.header.get("from")
	if !hasAny(from, "no-reply@.", ".dion.ne.jp") && !strings.Contains(m.header.get("reply-to"), "no-reply@app.auone-net.jp") &&
		!m.receivedHas("ezweb.ne.jp (") && !m.receivedHas(".au.com (") {
		return nil
	}
	report, original := splitOriginal(m.body, markRFC822)
	var list []delivery
	date := ""
	started := false
	for _, l := range strings.Split(report, "\n") {
		if !started {
			started = strings.HasPrefix(l, "Your mail sent on:") || strings.HasPrefix(l, "Your mail attempted to be delivered on:")
		}
		if !started || l == "" {
			continue
		}
		switch {
		case strings.Contains(l, " Could not be delivered to: <"):
			if a := cleanAddress(between(l, ": <", ">")); isAddress(a) {
				list = append(list, delivery{recipient: a, date: date})
			}
		case strings.Contains(l, "Your mail sent on: "):
			date = between(l, "Your mail sent on: ", "")
		case strings.HasPrefix(l, " ") && len(list) > 0:
			grow(&list[len(list)-1].diagnosis, l+" ")
		}
	}
	if len(list) == 0 {
		return nil
	}
	spam := strings.EqualFold(m.header.get("x-spasign"), "NG")
	for i := range list {
		d := &list[i]
		d.diagnosis = sweep(d.diagnosis)
		d.command = findCommand(d.diagnosis)
		switch {
		case spam:
			d.reason = reason.Filtered
		case d.command == "RCPT":
			d.reason = reason.UserUnknown
		case strings.Contains(d.diagnosis, "As their mailbox is full"):
			d.reason = reason.MailboxFull
		case strings.Contains(d.diagnosis, "Due to the following SMTP relay error"):
			d.reason = reason.NoRelaying
		case strings.Contains(d.diagnosis, "As the remote domain doesnt exist"):
			d.reason = reason.HostUnknown
		}
	}
	return &found{list: list, original: original}
}

// An MTA nobody has named (Sisimai's "X3"): "This is an automatically
// generated Delivery Status Notification.", "  * addr", then "SMTP:RCPT
// host …" technical details.
func readX3(m *message) *found {
	if !strings.HasPrefix(m.header.get("from"), "Mail Delivery System") ||
		!strings.HasPrefix(m.subject(), "Delivery status notification") {
		return nil
	}
	report, original := splitOriginal(m.body, markRFC822)
	var c dsnCollector
	started := false
	for _, l := range strings.Split(report, "\n") {
		if !started {
			started = strings.HasPrefix(l, "      This is an automatically generated Delivery Status Notification.")
			continue
		}
		if l == "" {
			continue
		}
		switch {
		case inOrder(l, "  * ", "@", "."):
			d := c.tail()
			if d.recipient != "" {
				c.list = append(c.list, delivery{})
				d = c.tail()
			}
			d.recipient = cleanAddress(between(l, "  * ", ""))
			c.recipients++
		case strings.HasPrefix(l, "SMTP:"):
			d := c.tail()
			if len(l) >= 10 {
				d.command = findCommand(l[4:10])
			}
			d.spec = "SMTP"
			grow(&d.diagnosis, " "+l)
		case strings.HasPrefix(l, "Routing: "):
			grow(&c.tail().diagnosis, " "+l)
		default:
			if f, ok := parseDSNField(l); ok && f.name == "final-recipient" && f.value == c.tail().recipient {
				continue
			}
			c.line(l)
		}
	}
	if c.recipients == 0 {
		return nil
	}
	return &found{list: c.finish(), original: original}
}

// 1&1 (EinsUndEins, kundenserver.de): "addr" or "addr:" alone on a line,
// then "For the following reason:" or an Exim-like "SMTP error from
// remote server for TEXT command, host: … reason: 550 …".
func readEinsUndEins(m *message) *found {
	if !strings.HasPrefix(m.header.get("from"), `"Mail Delivery System"`) ||
		m.subject() != "Mail delivery failed: returning message to sender" {
		return nil
	}
	report, original := splitAt(m.body, "--- The header of the original message is following. ---")
	var list []delivery
	var loose strings.Builder
	started := false
	for _, l := range strings.Split(report, "\n") {
		if !started {
			started = strings.HasPrefix(l, "This message was created automatically by mail delivery software")
			continue
		}
		if l == "" {
			continue
		}
		if inOrder(l, "@", ".") && (strings.HasSuffix(l, ":") || !strings.Contains(strings.TrimSpace(l), " ")) {
			if a := cleanAddress(strings.Trim(strings.TrimSpace(l), ":")); isAddress(a) {
				list = append(list, delivery{recipient: a})
			}
			continue
		}
		if len(list) == 0 {
			continue
		}
		d := &list[len(list)-1]
		switch {
		case strings.HasPrefix(l, "For the following reason:"):
			d.diagnosis = l
		case d.diagnosis != "":
			grow(&d.diagnosis, " "+l)
		default:
			loose.WriteString(" " + l)
		}
	}
	if len(list) == 0 {
		return nil
	}
	for i := range list {
		d := &list[i]
		if d.diagnosis == "" {
			d.diagnosis = loose.String()
		}
		d.command = findCommand(d.diagnosis)
		if inOrder(d.diagnosis, "host: ", " reason:") {
			d.rhost = sweep(between(d.diagnosis, "host: ", " "))
			d.status = findStatus(d.diagnosis, "")
			if strings.Contains(d.diagnosis, "for TEXT command") {
				d.command = "DATA"
			}
			if strings.Contains(d.diagnosis, "SMTP error") {
				d.spec = "SMTP"
			}
		}
		d.diagnosis = sweep(d.diagnosis)
		if strings.Contains(d.diagnosis, "Mail size limit exceeded") {
			d.reason = reason.MesgTooBig
		}
	}
	return &found{list: list, original: original}
}

// HCL (Lotus) Notes: "------- Failure Reasons --------", the reason, the
// address alone on a line.
func readNotes(m *message) *found {
	if !strings.HasPrefix(m.subject(), "Undeliverable message") {
		return nil
	}
	report, original := splitAt(m.body, "------- Returned Message --------")
	list := []delivery{{}}
	n := 0
	started := false
	for _, l := range strings.Split(report, "\n") {
		if !started {
			started = strings.HasPrefix(l, "------- Failure Reasons ")
			continue
		}
		if l == "" {
			continue
		}
		d := &list[len(list)-1]
		if strings.IndexByte(l, '@') > 0 && !strings.Contains(l, " ") {
			if !isAddress(l) {
				continue
			}
			if d.recipient != "" {
				list = append(list, delivery{})
				d = &list[len(list)-1]
			}
			d.recipient = l
			n++
		} else if !strings.HasPrefix(l, "-") {
			grow(&d.diagnosis, " "+l)
		}
	}
	if n == 0 {
		a := addressIn(originalHeader(original).text("to"))
		if a == "" {
			return nil
		}
		list[0].recipient = a
	}
	for i := range list {
		d := &list[i]
		d.diagnosis = sweep(d.diagnosis)
		switch {
		case strings.Contains(d.diagnosis, "Message has exceeded maximum hop count"):
			d.reason = reason.NetworkError
		case hasAny(d.diagnosis, "User not listed in public Name & Address Book", "ディレクトリのリストにありません"):
			d.reason = reason.UserUnknown
		}
	}
	return &found{list: list, original: original}
}

// Digital Arts m-FILTER: the address alone on a line, then "-------server
// message" and "-------SMTP command" sections.
func readMFilter(m *message) *found {
	if m.subject() != "failure notice" || m.header.get("x-mailer") != "m-FILTER" {
		return nil
	}
	report, original := splitAt(m.body, "-------original message", "-------original mail info")
	var list []delivery
	inServer, inCommand := false, false
	for _, l := range strings.Split(report, "\n") {
		if l == "" {
			continue
		}
		if strings.IndexByte(l, '@') > 0 && !strings.Contains(l, " ") {
			if isAddress(l) {
				list = append(list, delivery{recipient: l})
			}
			continue
		}
		if len(list) == 0 {
			continue
		}
		d := &list[len(list)-1]
		switch {
		case l == "-------server message":
			inServer = true
		case l == "-------SMTP command":
			inServer, inCommand = false, true
		case inServer && d.diagnosis == "":
			d.diagnosis = l
			inServer = false
		case inCommand && reason.ValidCommand(strings.ToUpper(strings.Fields(l + " x")[0])):
			d.command = strings.ToUpper(strings.Fields(l)[0])
			inCommand = false
		}
	}
	if len(list) == 0 {
		return nil
	}
	for i := range list {
		list[i].diagnosis = sweep(list[i].diagnosis)
	}
	return &found{list: list, original: original}
}

var fmlText = phrases{
	{reason.Rejected, []string{" header may cause mail loop", "NOT MEMBER article from ", "reject mail from ",
		"reject spammers:", "You are not a member of this mailing list"}},
	{reason.SecurityError, []string{"Security alert:"}},
	// fml refuses a Message-ID it has seen as a loop in the making.
	{reason.SystemError, []string{" has detected a loop condition so that", "Loop Back Warning:", "Duplicated Message-ID"}},
}

var fmlSubject = phrases{
	{reason.Rejected, []string{" are not member", "NOT MEMBER article from ", "reject mail ", "Spam mail from a spammer is rejected"}},
	{reason.SystemError, []string{"fml system error message", "Loop Alert: ", "Loop Back Warning: ", "WARNING: UNIX FROM Loop"}},
	{reason.SecurityError, []string{"Security Alert"}},
}

// fml (a mailing list manager): the list refuses a post; the address is
// in angle brackets, the reason in the text or the Subject.
func readFML(m *message) *found {
	if !m.header.has("x-mlserver") || strings.Index(m.header.get("from"), "-admin@") < 1 ||
		strings.Index(m.header.get("message-id"), ".FML") < 2 {
		return nil
	}
	report, original := splitAt(m.body, "Original mail as follows:")
	list := []delivery{{}}
	n := 0
	for _, l := range strings.Split(report, "\n") {
		if l == "" {
			continue
		}
		d := &list[len(list)-1]
		if a := between(l, "<", ">"); a != "" {
			if d.recipient != "" {
				list = append(list, delivery{})
				d = &list[len(list)-1]
			}
			d.recipient = cleanAddress(a)
			d.diagnosis = l
			n++
		} else {
			grow(&d.diagnosis, " "+l)
		}
	}
	if n == 0 {
		return nil
	}
	subj := m.subject()
	for i := range list {
		d := &list[i]
		d.diagnosis = sweep(d.diagnosis)
		if r, ok := fmlText.match(d.diagnosis); ok {
			d.reason = r
		} else if r, ok := fmlSubject.match(subj); ok {
			d.reason = r
		}
	}
	return &found{list: list, original: original}
}

var dominoMessages = phrases{
	{reason.Filtered, []string{"Cannot route mail to user"}},
	{reason.SystemError, []string{"Several matches found in Domino Directory"}},
	{reason.UserUnknown, []string{"not listed in Domino Directory", "not listed in public Name & Address Book",
		"no se encuentra en el Directorio de Domino", "non répertorié dans l'annuaire Domino",
		"Domino ディレクトリには見つかりません"}},
}

// HCL (Lotus) Domino: "Your message … was not delivered to: addr
// because: User … not listed in Domino Directory".
func readDomino(m *message) *found {
	subj := m.subject()
	if !strings.HasPrefix(subj, "DELIVERY FAILURE:") && !strings.Contains(subj, "DELIVERY_FAILURE") {
		return nil
	}
	report, original := splitOriginal(m.body, markRFC822)
	var list []delivery
	subject := ""
	started := false
	for _, l := range strings.Split(report, "\n") {
		if !started {
			started = strings.HasPrefix(l, "Your message")
			continue
		}
		if l == "" {
			continue
		}
		if l == "was not delivered to:" {
			list = append(list, delivery{})
			continue
		}
		if len(list) == 0 {
			if strings.HasPrefix(l, "  Subject: ") {
				subject = l[11:]
			}
			continue
		}
		d := &list[len(list)-1]
		switch {
		case strings.HasPrefix(l, "  ") && strings.IndexByte(l, '@') > 0 && len(l) > 3 && !strings.Contains(l[3:], " "):
			d.recipient = cleanAddress(l[2:])
		case l == "because:":
			d.diagnosis = l
		case d.diagnosis == "because:":
			d.diagnosis = l
		case strings.HasPrefix(l, "  Subject: "):
			subject = l[11:]
		default:
			if f, ok := parseDSNField(l); ok {
				switch f.name {
				case "diagnostic-code":
					if d.spec == "" {
						d.spec = f.typ
					}
					if d.diagnosis == "" {
						d.diagnosis = f.value
					}
				case "status":
					d.status = f.value
				case "action":
					d.action = f.value
				case "remote-mta":
					d.rhost = f.value
				case "reporting-mta":
					d.lhost = f.value
				case "final-recipient":
					// The status part outranks the text above it.
					if isAddress(f.value) {
						d.recipient = f.value
					}
				}
			}
		}
	}
	var out []delivery
	for _, d := range list {
		if !isAddress(d.recipient) {
			continue
		}
		d.diagnosis = sweep(d.diagnosis)
		if r, ok := dominoMessages.match(d.diagnosis); ok {
			if d.status == "" {
				d.status = reason.PseudoStatus(r, false)
			}
			d.reason = r
		}
		out = append(out, d)
	}
	if len(out) == 0 {
		return nil
	}
	if original == "" {
		original = "To: <" + out[0].recipient + ">\nSubject: " + subject + "\n"
	}
	return &found{list: out, original: original}
}

// Verizon (vtext.com) and Apache James: "Error message below:" with the
// reply, then "Message details:" naming "RCPT TO: addr".
func readMessageDetails(m *message) *found {
	from := strings.ToLower(m.header.get("from"))
	verizon := strings.Contains(from, "@vtext.com")
	james := strings.Contains(m.header.get("message-id"), ".JavaMail.") || m.receivedHas("JAMES SMTP Server")
	if !verizon && !james || !strings.Contains(m.body, "Message details:") {
		return nil
	}
	var d delivery
	inError := false
	for _, l := range strings.Split(m.body, "\n") {
		t := strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(t, "Error message below:"):
			inError = true
		case strings.HasPrefix(t, "Message details:"):
			inError = false
		case inError && t != "":
			grow(&d.diagnosis, " "+t)
		case strings.HasPrefix(t, "RCPT TO:"):
			if a := cleanAddress(strings.TrimSpace(t[8:])); isAddress(a) && d.recipient == "" {
				d.recipient = a
			}
		}
	}
	if d.recipient == "" {
		return nil
	}
	d.diagnosis = sweep(d.diagnosis)
	d.agent = "apachejames"
	if verizon {
		// Verizon refuses the recipient itself: the details name RCPT TO.
		d.agent, d.command = "verizon", "RCPT"
	}
	return &found{list: []delivery{d}, original: "To: <" + d.recipient + ">\n"}
}

// An MTA nobody has named (Sisimai's "X6"): "SMTP Server <host> rejected
// recipient <addr> (Error following RCPT command). It responded as
// follows: [550 5.1.1 User unknown]".
func readX6(m *message) *found {
	if !strings.HasPrefix(m.subject(), "There was an error sending your mail") {
		return nil
	}
	report, _ := splitAt(m.body, "The attachment contains the original mail headers")
	var list []delivery
	for _, l := range strings.Split(report, "\n") {
		if !strings.Contains(l, " rejected recipient <") {
			continue
		}
		d := delivery{recipient: cleanAddress(between(l, "rejected recipient <", ">")), diagnosis: sweep(l)}
		d.rhost = between(l, "SMTP Server <", ">")
		d.command = findCommand(between(l, "(Error following ", ")"))
		if r := between(l, "responded as follows: [", "]"); r != "" {
			d.diagnosis = r
		}
		list = append(list, d)
	}
	if len(list) == 0 {
		return nil
	}
	// The original header comes as a text attachment after the notice.
	_, original := splitAt(m.body, "The attachment contains the original mail headers")
	if i := strings.Index(original, "\nReceived:"); i >= 0 {
		original = original[i+1:]
	}
	return &found{list: list, original: original}
}

// BIGLOBE: "----- The following addresses had delivery problems -----",
// the addresses, "----- Non-delivered information -----" and the reason.
func readBiglobe(m *message) *found {
	if !strings.Contains(strings.ToLower(m.header.get("from")), "biglobe.ne.jp") ||
		!strings.HasPrefix(m.subject(), "Returned mail:") {
		return nil
	}
	report, original := splitOriginal(m.body, markRFC822)
	var list []delivery
	section := ""
	info := ""
	for _, l := range strings.Split(report, "\n") {
		t := strings.TrimSpace(l)
		switch {
		case strings.Contains(t, "----- The following addresses had delivery problems -----"):
			section = "addresses"
		case strings.Contains(t, "----- Non-delivered information -----"):
			section = "info"
		case t == "" || is8bit(t):
		case section == "addresses" && isAddress(cleanAddress(t)):
			list = append(list, delivery{recipient: cleanAddress(t)})
		case section == "info":
			grow(&info, " "+t)
		}
	}
	if len(list) == 0 {
		return nil
	}
	for i := range list {
		d := &list[i]
		d.diagnosis = sweep(info)
		switch {
		case strings.Contains(d.diagnosis, "The number of messages in recipient's mailbox exceeded the local limit"):
			d.reason = reason.MailboxFull
		case strings.Contains(d.diagnosis, "The desired destination mailbox is not found"):
			d.reason = reason.UserUnknown
		}
	}
	return &found{list: list, original: original}
}
