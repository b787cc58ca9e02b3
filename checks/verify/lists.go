package verify

import (
	_ "embed"
	"io"
	"strings"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/internal/listfile"
)

// disposableList is the built-in list of throw-away domains: the
// disposable-email-domains project's list (CC0 1.0), refreshed by
// scripts/update-disposable.sh; --disposable-list replaces it.
//
//go:embed disposable_email_blocklist.conf
var disposableList string

// BuiltinDisposableSource names the built-in list in reasons.
const BuiltinDisposableSource = "built-in list (disposable-email-domains, CC0 1.0)"

// Lists are the domain and local-part lists a verification consults.
type Lists struct {
	// Disposable are throw-away domains, lower case A-labels.
	Disposable map[string]bool
	// DisposableSource says where the list came from
	// (BuiltinDisposableSource or the file's name), for the record's
	// reasons.
	DisposableSource string
}

// DefaultLists returns the built-in lists.
func DefaultLists() *Lists {
	l, _ := ReadDomainList(strings.NewReader(disposableList), BuiltinDisposableSource)
	return l
}

// ReadDomainList reads a list of domains, one a line, # comments and
// blank lines ignored (the format of disposable_email_blocklist.conf).
// A line that is not a domain is skipped: lists in the wild carry a few.
func ReadDomainList(r io.Reader, source string) (*Lists, error) {
	l := &Lists{Disposable: map[string]bool{}, DisposableSource: source}
	for line, err := range listfile.Lines(r, 64*1024) {
		if err != nil {
			return nil, checks.WrapError("verify", nil, "reading the disposable list "+source, err)
		}
		if d, err := dnsx.Domain(line.Text); err == nil {
			l.Disposable[d] = true
		}
	}
	return l, nil
}

// IsDisposable reports whether domain, or a domain above it, is listed.
func (l *Lists) IsDisposable(domain string) bool {
	for d := domain; d != ""; {
		if l.Disposable[d] {
			return true
		}
		_, rest, ok := strings.Cut(d, ".")
		if !ok || !strings.Contains(rest, ".") {
			return false
		}
		d = rest
	}
	return false
}

// roles are local parts that name a function rather than a person (RFC
// 2142 §3–§5 and the usual others): mail to them reaches a team or
// nobody, and they complain and bounce more than people do.
var roles = map[string]bool{
	"abuse": true, "admin": true, "administrator": true, "billing": true, "contact": true,
	"help": true, "helpdesk": true, "hostmaster": true, "info": true, "hello": true,
	"jobs": true, "careers": true, "hr": true, "mail": true, "mailer-daemon": true,
	"marketing": true, "news": true, "newsletter": true, "noc": true, "no-reply": true,
	"noreply": true, "donotreply": true, "do-not-reply": true, "office": true,
	"postmaster": true, "privacy": true, "root": true, "sales": true, "security": true,
	"support": true, "team": true, "usenet": true, "uucp": true, "webmaster": true, "www": true,
	"enquiries": true, "inquiries": true, "feedback": true, "press": true, "media": true,
	"legal": true, "accounts": true, "accounting": true, "orders": true, "service": true,
}

// IsRole reports whether an unquoted local part is a role account
// (case-insensitive, a +tag ignored).
func IsRole(local string) bool {
	l, _, _ := strings.Cut(strings.ToLower(local), "+")
	return roles[l]
}

// free are the big free mailbox providers.
var free = map[string]bool{
	"gmail.com": true, "googlemail.com": true, "yahoo.com": true, "yahoo.co.uk": true,
	"yahoo.fr": true, "ymail.com": true, "hotmail.com": true, "hotmail.co.uk": true,
	"hotmail.fr": true, "outlook.com": true, "live.com": true, "msn.com": true,
	"icloud.com": true, "me.com": true, "mac.com": true, "aol.com": true,
	"protonmail.com": true, "proton.me": true, "gmx.com": true, "gmx.de": true,
	"gmx.net": true, "web.de": true, "yandex.ru": true, "yandex.com": true,
	"mail.ru": true, "zoho.com": true, "qq.com": true, "163.com": true, "126.com": true,
	"naver.com": true, "fastmail.com": true, "mail.com": true, "tutanota.com": true,
	"laposte.net": true, "orange.fr": true, "free.fr": true, "libero.it": true,
}

// IsFree reports whether domain is one of the big free providers.
func IsFree(domain string) bool { return free[domain] }
