package bounce

import (
	"strings"

	"github.com/relayctl/relayctl/checks/bounce/reason"
)

// DragonFly Mail Agent (dma): "There was an error delivering your mail
// to <addr>." then the reason: for a refusal "host [ip] did not like our
// RCPT TO:" (releases after 0.13: "remote host did not like our RCPT
// TO:") and the reply; otherwise a sentence of dma's own (a DNS failure,
// giving up after its queue time).
func readDragonFly(m *message) *found {
	if !strings.Contains(m.subject(), "Mail delivery failed") || !m.receivedHas(" (DragonFly Mail Agent") {
		return nil
	}
	report, original := splitAt(m.body, "Original message follows.", "Message headers follow")
	var list []delivery
	started := false
	for _, l := range strings.Split(report, "\n") {
		if !started {
			started = strings.HasPrefix(l, "This is the DragonFly Mail Agent ")
			continue
		}
		if l == "" {
			continue
		}
		if strings.HasPrefix(l, "There was an error delivering your mail to <") {
			list = append(list, delivery{recipient: cleanAddress(l[strings.IndexByte(l, '<'):])})
			continue
		}
		if len(list) == 0 {
			continue
		}
		d := &list[len(list)-1]
		grow(&d.diagnosis, " "+l)
		if who, _, ok := strings.Cut(l, " did not like our "); ok && d.rhost == "" {
			d.rhost = dmaPeer(who)
			d.command = findCommand(l)
		}
	}
	if len(list) == 0 {
		return nil
	}
	// dma writes the bounce when it gives up (at the refusal, or when the
	// message has been queued too long): its Date is when the failure
	// happened, which the returned header's Date is not.
	date := m.header.Get("date")
	for i := range list {
		d := &list[i]
		d.diagnosis = sweep(d.diagnosis)
		d.date = date
		switch {
		case strings.Contains(d.diagnosis, "Could not deliver for the last "):
			d.reason = reason.Expired
		case strings.Contains(d.diagnosis, "DNS lookup failure: host "):
			d.reason = reason.HostUnknown
		}
	}
	return &found{list: list, original: original}
}

// dmaPeer is the remote MTA in the words before "did not like our":
// "mx.example.jp [192.0.2.25]" names it by host name and address, a
// smarthost given as an address is "192.0.2.25 [192.0.2.25]", and
// "remote host" names nobody.
func dmaPeer(who string) string {
	w := strings.Fields(who)
	if len(w) > 0 && strings.IndexByte(w[0], '.') > 0 {
		return w[0]
	}
	for _, x := range w {
		if len(x) > 2 && x[0] == '[' && x[len(x)-1] == ']' {
			return x[1 : len(x)-1]
		}
	}
	return ""
}
