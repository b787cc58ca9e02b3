package bounce

import (
	"strings"

	"github.com/relayctl/relayctl/checks/bounce/reason"
)

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
	if !m.header.Has("x-mlserver") || strings.Index(m.header.Get("from"), "-admin@") < 1 ||
		strings.Index(m.header.Get("message-id"), ".FML") < 2 {
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
