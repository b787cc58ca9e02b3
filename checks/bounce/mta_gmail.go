package bounce

import (
	"strings"

	"github.com/relayctl/relayctl/checks/bounce/reason"
)

// gmailStates maps Gmail's "(state N)" to the SMTP step and the reason.
var gmailStates = map[string]struct {
	command string
	reason  reason.Reason
}{
	"6":  {"MAIL", reason.FailedSTARTTLS},
	"8":  {"AUTH", reason.SystemError},
	"9":  {"AUTH", reason.FailedSTARTTLS},
	"12": {"AUTH", reason.NoRelaying},
	"13": {"EHLO", reason.Blocked},
	"14": {"RCPT", reason.UserUnknown},
	"15": {"DATA", reason.Filtered},
	"17": {"DATA", reason.Filtered},
	"18": {"DATA", reason.Filtered},
}

// Gmail's older notices: "Delivery to the following recipient failed
// permanently:", the address indented, then "Technical details of
// permanent failure" ending in "(state N)".
func readGmail(m *message) *found {
	if !strings.Contains(m.header.Get("from"), "<mailer-daemon@googlemail.com>") ||
		!strings.Contains(m.subject(), "Delivery Status Notification") {
		return nil
	}
	report, original := splitAt(m.body, "----- Original message -----", "----- Message header follows -----")
	var list []delivery
	started := false
	for _, l := range strings.Split(report, "\n") {
		if !started {
			started = strings.HasPrefix(l, "Delivery to the following recipient")
		}
		if !started || l == "" {
			continue
		}
		if strings.HasPrefix(l, " ") && strings.IndexByte(l, '@') > 0 {
			if a := cleanAddress(strings.TrimSpace(l)); isAddress(a) {
				list = append(list, delivery{recipient: a})
			}
			continue
		}
		if len(list) == 0 {
			// Text before the first address belongs to it.
			list = append(list, delivery{})
		}
		grow(&list[len(list)-1].diagnosis, l+" ")
	}
	var out []delivery
	carry := ""
	for _, d := range list {
		if d.recipient == "" {
			carry = d.diagnosis
			continue
		}
		d.diagnosis = sweep(carry + d.diagnosis)
		carry = ""
		d.rhost = hostInText(d.diagnosis)
		if st, ok := gmailStates[between(d.diagnosis, " (state ", ")")]; ok {
			d.command, d.reason = st.command, st.reason
		}
		if d.reason == "" {
			switch {
			case hasAny(d.diagnosis, "DNS Error: Could not contact DNS servers",
				"Delivery to the following recipient has been delayed",
				"The recipient server did not accept our requests to connect"):
				d.reason = reason.Expired
			case hasAny(d.diagnosis, "DNS Error: Domain name not found", "DNS Error: DNS server returned answer with no data"):
				d.reason = reason.HostUnknown
			}
		}
		if d.reason != "" {
			if d.status = findStatus(d.diagnosis, d.replyCode); d.status != "" && !strings.Contains(d.status, ".0") {
				d.reason = reason.ByStatus(d.status)
			}
		}
		out = append(out, d)
	}
	if len(out) == 0 {
		return nil
	}
	return &found{list: out, original: original}
}

// Google Groups: a notice that a post to a group was refused, the group
// named in X-Failed-Recipients.
func readGoogleGroups(m *message) *found {
	if !m.header.Has("x-failed-recipients") || !m.header.Has("x-google-smtp-source") ||
		!strings.Contains(m.header.Get("from"), "<mailer-daemon@googlemail.com>") ||
		!strings.Contains(m.subject(), "Delivery Status Notification") || !strings.Contains(m.body, "Google Groups") {
		return nil
	}
	report, original := splitAt(m.body, "----- Original message -----", markRFC822)
	// The diagnostic is the notice's first paragraphs.
	paras := strings.SplitN(report, "\n\n", 5)
	paras[len(paras)-1] = ""
	diag := sweep(strings.ReplaceAll(strings.Join(paras, " "), "\n", " "))
	why := reason.OnHold
	// The four reasons a post can fail, as a bulleted list: the sender
	// may not post there.
	if strings.Count(report, "\n *") == 4 || strings.Count(report, "\n*") == 4 {
		why = reason.Rejected
	}
	rhost := ""
	if rs := m.header.All("received"); len(rs) > 0 {
		rhost = hostOnly(between(rs[0], "by ", " "))
	}
	var list []delivery
	for _, a := range strings.Split(m.header.Get("x-failed-recipients"), ",") {
		a = cleanAddress(a)
		if !isAddress(a) {
			continue
		}
		list = append(list, delivery{recipient: a, rhost: rhost, reason: why, diagnosis: diag})
	}
	if len(list) == 0 {
		return nil
	}
	return &found{list: list, original: original}
}
