package dmarcreport

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strconv"
	"strings"
	"time"
)

// maxParts bounds the MIME parts one email is split into.
const maxParts = 500

// email reads a message: a failure report when it is a multipart/report
// of report-type feedback-report (RFC 6591 §2, RFC 5965 §2), else every
// part that holds a report (XML, JSON, gzip, zip, a nested message).
func (p *parser) email(data []byte, nesting int) error {
	if bytes.HasPrefix(data, []byte("From ")) {
		// An mbox From_ line before the header (RFC 4155).
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			data = data[i+1:]
		}
	}
	msg, err := mail.ReadMessage(bufio.NewReader(bytes.NewReader(data)))
	if err != nil {
		return p.notReport("neither a report nor a readable email")
	}
	before := p.res.Records + len(p.res.Problems)
	reportsBefore := p.reports
	parts := 0
	id := strings.TrimSpace(msg.Header.Get("Message-Id"))
	if err := p.entity(textproto.MIMEHeader(msg.Header), msg.Body, id, nesting, &parts); err != nil {
		return err
	}
	if p.reports == reportsBefore && p.res.Records+len(p.res.Problems) == before {
		return p.notReport("an email with no report in it")
	}
	return nil
}

// entity reads one MIME entity (RFC 2045), a message's body or a part.
func (p *parser) entity(h textproto.MIMEHeader, body io.Reader, msgID string, nesting int, parts *int) error {
	*parts++
	if *parts > maxParts {
		return p.corrupt("the email has too many parts", nil)
	}
	if nesting > maxNesting {
		return p.corrupt("the email's parts are nested too deeply", nil)
	}
	ctype, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		ctype = "text/plain"
	}
	if strings.HasPrefix(ctype, "multipart/") {
		if params["boundary"] == "" {
			return nil
		}
		if ctype == "multipart/report" && strings.EqualFold(params["report-type"], "feedback-report") {
			return p.feedbackReport(body, params["boundary"], msgID)
		}
		mr := multipart.NewReader(body, params["boundary"])
		for {
			part, err := mr.NextRawPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				p.warn("the email's MIME structure is damaged: read what came before")
				return nil
			}
			if err := p.entity(part.Header, part, msgID, nesting+1, parts); err != nil && err != errStop {
				return err
			}
		}
	}
	data, err := p.readBounded(decode(h, body), "the email part")
	if err == errStop {
		return err
	}
	if err != nil {
		p.warn("an email part is damaged (" + damage(err) + "): read what came before")
	}
	switch {
	case ctype == "message/rfc822" || ctype == "message/global":
		return p.email(data, nesting+1)
	case strings.HasPrefix(ctype, "text/") && ctype != "text/xml":
		// A text part that is a report (some reporters send the XML as
		// text/plain) starts like one; other text is the cover letter.
		if c := Detect(data); c != ContentXML && c != ContentJSON {
			return nil
		}
	}
	switch Detect(data) {
	case ContentEmail, ContentOther:
		return nil // an image, a signature, a cover letter
	}
	return p.any(data, nesting+1)
}

// decode undoes a part's Content-Transfer-Encoding (RFC 2045 §6).
func decode(h textproto.MIMEHeader, body io.Reader) io.Reader {
	switch strings.ToLower(strings.TrimSpace(h.Get("Content-Transfer-Encoding"))) {
	case "base64":
		return base64.NewDecoder(base64.StdEncoding, &base64Clean{r: body})
	case "quoted-printable":
		return quotedprintable.NewReader(body)
	}
	return body
}

// base64Clean drops what is not base64 (line breaks, spaces, stray
// characters), which RFC 2045 §6.8 tells decoders to ignore.
type base64Clean struct{ r io.Reader }

func (b *base64Clean) Read(p []byte) (int, error) {
	for {
		n, err := b.r.Read(p)
		j := 0
		for _, c := range p[:n] {
			if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '/' || c == '=' {
				p[j] = c
				j++
			}
		}
		if j > 0 || err != nil {
			return j, err
		}
	}
}

// feedbackReport reads an ARF report (RFC 5965 §2): the human part, the
// message/feedback-report part of fields, and the reported message or
// its headers.
func (p *parser) feedbackReport(body io.Reader, boundary, msgID string) error {
	mr := multipart.NewReader(body, boundary)
	var f *Failure
	var headers []Header
	for i := 0; ; i++ {
		part, err := mr.NextRawPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			if f == nil {
				return p.corrupt("the feedback report's MIME structure is damaged", nil)
			}
			p.warn("the feedback report's MIME structure is damaged: read what came before")
			break
		}
		ctype, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type"))
		data, err := p.readBounded(decode(part.Header, part), "the feedback report")
		if err == errStop {
			return err
		}
		switch ctype {
		case "message/feedback-report":
			f, err = p.feedbackFields(data)
			if err != nil {
				return err
			}
		case "message/rfc822", "text/rfc822-headers", "message/rfc822-headers", "message/global", "message/global-headers":
			headers = originalHeaders(data)
		}
	}
	if f == nil {
		return p.corrupt("a multipart/report of type feedback-report without its message/feedback-report part", nil)
	}
	f.MessageID = msgID
	f.OriginalHeaders = headers
	p.reports++
	return p.emit(f)
}

// feedbackFields reads the fields of a message/feedback-report part
// (RFC 5965 §3.1, RFC 6591 §3.1).
func (p *parser) feedbackFields(data []byte) (*Failure, error) {
	tp := textproto.NewReader(bufio.NewReader(io.MultiReader(bytes.NewReader(bytes.TrimLeft(data, "\r\n")), strings.NewReader("\r\n\r\n"))))
	h, err := tp.ReadMIMEHeader()
	if err != nil && len(h) == 0 {
		return nil, p.corrupt("the feedback report's fields cannot be read", nil)
	}
	get := func(k string) string { return clean(h.Get(k)) }
	f := &Failure{
		Type:                  TypeFailure,
		FeedbackType:          lower(get("Feedback-Type")),
		UserAgent:             get("User-Agent"),
		Version:               get("Version"),
		ReportingMTA:          mtaName(get("Reporting-Mta")),
		SourceIP:              p.ip(get("Source-Ip")),
		ReportedDomain:        strings.ToLower(get("Reported-Domain")),
		ReportedURI:           h.Values("Reported-Uri"),
		AuthenticationResults: get("Authentication-Results"),
		OriginalEnvelopeID:    get("Original-Envelope-Id"),
		OriginalMailFrom:      strings.Trim(get("Original-Mail-From"), "<>"),
		DeliveryResult:        lower(get("Delivery-Result")),
		DKIMDomain:            strings.ToLower(get("Dkim-Domain")),
		DKIMIdentity:          get("Dkim-Identity"),
		DKIMSelector:          get("Dkim-Selector"),
		SPFDNS:                get("Spf-Dns"),
		IdentityAlignment:     lower(get("Identity-Alignment")),
	}
	if f.FeedbackType == "" {
		return nil, p.corrupt("the feedback report has no Feedback-Type", nil)
	}
	if f.FeedbackType != "auth-failure" {
		p.warn(fmt.Sprintf("a feedback report of type %q, not auth-failure (RFC 6591): read as it is", f.FeedbackType))
	}
	for _, v := range h.Values("Auth-Failure") {
		for _, a := range strings.Split(v, ",") {
			if a = lower(a); a != "" {
				f.AuthFailure = append(f.AuthFailure, a)
			}
		}
	}
	for _, v := range h.Values("Original-Rcpt-To") {
		f.OriginalRcptTo = append(f.OriginalRcptTo, strings.Trim(clean(v), "<>"))
	}
	if s := get("Incidents"); s != "" {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 {
			f.Incidents = n
		} else {
			p.warn(fmt.Sprintf("Incidents %q is not a count: ignored", s))
		}
	}
	if s := get("Arrival-Date"); s != "" {
		if t, err := mail.ParseDate(s); err == nil {
			f.ArrivalDate = t.UTC()
		} else if t, err := time.Parse(time.RFC3339, s); err == nil {
			f.ArrivalDate = t.UTC()
		} else {
			p.warn(fmt.Sprintf("Arrival-Date %q is not a date: ignored", s))
		}
	}
	return f, nil
}

// originalHeaders reads the header of the reported message, in order;
// the body (which a failure report may redact) is left out.
func originalHeaders(data []byte) []Header {
	var out []Header
	tp := textproto.NewReader(bufio.NewReader(io.MultiReader(bytes.NewReader(bytes.TrimLeft(data, "\r\n")), strings.NewReader("\r\n\r\n"))))
	for {
		line, err := tp.ReadContinuedLine()
		if err != nil || line == "" {
			return out
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		out = append(out, Header{Name: strings.TrimSpace(name), Value: strings.TrimSpace(value)})
		if len(out) >= 200 {
			return out
		}
	}
}

// mtaName drops the name type of an MTA field ("dns; mx.example.net",
// RFC 5965 §3.2 after RFC 3464 §2.2.2).
func mtaName(s string) string {
	if t, name, ok := strings.Cut(s, ";"); ok && !strings.ContainsAny(t, " @") {
		return strings.TrimSpace(name)
	}
	return s
}
