package root

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/relayctl/relayctl/cmd/cmdutil"
	"github.com/relayctl/relayctl/cmd/version"
)

// Every command's table fits a terminal of 60, 80 or 120 columns, but
// for a piece it keeps whole (a URL, a domain name, a flag with its
// value) that is wider than the narrowest room a column gets (20): that
// widens its line by at most what the piece has beyond it. The layouts
// themselves are pinned by report's golden files at these widths.
func TestStreamsFitTheTerminal(t *testing.T) {
	t.Chdir("../..")
	for _, c := range streamsCases() {
		for _, width := range []int{60, 80, 120} {
			ios, _, out, _ := cmdutil.Test()
			ios.SetStdoutTTY(true, width)
			ios.SetStderrTTY(false, 0)
			Main(t.Context(), c.args, ios, version.Info{Version: "v1.2.3"})
			plain := ansi.ReplaceAllString(out.String(), "")
			longest := 0
			for _, f := range strings.Fields(strings.ReplaceAll(plain, "│", " ")) {
				longest = max(longest, utf8.RuneCountInString(f))
			}
			// A flag and its value are one piece: "--flag " on top.
			allowed := width + max(longest+len("--lists-file ")-20, 0)
			for _, l := range strings.Split(plain, "\n") {
				if n := utf8.RuneCountInString(l); n > allowed {
					t.Errorf("%s at %d columns: a line of %d (%d allowed): %q", c.name, width, n, allowed, l)
				}
			}
		}
	}
}
