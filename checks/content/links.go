package content

import (
	"bytes"
	"net/netip"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/publicsuffix"
)

// imageOnlyText is the visible text, in characters, under which HTML
// with images is image-only.
const imageOnlyText = 200

// maxLinks bounds the links one message's parts give for judging; the
// rest are counted.
const maxLinks = 10000

// link is one URL the message shows or loads.
type link struct {
	raw  string // as written (entities decoded)
	text string // for an <a>: its text, trimmed; else ""
	part string // the part's path
	attr string // "href", "src" or "" for a bare URL in text
}

// links is what the extractor found.
type links struct {
	list  []link
	total int // every URL seen, over maxLinks too
	// html: visible text runes (not spaces) and images of the HTML parts.
	textRunes, images int
}

func (ls *links) add(l link) {
	ls.total++
	if len(ls.list) < maxLinks {
		ls.list = append(ls.list, l)
	}
}

// textLinks adds the URLs written out in a text part: those with a
// scheme a reader follows (http, https) or starting "www.". A URL ends
// at white space or a delimiter mail clients stop at (RFC 3986 Appendix
// C), and trailing punctuation is the sentence's, not the URL's.
func (ls *links) textLinks(b []byte, path string) {
	for i := 0; i < len(b); i++ {
		c := b[i] | 0x20
		if c != 'h' && c != 'w' || i > 0 && isWordByte(b[i-1]) {
			continue
		}
		n := urlStart(b[i:])
		if n == 0 {
			continue
		}
		end := i + n
		for end < len(b) && !urlStop(b[end]) {
			end++
		}
		u := strings.TrimRight(string(b[i:end]), ".,;:!?")
		if len(u) > n {
			ls.add(link{raw: u, part: path})
		}
		i = end - 1
	}
}

// urlStart is the length of the scheme or "www." b starts with, 0 when
// none.
func urlStart(b []byte) int {
	for _, p := range []string{"https://", "http://", "www."} {
		if len(b) >= len(p) && strings.EqualFold(string(b[:len(p)]), p) {
			return len(p)
		}
	}
	return 0
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '/'
}

func urlStop(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', '<', '>', '"', '\'', '(', ')', '[', ']', '{', '}':
		return true
	}
	return c < ' ' || c == 0x7f
}

// htmlLinks adds the href and src URLs of an HTML part, with the text of
// each <a>, and counts the part's visible text and images. The tokenizer
// decodes character references in attribute values (HTML §13.2.5).
func (ls *links) htmlLinks(b []byte, path string) {
	z := html.NewTokenizer(bytes.NewReader(b))
	z.SetMaxBuf(len(b) + 1)
	var anchor *link
	var text strings.Builder
	skip := 0 // inside <style>, <script>, <head> title and the like
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			if anchor != nil {
				ls.add(*anchor)
			}
			return
		case html.TextToken:
			if skip > 0 {
				continue
			}
			t := z.Text()
			// Only whether there is little text matters: counting stops
			// at imageOnlyText.
			for i := 0; i < len(t) && ls.textRunes < imageOnlyText; {
				r, n := utf8.DecodeRune(t[i:])
				if !unicode.IsSpace(r) {
					ls.textRunes++
				}
				i += n
			}
			if anchor != nil && text.Len() < 512 {
				text.Write(t)
			}
			ls.textLinks(t, path)
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			a := atom.Lookup(name)
			switch a {
			case atom.Style, atom.Script, atom.Title:
				if tt == html.StartTagToken {
					skip++
				}
			case atom.Img:
				ls.images++
			}
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				key := string(k)
				if key != "href" && key != "src" && key != "background" && key != "action" {
					continue
				}
				val := strings.TrimSpace(string(v))
				if val == "" || strings.HasPrefix(val, "#") || strings.HasPrefix(strings.ToLower(val), "cid:") || strings.HasPrefix(strings.ToLower(val), "mailto:") {
					continue
				}
				l := link{raw: val, part: path, attr: key}
				if a == atom.A && key == "href" {
					if anchor != nil {
						ls.add(*anchor)
					}
					anchor = &l
					text.Reset()
					continue
				}
				ls.add(l)
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			switch atom.Lookup(name) {
			case atom.Style, atom.Script, atom.Title:
				skip = max(0, skip-1)
			case atom.A:
				if anchor != nil {
					anchor.text = strings.Join(strings.Fields(text.String()), " ")
					ls.add(*anchor)
					anchor = nil
				}
			}
		}
	}
}

// isShortener reports whether domain is a URL-shortening services: the link hides where it goes,
// and filters score the services spammers use.
func isShortener(domain string) bool {
	switch domain {
	case "bit.ly", "tinyurl.com", "t.co", "goo.gl", "ow.ly", "is.gd", "buff.ly", "rebrand.ly",
		"cutt.ly", "shorturl.at", "tiny.cc", "bl.ink", "t.ly", "rb.gy", "s.id", "v.gd", "lnkd.in":
		return true
	}
	return false
}

// parsed is a link read as a URL.
type parsed struct {
	scheme string // lower case
	host   string // lower case, no port, no brackets, no trailing dot
	ip     bool
	domain string // the registrable domain (PSL), "" for an IP or no host
}

// parseLink reads a link; "www.x" without a scheme is http.
func parseLink(raw string) (parsed, bool) {
	s := raw
	if strings.HasPrefix(strings.ToLower(s), "www.") {
		s = "http://" + s
	}
	// Browsers ignore white space and control characters in a scheme
	// (WHATWG URL), which hides "java\tscript:" from a naive filter.
	if i := strings.IndexByte(s, ':'); i > 0 {
		scheme := strings.Map(func(r rune) rune {
			if r <= ' ' {
				return -1
			}
			return unicode.ToLower(r)
		}, s[:i])
		switch scheme {
		case "javascript", "vbscript", "data":
			return parsed{scheme: scheme}, true
		}
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return parsed{}, false
	}
	p := parsed{scheme: strings.ToLower(u.Scheme), host: strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")}
	if p.host == "" {
		return parsed{}, false
	}
	if _, err := netip.ParseAddr(p.host); err == nil {
		p.ip = true
		return p, true
	}
	p.domain = registrable(p.host)
	return p, true
}

// registrable is the host's registrable domain by the public suffix
// list, the host itself when it is one; "" when it is not a name.
func registrable(host string) string {
	if !strings.Contains(host, ".") {
		return ""
	}
	d, err := publicsuffix.EffectiveTLDPlusOne(host)
	if err != nil {
		return ""
	}
	return d
}

// shownDomain is the domain the text of a link shows, when it shows one
// ("www.bank.example", "https://bank.example/login"); "" otherwise.
func shownDomain(text string) string {
	t := strings.ToLower(strings.TrimSpace(text))
	if t == "" || strings.ContainsAny(t, " \t") {
		return ""
	}
	if !strings.Contains(t, "://") {
		t = "http://" + t
	}
	u, err := url.Parse(t)
	if err != nil {
		return ""
	}
	h := strings.TrimSuffix(u.Hostname(), ".")
	if _, err := netip.ParseAddr(h); err == nil {
		return h
	}
	// A name needs a dot and a letter in its last label to look like one.
	last := h[strings.LastIndexByte(h, '.')+1:]
	if !strings.Contains(h, ".") || strings.IndexFunc(last, unicode.IsLetter) < 0 {
		return ""
	}
	return registrable(h)
}
