package bounce

import (
	"strings"

	"github.com/relayctl/relayctl/checks/bounce/reason"
)

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
