package dmarcreport

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The JSON shape of an SMTP TLS report (RFC 8460 §4.4).
type jsonTLSRPT struct {
	OrganizationName string `json:"organization-name"`
	DateRange        struct {
		Start string `json:"start-datetime"`
		End   string `json:"end-datetime"`
	} `json:"date-range"`
	ContactInfo string `json:"contact-info"`
	ReportID    string `json:"report-id"`
	Policies    []struct {
		Policy struct {
			Type   string     `json:"policy-type"`
			String stringList `json:"policy-string"`
			Domain string     `json:"policy-domain"`
			MXHost stringList `json:"mx-host"`
		} `json:"policy"`
		Summary struct {
			Success count `json:"total-successful-session-count"`
			Failure count `json:"total-failure-session-count"`
		} `json:"summary"`
		FailureDetails []struct {
			ResultType            string `json:"result-type"`
			SendingMTAIP          string `json:"sending-mta-ip"`
			ReceivingMXHostname   string `json:"receiving-mx-hostname"`
			ReceivingMXHelo       string `json:"receiving-mx-helo"`
			ReceivingIP           string `json:"receiving-ip"`
			FailedSessionCount    count  `json:"failed-session-count"`
			AdditionalInformation string `json:"additional-information"`
			FailureReasonCode     string `json:"failure-reason-code"`
		} `json:"failure-details"`
	} `json:"policies"`
}

// stringList reads an array of strings, or the single string some
// reporters send where RFC 8460 has an array (mx-host).
type stringList []string

func (l *stringList) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*l = stringList{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*l = many
	return nil
}

// count reads a session count as a number, a float or a string of one.
type count int64

func (c *count) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "null" || s == "" {
		return nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n >= 0 {
		*c = count(n)
		return nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || f > 1e15 {
		return fmt.Errorf("%s is not a session count", s)
	}
	*c = count(f)
	return nil
}

func parseTLSRPT(data []byte, p *parser) error {
	if !utf8.Valid(data) {
		p.warn("the report is not valid UTF-8: invalid bytes were replaced")
		data = bytes.ToValidUTF8(data, []byte("\uFFFD"))
	}
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(data, &probe); err != nil {
		return p.corrupt("invalid JSON", jsonError(data, err))
	}
	if _, ok := probe["policies"]; !ok {
		if _, ok := probe["organization-name"]; !ok {
			return p.notReport("JSON that is not an SMTP TLS report (no organization-name, no policies)")
		}
	}
	var rep jsonTLSRPT
	if err := json.Unmarshal(data, &rep); err != nil {
		return p.corrupt("the TLS report does not follow RFC 8460", jsonError(data, err))
	}
	base := TLSRPT{
		Type:             TypeTLSRPT,
		OrganizationName: clean(rep.OrganizationName),
		ContactInfo:      clean(rep.ContactInfo),
		ReportID:         clean(rep.ReportID),
		StartDatetime:    p.datetime("start-datetime", rep.DateRange.Start),
		EndDatetime:      p.datetime("end-datetime", rep.DateRange.End),
	}
	if base.ReportID == "" {
		p.warn("the TLS report has no report-id")
	}
	if len(rep.Policies) == 0 {
		p.warn("the TLS report has no policies")
	}
	for _, pol := range rep.Policies {
		r := base
		r.PolicyType = lower(pol.Policy.Type)
		r.PolicyString = pol.Policy.String
		r.PolicyDomain = strings.ToLower(strings.TrimSuffix(clean(pol.Policy.Domain), "."))
		r.MXHost = pol.Policy.MXHost
		r.TotalSuccessfulSessionCount = int64(pol.Summary.Success)
		r.TotalFailureSessionCount = int64(pol.Summary.Failure)
		r.FailureDetails = []FailureDetail{}
		for _, fd := range pol.FailureDetails {
			r.FailureDetails = append(r.FailureDetails, FailureDetail{
				ResultType:            lower(fd.ResultType),
				SendingMTAIP:          p.ip(fd.SendingMTAIP),
				ReceivingMXHostname:   strings.ToLower(strings.TrimSuffix(clean(fd.ReceivingMXHostname), ".")),
				ReceivingMXHelo:       clean(fd.ReceivingMXHelo),
				ReceivingIP:           p.ip(fd.ReceivingIP),
				FailedSessionCount:    int64(fd.FailedSessionCount),
				AdditionalInformation: clean(fd.AdditionalInformation),
				FailureReasonCode:     clean(fd.FailureReasonCode),
			})
		}
		if err := p.emit(&r); err != nil {
			return err
		}
	}
	p.reports++
	return nil
}

// datetime reads an RFC 3339 date-time (RFC 8460 §4.4), also without
// the seconds' fraction or zone that some reporters drop.
func (p *parser) datetime(what, s string) time.Time {
	s = clean(s)
	if s == "" {
		p.warn("the TLS report has no " + what)
		return time.Time{}
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05Z07:00", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	p.warn(fmt.Sprintf("%s %q is not an RFC 3339 date-time: ignored", what, s))
	return time.Time{}
}

// jsonError says where a JSON document went wrong, by line.
func jsonError(data []byte, err error) error {
	if se, ok := err.(*json.SyntaxError); ok && int(se.Offset) >= len(data) {
		return fmt.Errorf("the document is truncated")
	}
	if se, ok := err.(*json.SyntaxError); ok {
		line := 1 + bytes.Count(data[:min(int(se.Offset), len(data))], []byte("\n"))
		return fmt.Errorf("line %d: %s", line, se.Error())
	}
	if te, ok := err.(*json.UnmarshalTypeError); ok {
		return fmt.Errorf("%s: a %s where the report needs a %s", te.Field, te.Value, te.Type)
	}
	return err
}
