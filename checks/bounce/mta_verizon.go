package bounce

import "strings"

// Verizon (vtext.com) and Apache James: "Error message below:" with the
// reply, then "Message details:" naming "RCPT TO: addr".
func readMessageDetails(m *message) *found {
	from := strings.ToLower(m.header.Get("from"))
	verizon := strings.Contains(from, "@vtext.com")
	james := strings.Contains(m.header.Get("message-id"), ".JavaMail.") || m.receivedHas("JAMES SMTP Server")
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
