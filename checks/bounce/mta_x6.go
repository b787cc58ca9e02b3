package bounce

import "strings"

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
