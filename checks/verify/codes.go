package verify

import "github.com/relayctl/relayctl/checks"

// codeVerdicts is the verdict each finding code stands for; codes not
// listed are facts that leave the verdict alone (verify.free,
// verify.domain-typo, verify.implicit-mx). docs/verify.md has the table.
var codeVerdicts = map[string]Verdict{
	"verify.syntax":               Undeliverable,
	"verify.nxdomain":             Undeliverable,
	"verify.null-mx":              Undeliverable,
	"verify.no-mail-host":         Undeliverable,
	"verify.mx-unresolvable":      Undeliverable,
	"verify.mailbox-missing":      Undeliverable,
	"verify.disposable":           Risky,
	"verify.role":                 Risky,
	"verify.catch-all":            Risky,
	"verify.mailbox-full":         Risky,
	"verify.domain-literal":       Unknown,
	"verify.dns-failed":           Unknown,
	"verify.mailbox-unchecked":    Unknown,
	"verify.smtp-temporary":       Unknown,
	"verify.smtp-policy":          Unknown,
	"verify.smtp-refused":         Unknown,
	"verify.smtp-rejected":        Unknown,
	"verify.smtp-unreachable":     Unknown,
	"verify.smtp-skipped":         Unknown,
	"verify.smtp-error":           Unknown,
	"verify.smtputf8-unsupported": Unknown,
}

// Settle sets the verdict from the reasons: the strongest of theirs
// (undeliverable, then risky, then unknown), deliverable when none has
// one.
func (r *Record) Settle() {
	v := Deliverable
	for _, f := range r.Reasons {
		if cv, ok := codeVerdicts[f.Code]; ok && cv.rank() > v.rank() {
			v = cv
		}
	}
	r.Verdict = v
}

// Drop removes the reasons whose code ignore matches (--ignore) and
// settles the verdict again: ignoring verify.role makes role accounts
// no longer risky.
func (r *Record) Drop(ignore func(code string) bool) {
	keep := r.Reasons[:0]
	for _, f := range r.Reasons {
		if !ignore(f.Code) {
			keep = append(keep, f)
		}
	}
	r.Reasons = keep
	if r.Reasons == nil {
		r.Reasons = []checks.Finding{}
	}
	r.Settle()
}
