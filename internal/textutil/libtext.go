package textutil

import "strings"

// libraryPrefixes are the package names the standard library and the
// x/ modules put in front of their errors' text.
var libraryPrefixes = []string{"x509: ", "tls: ", "mail: ", "idna: ", "template: ", "dkim: ", "dns: ", "yaml: "}

// LibraryText is a library error's text for a person: the same words
// without the library's package prefix ("x509: ", "mail: ", "idna: ",
// "template: ", "tls: ", go-msgauth's "dkim: ", miekg/dns's "dns: ", the YAML parser's "yaml: "). It is the one place relayctl trims a library's
// error text; callers that know the error's type say it in their own
// words instead.
func LibraryText(err error) string {
	if err == nil {
		return ""
	}
	s := err.Error()
	for _, p := range libraryPrefixes {
		if rest, ok := strings.CutPrefix(s, p); ok {
			return rest
		}
	}
	return s
}
