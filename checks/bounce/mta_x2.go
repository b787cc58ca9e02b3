package bounce

import "strings"

// An MTA nobody has named (Sisimai's "X2"): "Unable to deliver message
// to the following address(es)." then "<addr>:" blocks.
func readX2(m *message) *found {
	if !strings.Contains(m.header.Get("from"), "MAILER-DAEMON@") &&
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
