package dmarcreport

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/htmlindex"
)

// The XML shapes of an aggregate report. Tags carry no namespace, so
// they match the RFC 7489 schema (no namespace) and the DMARCbis one
// (urn:ietf:params:xml:ns:dmarc-2.0) alike, and any prefix a reporter
// adds.
type xmlMetadata struct {
	OrgName          string   `xml:"org_name"`
	Email            string   `xml:"email"`
	ExtraContactInfo string   `xml:"extra_contact_info"`
	ReportID         string   `xml:"report_id"`
	Begin            string   `xml:"date_range>begin"`
	End              string   `xml:"date_range>end"`
	Errors           []string `xml:"error"`
	Generator        string   `xml:"generator"`
}

type xmlPolicy struct {
	Domain          string `xml:"domain"`
	ADKIM           string `xml:"adkim"`
	ASPF            string `xml:"aspf"`
	P               string `xml:"p"`
	SP              string `xml:"sp"`
	NP              string `xml:"np"`
	Pct             string `xml:"pct"`
	FO              string `xml:"fo"`
	Testing         string `xml:"testing"`
	DiscoveryMethod string `xml:"discovery_method"`
}

type xmlRecord struct {
	SourceIP    string `xml:"row>source_ip"`
	Count       string `xml:"row>count"`
	Disposition string `xml:"row>policy_evaluated>disposition"`
	DKIM        string `xml:"row>policy_evaluated>dkim"`
	SPF         string `xml:"row>policy_evaluated>spf"`
	Reasons     []struct {
		Type    string `xml:"type"`
		Comment string `xml:"comment"`
	} `xml:"row>policy_evaluated>reason"`
	HeaderFrom   string `xml:"identifiers>header_from"`
	EnvelopeFrom string `xml:"identifiers>envelope_from"`
	EnvelopeTo   string `xml:"identifiers>envelope_to"`
	DKIMAuth     []struct {
		Domain      string `xml:"domain"`
		Selector    string `xml:"selector"`
		Result      string `xml:"result"`
		HumanResult string `xml:"human_result"`
	} `xml:"auth_results>dkim"`
	SPFAuth []struct {
		Domain      string `xml:"domain"`
		Scope       string `xml:"scope"`
		Result      string `xml:"result"`
		HumanResult string `xml:"human_result"`
	} `xml:"auth_results>spf"`
}

// maxXMLDepth bounds nesting, so that a document of a million opening
// tags is refused instead of walked.
const maxXMLDepth = 64

// parseAggregate reads one aggregate report and emits a record per
// <record>. Records before the metadata (the schema puts it first; a
// sloppy reporter may not) wait until the end of the document.
func parseAggregate(data []byte, p *parser) error {
	if !utf8.Valid(data) && !otherCharset(data) {
		p.warn("the report is not valid UTF-8: invalid bytes were replaced")
		data = bytes.ToValidUTF8(data, []byte("\uFFFD"))
	}
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	// No DTD is ever read (see the Directive case), so no entity but the
	// five predefined ones can be named; an unknown one is an error.
	d.Entity = nil
	d.CharsetReader = func(label string, r io.Reader) (io.Reader, error) {
		enc, err := htmlindex.Get(label)
		if err != nil {
			return nil, fmt.Errorf("unknown charset %q", label)
		}
		return enc.NewDecoder().Reader(r), nil
	}
	var (
		base      Aggregate
		haveMeta  bool
		pending   []*Aggregate
		depth     int
		sawRoot   bool
		sawRecord bool
	)
	base.Type = TypeAggregate
	for {
		if err := p.ctx.Err(); err != nil {
			return err
		}
		tok, err := d.Token()
		if err == io.EOF {
			if depth != 0 || !sawRoot {
				return p.corrupt("the XML ends before the report does", nil)
			}
			break
		}
		if err != nil {
			return p.corrupt("invalid XML", xmlError(err))
		}
		switch t := tok.(type) {
		case xml.Directive:
			// RFC 7489's schema has no DTD; a DOCTYPE here can only
			// declare entities (billion laughs) or fetch something.
			return p.corrupt("the XML has a DTD (<!DOCTYPE>), which a report never needs", nil)
		case xml.EndElement:
			depth--
		case xml.StartElement:
			depth++
			if depth > maxXMLDepth {
				return p.corrupt("the XML is nested too deeply", nil)
			}
			if depth == 1 {
				if t.Name.Local != "feedback" {
					return p.notReport(fmt.Sprintf("XML whose root element is <%s>, not <feedback>", t.Name.Local))
				}
				sawRoot = true
				continue
			}
			if depth != 2 {
				continue
			}
			var err error
			switch t.Name.Local {
			case "version":
				var v string
				err = d.DecodeElement(&v, &t)
				base.Version = strings.TrimSpace(v)
			case "report_metadata":
				var m xmlMetadata
				if err = d.DecodeElement(&m, &t); err == nil {
					p.metadata(&base, &m)
					haveMeta = true
				}
			case "policy_published":
				var pp xmlPolicy
				if err = d.DecodeElement(&pp, &t); err == nil {
					p.policy(&base, &pp)
				}
			case "record":
				var xr xmlRecord
				if err = d.DecodeElement(&xr, &t); err == nil {
					sawRecord = true
					rec := p.record(&xr)
					if haveMeta {
						if err := p.emitAggregate(&base, rec); err != nil {
							return err
						}
					} else {
						pending = append(pending, rec)
					}
				}
			default:
				err = d.Skip()
			}
			if err != nil {
				return p.corrupt("invalid XML in <"+t.Name.Local+">", xmlError(err))
			}
			depth-- // DecodeElement and Skip consumed the end tag
		}
	}
	if !haveMeta {
		p.warn("the report has no <report_metadata>")
	}
	for _, rec := range pending {
		if err := p.emitAggregate(&base, rec); err != nil {
			return err
		}
	}
	if !sawRecord {
		p.warn("the aggregate report has no <record>")
	}
	p.reports++
	return nil
}

// xmlError keeps encoding/xml's description and line without its
// "XML syntax error" prefix, said once by the caller.
func xmlError(err error) error {
	var se *xml.SyntaxError
	if errors.As(err, &se) && se.Msg == "unexpected EOF" {
		return errors.New("the document is truncated")
	}
	if errors.As(err, &se) {
		return fmt.Errorf("line %d: %s", se.Line, se.Msg)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("the document is truncated")
	}
	return err
}

func (p *parser) emitAggregate(base *Aggregate, rec *Aggregate) error {
	r := *base
	r.SourceIP, r.Count, r.Disposition, r.DKIM, r.SPF = rec.SourceIP, rec.Count, rec.Disposition, rec.DKIM, rec.SPF
	r.Reasons, r.HeaderFrom, r.EnvelopeFrom, r.EnvelopeTo, r.AuthResults = rec.Reasons, rec.HeaderFrom, rec.EnvelopeFrom, rec.EnvelopeTo, rec.AuthResults
	return p.emit(&r)
}

func (p *parser) metadata(a *Aggregate, m *xmlMetadata) {
	a.OrgName = clean(m.OrgName)
	a.Email = clean(m.Email)
	a.ExtraContactInfo = clean(m.ExtraContactInfo)
	a.ReportID = clean(m.ReportID)
	a.Generator = clean(m.Generator)
	for _, e := range m.Errors {
		if e = clean(e); e != "" {
			a.Errors = append(a.Errors, e)
		}
	}
	a.Begin = p.timestamp("date_range begin", m.Begin)
	a.End = p.timestamp("date_range end", m.End)
	if a.ReportID == "" {
		p.warn("the report has no report_id: it cannot be told apart from another report of " + a.OrgName)
	}
}

func (p *parser) policy(a *Aggregate, pp *xmlPolicy) {
	a.PolicyDomain = strings.ToLower(strings.TrimSuffix(clean(pp.Domain), "."))
	a.Policy = Policy{
		P: lower(pp.P), SP: lower(pp.SP), NP: lower(pp.NP),
		ADKIM: lower(pp.ADKIM), ASPF: lower(pp.ASPF), FO: clean(pp.FO),
		Testing: lower(pp.Testing), DiscoveryMethod: lower(pp.DiscoveryMethod),
	}
	if s := clean(pp.Pct); s != "" {
		if n, err := strconv.Atoi(s); err == nil && n >= 0 && n <= 100 {
			a.Policy.Pct = &n
		} else {
			p.warn(fmt.Sprintf("policy_published pct %q is not a number from 0 to 100: ignored", s))
		}
	}
}

func (p *parser) record(x *xmlRecord) *Aggregate {
	r := &Aggregate{
		SourceIP:     p.ip(x.SourceIP),
		Disposition:  lower(x.Disposition),
		DKIM:         lower(x.DKIM),
		SPF:          lower(x.SPF),
		HeaderFrom:   strings.ToLower(clean(x.HeaderFrom)),
		EnvelopeFrom: strings.ToLower(clean(x.EnvelopeFrom)),
		EnvelopeTo:   strings.ToLower(clean(x.EnvelopeTo)),
	}
	if c := clean(x.Count); c != "" {
		n, err := strconv.ParseInt(c, 10, 64)
		if err != nil || n < 0 {
			p.warn(fmt.Sprintf("record count %q is not a count: read as 0", c))
			n = 0
		}
		r.Count = n
	} else {
		p.warn("a record has no count: read as 0")
	}
	for _, rs := range x.Reasons {
		// An empty <reason/> says nothing: dropped.
		if t := lower(rs.Type); t != "" {
			r.Reasons = append(r.Reasons, Reason{Type: t, Comment: clean(rs.Comment)})
		}
	}
	r.AuthResults.DKIM = []DKIMResult{}
	for _, a := range x.DKIMAuth {
		r.AuthResults.DKIM = append(r.AuthResults.DKIM, DKIMResult{
			Domain: strings.ToLower(clean(a.Domain)), Selector: clean(a.Selector),
			Result: lower(a.Result), HumanResult: clean(a.HumanResult),
		})
	}
	r.AuthResults.SPF = []SPFResult{}
	for _, a := range x.SPFAuth {
		r.AuthResults.SPF = append(r.AuthResults.SPF, SPFResult{
			Domain: strings.ToLower(clean(a.Domain)), Scope: lower(a.Scope),
			Result: lower(a.Result), HumanResult: clean(a.HumanResult),
		})
	}
	return r
}

// timestamp reads a date_range bound: seconds since the epoch (RFC 7489
// appendix C), also as a float ("1700000000.0") or, from a sloppy
// reporter, an RFC 3339 date.
func (p *parser) timestamp(what, s string) time.Time {
	s = clean(s)
	if s == "" {
		p.warn("the report has no " + what)
		return time.Time{}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Unix(n, 0).UTC()
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && f >= 0 && f < 1e12 {
		return time.Unix(int64(f), 0).UTC()
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC()
	}
	p.warn(fmt.Sprintf("%s %q is not a time: ignored", what, s))
	return time.Time{}
}

func clean(s string) string { return strings.TrimSpace(s) }
func lower(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// otherCharset reports whether the XML declaration names a charset other
// than UTF-8, which the decoder converts (CharsetReader).
func otherCharset(data []byte) bool {
	end := bytes.Index(data, []byte("?>"))
	if !bytes.HasPrefix(bytes.TrimSpace(data), []byte("<?xml")) || end < 0 {
		return false
	}
	decl := strings.ToLower(string(data[:end]))
	i := strings.Index(decl, "encoding=")
	if i < 0 {
		return false
	}
	enc := strings.Trim(decl[i+len("encoding="):], "\"' ")
	if j := strings.IndexAny(enc, "\"' "); j >= 0 {
		enc = enc[:j]
	}
	return enc != "utf-8" && enc != "utf8"
}
