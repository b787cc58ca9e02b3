package content

import (
	"context"
	"fmt"
	"strings"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsbl"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/internal/textutil"
)

// tally collects the distinct examples of one kind of finding, so that a
// message with a thousand such links gets one finding, not a thousand.
type tally struct {
	n    int
	ex   []string
	seen map[string]bool
}

func (t *tally) add(s string) {
	if t.seen == nil {
		t.seen = map[string]bool{}
	}
	if t.seen[s] {
		return
	}
	t.seen[s] = true
	t.n++
	if len(t.ex) < 5 {
		t.ex = append(t.ex, s)
	}
}

// String is the examples, and how many more there are.
func (t *tally) String() string { return strings.Join(t.ex, ", ") + more(t.n, len(t.ex)) }

// judgeLinks judges every link and checks the links' domains against
// the blocklists.
func judgeLinks(ctx context.Context, r dnsx.Resolver, res *checks.Result, data *Data, ls *links, lists []dnsbl.List, maxDomains int) {
	var script, plain, ip, short, mismatch tally
	byDomain := map[string]*Domain{}
	for _, l := range ls.list {
		p, ok := parseLink(l.raw)
		if !ok {
			continue
		}
		switch p.scheme {
		case "javascript", "vbscript", "data":
			script.add(p.scheme + ": in part " + l.part)
			continue
		case "http":
			plain.add(p.host)
		}
		if p.ip {
			ip.add(p.host)
		}
		if p.domain != "" {
			if isShortener(p.domain) {
				short.add(p.domain)
			}
			d := byDomain[p.domain]
			if d == nil {
				d = &Domain{Domain: p.domain, Listed: []string{}, Unchecked: []string{}}
				byDomain[p.domain] = d
				data.Domains = append(data.Domains, d)
			}
			d.Links++
		}
		if shown := shownDomain(l.text); shown != "" {
			actual := p.domain
			if p.ip {
				actual = p.host
			}
			if actual != "" && shown != actual {
				mismatch.add(fmt.Sprintf("%q goes to %s", textutil.Clip(l.text, 60), actual))
			}
		}
	}
	if mismatch.n > 0 {
		res.Add(finding("content.link-mismatch", checks.SeverityWarn, "",
			"Make each link's text show where it goes, or use words rather than an address as its text.",
			"%d %s a domain %s not go to: %s — the classic phishing tell", mismatch.n, textutil.Plural(mismatch.n, "link's text shows", "links' texts show"), textutil.Plural(mismatch.n, "it does", "they do"), mismatch.String()))
	}
	if short.n > 0 {
		res.Add(finding("content.link-shortener", checks.SeverityWarn, "",
			"Link to your own domain: a shortener hides where the link goes, and spammers' use of them makes filters score them.",
			"links go through a URL shortener: %s", short.String()))
	}
	if ip.n > 0 {
		res.Add(finding("content.link-ip", checks.SeverityWarn, "",
			"Link to a name in your own domain, not to an address.",
			"links go to an IP address, not a name: %s", ip.String()))
	}
	if script.n > 0 {
		res.Add(finding("content.link-script", checks.SeverityWarn, "",
			"Remove javascript: and data: links: mail clients do not run them, and filters take them for an attack.",
			"links with a script or inline-data URL: %s", script.String()))
	}
	if plain.n > 0 {
		res.Add(finding("content.link-http", checks.SeverityInfo, "",
			"Link with https.",
			"links over plain http to %s", plain.String()))
	}
	if ls.total > len(ls.list) {
		res.Add(finding("content.links-capped", checks.SeverityInfo, "",
			"Nothing to do, unless the message really needs that many links.",
			"the message has %d links; the first %d were judged", ls.total, len(ls.list)))
	}
	blocklistFindings(ctx, r, res, data, lists, maxDomains)
}

// blocklistFindings checks the first maxDomains link domains against
// the lists and reports the listings, the lists that could not say, and
// the domains left out.
func blocklistFindings(ctx context.Context, r dnsx.Resolver, res *checks.Result, data *Data, lists []dnsbl.List, maxDomains int) {
	for _, l := range lists {
		data.Lists = append(data.Lists, l.Zone)
	}
	listed, unchecked := blocklists(ctx, r, lists, data.Domains, maxDomains)
	for _, l := range listed {
		f := l.finding
		res.Add(finding("content.link-listed", f.Severity, f.Ref, f.Hint, "link domain %s", f.Message))
	}
	byZone := map[string]*tally{}
	var zones []string
	why := map[string]string{}
	for _, u := range unchecked {
		t := byZone[u.zone]
		if t == nil {
			t = &tally{}
			byZone[u.zone] = t
			zones = append(zones, u.zone)
			why[u.zone] = u.why
		}
		t.add(u.domain)
	}
	// Offline (--zone --offline), a list outside the zone files was not
	// asked: not evaluated, never a warning (the checks' offline rule).
	offline := dnsx.IsOffline(r)
	for _, z := range zones {
		if offline {
			res.Add(finding("content.link-unchecked", checks.SeverityInfo, "",
				"Run without --offline (or give the list's zone with --zone) to check the link domains.",
				"%s was not asked about %s: offline, and the list is not in the zone files", z, byZone[z].String()))
			continue
		}
		res.Add(finding("content.link-unchecked", checks.SeverityWarn, "",
			"Ask through a resolver of your own that the list answers (--resolver), then check again.",
			"%s could not say whether it lists %s: %s", z, byZone[z].String(), why[z]))
	}
	skipped := 0
	for _, d := range data.Domains {
		if d.checked {
			data.DomainsChecked++
		} else {
			skipped++
		}
	}
	if skipped > 0 && len(lists) > 0 {
		res.Add(finding("content.links-capped", checks.SeverityInfo, "",
			"Nothing to do, unless the message really needs that many link domains.",
			"the links go to %d domains; %d were checked against the blocklists, %d not", len(data.Domains), data.DomainsChecked, skipped))
	}
}

// judgeAttachments reports the risky attachments, one finding per kind
// of risk.
func judgeAttachments(res *checks.Result, atts []Attachment) {
	var exe, double, archive, macro, mismatch, mismatchExe, unreadable tally
	for _, a := range atts {
		name := a.Filename
		if name == "" {
			name = "part " + a.Part
		}
		name = fmt.Sprintf("%q", textutil.Clip(name, 80))
		for _, r := range a.Risk {
			switch r {
			case "executable":
				exe.add(name + kindNote(a))
			case "double-extension":
				double.add(name)
			case "archive-executable":
				archive.add(name)
			case "macro":
				macro.add(name)
			case "type-mismatch":
				s := fmt.Sprintf("%s declared %s is %s", name, a.Type, sniffName(a.Sniffed))
				if a.Sniffed == "exe" || a.Sniffed == "elf" {
					mismatchExe.add(s)
				} else {
					mismatch.add(s)
				}
			case "archive-unreadable":
				unreadable.add(name)
			}
		}
	}
	if exe.n > 0 {
		res.Add(finding("content.attachment-executable", checks.SeverityFail, "",
			"Do not mail programs: receivers refuse them and filters take them for malware. Link to a download instead.",
			"a program is attached: %s", exe.String()))
	}
	if double.n > 0 {
		res.Add(finding("content.attachment-double-extension", checks.SeverityFail, "",
			"Name files for what they are; a document's extension in front of a program's is how malware is disguised.",
			"an attachment's name hides a program behind a document's extension: %s", double.String()))
	}
	if archive.n > 0 {
		res.Add(finding("content.attachment-archive-executable", checks.SeverityFail, "",
			"Do not mail programs, zipped or not: receivers look inside archives.",
			"a zip archive holds a program: %s", archive.String()))
	}
	if macro.n > 0 {
		res.Add(finding("content.attachment-macro", checks.SeverityWarn, "",
			"Send the document without macros (.docx, .xlsx, .pptx, or a PDF).",
			"a macro-enabled Office document is attached: %s — many receivers quarantine them", macro.String()))
	}
	if mismatchExe.n > 0 {
		res.Add(finding("content.attachment-type-mismatch", checks.SeverityFail, "",
			"Declare each attachment's real type; a program declared as a document is how malware is disguised.",
			"an attachment's content contradicts its declared type: %s", mismatchExe.String()))
	}
	if mismatch.n > 0 {
		res.Add(finding("content.attachment-type-mismatch", checks.SeverityWarn, "",
			"Declare each attachment's real Content-Type.",
			"an attachment's content contradicts its declared type: %s", mismatch.String()))
	}
	if unreadable.n > 0 {
		res.Add(finding("content.attachment-archive-unreadable", checks.SeverityInfo, "",
			"Nothing to do, unless the archive should open: receivers refuse archives they cannot look into.",
			"a zip archive could not be read, so what it holds is not known: %s", unreadable.String()))
	}
}

// kindNote says why a program is one when its name does not.
func kindNote(a Attachment) string {
	if executableExt(ext(a.Filename)) {
		return ""
	}
	if a.Sniffed == "exe" || a.Sniffed == "elf" {
		return " (its content is " + sniffName(a.Sniffed) + ")"
	}
	return " (declared " + a.Type + ")"
}

// sniffName names a sniffed kind for a person.
func sniffName(s string) string {
	switch s {
	case "exe":
		return "a Windows program"
	case "elf":
		return "a Linux program"
	case "ole":
		return "a legacy Office (OLE) file"
	case "zip", "pdf", "png", "gif", "rar", "webp", "jpeg", "7z":
		return "a " + strings.ToUpper(s) + " file"
	}
	return "unknown"
}
