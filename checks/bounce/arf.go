package bounce

import (
	"strings"

	"github.com/relayctl/relayctl/checks/bounce/reason"
)

// isFeedback reports whether a message is an abuse feedback report: an
// RFC 5965 multipart/report with report-type=feedback-report, or one of
// the providers' own complaint formats that carry the same facts.
func isFeedback(m *message) bool {
	ct := strings.ToLower(m.header.Get("content-type"))
	if inOrder(ct, "report-type=", "feedback-report") {
		return true
	}
	if strings.Contains(ct, "multipart/mixed") &&
		strings.Contains(strings.ToLower(m.header.Text("subject")), "complaint about message from ") {
		from := strings.ToLower(m.header.Get("from"))
		// Microsoft's JMRP and Amazon SES's complaint forwards.
		if strings.Contains(from, "staff@hotmail.com") || strings.Contains(from, "complaints@email-abuse.amazonses.com") {
			return true
		}
	}
	return strings.EqualFold(m.header.Get("x-apple-unsubscribe"), "true")
}

// inOrder reports whether every piece appears in s, each after the one
// before.
func inOrder(s string, pieces ...string) bool {
	at := 0
	for _, p := range pieces {
		i := strings.Index(s[at:], p)
		if i < 0 {
			return false
		}
		at += i + len(p)
	}
	return true
}

// readARF reads an abuse feedback report (RFC 5965 §3): one record per
// Original-Rcpt-To (or Removal-Recipient), with the Feedback-Type, the
// Source-IP and the Reporting-MTA. A report that names no recipient is
// about the To of the reported message.
func readARF(m *message) *found {
	if !isFeedback(m) {
		return nil
	}
	report, original := splitOriginal(m.body, markRFC822, markHeaders)
	var text strings.Builder
	var extra []string
	var list []delivery
	ftype, sourceIP, lhost, date := "", "", "", ""
	inReport := false
	for _, line := range strings.Split(report, "\n") {
		if line == markFeedback {
			inReport = true
			continue
		}
		if !inReport {
			if line != "" && !strings.HasPrefix(line, "Content-") {
				text.WriteString(line + " ")
			}
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		value = strings.TrimSpace(value)
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "original-rcpt-to", "removal-recipient":
			a := cleanAddress(value)
			if !isAddress(a) {
				continue
			}
			if n := len(list); n > 0 && list[n-1].recipient == a {
				continue
			}
			list = append(list, delivery{recipient: a})
		case "feedback-type":
			ftype = strings.ToLower(value)
		case "authentication-results", "user-agent", "original-mail-from":
			extra = append(extra, strings.TrimSpace(line))
		case "received-date", "arrival-date":
			date = value
		case "reporting-mta":
			lhost = hostOnly(value)
		case "source-ip":
			sourceIP = strings.Trim(value, "[] ")
		}
	}
	diag := sweep(text.String())
	if len(extra) > 0 {
		diag = sweep(diag + ": " + strings.Join(extra, ", "))
	}
	if len(list) == 0 {
		if strings.EqualFold(m.header.Get("x-apple-unsubscribe"), "true") {
			a := addressIn(m.header.Text("from"))
			if a == "" {
				return nil
			}
			list = append(list, delivery{recipient: a})
			ftype = "opt-out"
			diag = sweep(report)
		} else {
			a := addressIn(originalHeader(original).Text("to"))
			if a == "" {
				return nil
			}
			list = append(list, delivery{recipient: a})
		}
	}
	if ftype == "" && strings.Contains(strings.ToLower(m.header.Text("subject")), "complaint about message from ") {
		ftype = "abuse"
	}
	for i := range list {
		d := &list[i]
		d.reason = reason.Feedback
		d.feedbackType = ftype
		d.diagnosis = diag
		d.sourceIP = sourceIP
		d.rhost = sourceIP
		d.lhost = lhost
		d.date = date
	}
	return &found{list: list, original: original}
}
