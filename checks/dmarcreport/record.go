// Package dmarcreport reads the reports that receivers send back to a
// domain's owner: DMARC aggregate reports (RFC 7489 appendix C, and the
// DMARCbis aggregate schema of RFC 9990 in namespace
// urn:ietf:params:xml:ns:dmarc-2.0), DMARC failure reports (RFC 6591
// authentication failure reports in the ARF format of RFC 5965, as
// RFC 7489 §7.3 and RFC 9991 use them) and SMTP TLS reports (RFC 8460).
//
// Parse takes the bytes of one input — an XML or JSON report, gzip or
// zip around one, or an email carrying any of them — and detects what it
// holds from the content, never from a file name. It emits one Record
// per aggregate <record>, per TLS-RPT policy and per failure report, as
// it reads them.
package dmarcreport

import (
	"errors"
	"time"
)

// Type says which kind of report a record comes from.
type Type string

// The record types.
const (
	TypeAggregate Type = "dmarc-aggregate"
	TypeFailure   Type = "dmarc-failure"
	TypeTLSRPT    Type = "tlsrpt"
)

// Kinds of the problems a Result carries (errors.Is).
var (
	// ErrNotReport: the input holds no report at all (an ordinary email,
	// a text file).
	ErrNotReport = errors.New("dmarcreport: not a report")
	// ErrCorrupt: the input is a report, or a container of one, that
	// cannot be read: truncated XML, a broken gzip stream, a DTD.
	ErrCorrupt = errors.New("dmarcreport: corrupt report")
	// ErrTooLarge: decompressing the input would pass Options.MaxSize.
	ErrTooLarge = errors.New("dmarcreport: report too large")
)

// Record is one row of output: *Aggregate, *Failure or *TLSRPT.
type Record interface {
	// Kind is the record's type.
	Kind() Type
	// Key identifies the report the record comes from: (org, report id).
	Key() (org, reportID string)
	// SetSource records where the record was read from.
	SetSource(string)
}

// Aggregate is one <record> of a DMARC aggregate report with the
// report's metadata and published policy (RFC 7489 appendix C).
type Aggregate struct {
	Type    Type   `json:"type"`
	Source  string `json:"source,omitempty"`
	Version string `json:"version,omitempty"`
	// Report metadata.
	OrgName          string    `json:"org_name"`
	Email            string    `json:"email,omitempty"`
	ExtraContactInfo string    `json:"extra_contact_info,omitempty"`
	ReportID         string    `json:"report_id"`
	Begin            time.Time `json:"begin"`
	End              time.Time `json:"end"`
	Errors           []string  `json:"errors,omitempty"`
	Generator        string    `json:"generator,omitempty"`
	PolicyDomain     string    `json:"policy_domain"`
	Policy           Policy    `json:"policy"`
	// The row.
	SourceIP    string   `json:"source_ip"`
	Count       int64    `json:"count"`
	Disposition string   `json:"disposition"`
	DKIM        string   `json:"dkim"`
	SPF         string   `json:"spf"`
	Reasons     []Reason `json:"reasons,omitempty"`
	// Identifiers.
	HeaderFrom   string `json:"header_from"`
	EnvelopeFrom string `json:"envelope_from,omitempty"`
	EnvelopeTo   string `json:"envelope_to,omitempty"`
	AuthResults  Auth   `json:"auth_results"`
}

// Policy is the DMARC policy the receiver found (policy_published).
type Policy struct {
	P               string `json:"p"`
	SP              string `json:"sp,omitempty"`
	NP              string `json:"np,omitempty"`
	ADKIM           string `json:"adkim,omitempty"`
	ASPF            string `json:"aspf,omitempty"`
	Pct             *int   `json:"pct,omitempty"`
	FO              string `json:"fo,omitempty"`
	Testing         string `json:"testing,omitempty"`
	DiscoveryMethod string `json:"discovery_method,omitempty"`
}

// Reason is a policy override reason (PolicyOverrideReason).
type Reason struct {
	Type    string `json:"type"`
	Comment string `json:"comment,omitempty"`
}

// Auth holds the raw authentication results, before DMARC alignment.
type Auth struct {
	DKIM []DKIMResult `json:"dkim"`
	SPF  []SPFResult  `json:"spf"`
}

// DKIMResult is one DKIM signature's result (DKIMAuthResultType).
type DKIMResult struct {
	Domain      string `json:"domain"`
	Selector    string `json:"selector,omitempty"`
	Result      string `json:"result"`
	HumanResult string `json:"human_result,omitempty"`
}

// SPFResult is one SPF check's result (SPFAuthResultType).
type SPFResult struct {
	Domain      string `json:"domain"`
	Scope       string `json:"scope,omitempty"`
	Result      string `json:"result"`
	HumanResult string `json:"human_result,omitempty"`
}

func (a *Aggregate) Kind() Type            { return TypeAggregate }
func (a *Aggregate) Key() (string, string) { return a.OrgName, a.ReportID }
func (a *Aggregate) SetSource(s string)    { a.Source = s }
func (t *TLSRPT) Kind() Type               { return TypeTLSRPT }
func (t *TLSRPT) Key() (string, string)    { return t.OrganizationName, t.ReportID }
func (t *TLSRPT) SetSource(s string)       { t.Source = s }
func (f *Failure) Kind() Type              { return TypeFailure }
func (f *Failure) Key() (string, string)   { return f.ReportingMTA, f.MessageID }
func (f *Failure) SetSource(s string)      { f.Source = s }

// TLSRPT is one policy of an SMTP TLS report (RFC 8460 §4.4), with the
// report's metadata; RFC 8460's names in snake case.
type TLSRPT struct {
	Type                        Type            `json:"type"`
	Source                      string          `json:"source,omitempty"`
	OrganizationName            string          `json:"organization_name"`
	ContactInfo                 string          `json:"contact_info,omitempty"`
	ReportID                    string          `json:"report_id"`
	StartDatetime               time.Time       `json:"start_datetime"`
	EndDatetime                 time.Time       `json:"end_datetime"`
	PolicyType                  string          `json:"policy_type"`
	PolicyString                []string        `json:"policy_string,omitempty"`
	PolicyDomain                string          `json:"policy_domain"`
	MXHost                      []string        `json:"mx_host,omitempty"`
	TotalSuccessfulSessionCount int64           `json:"total_successful_session_count"`
	TotalFailureSessionCount    int64           `json:"total_failure_session_count"`
	FailureDetails              []FailureDetail `json:"failure_details"`
}

// FailureDetail is one failure-details entry (RFC 8460 §4.4).
type FailureDetail struct {
	ResultType            string `json:"result_type"`
	SendingMTAIP          string `json:"sending_mta_ip,omitempty"`
	ReceivingMXHostname   string `json:"receiving_mx_hostname,omitempty"`
	ReceivingMXHelo       string `json:"receiving_mx_helo,omitempty"`
	ReceivingIP           string `json:"receiving_ip,omitempty"`
	FailedSessionCount    int64  `json:"failed_session_count"`
	AdditionalInformation string `json:"additional_information,omitempty"`
	FailureReasonCode     string `json:"failure_reason_code,omitempty"`
}

// Failure is one DMARC failure report (RFC 6591 fields in snake case)
// with the headers of the message that failed.
type Failure struct {
	Type                  Type      `json:"type"`
	Source                string    `json:"source,omitempty"`
	MessageID             string    `json:"message_id,omitempty"`
	FeedbackType          string    `json:"feedback_type"`
	UserAgent             string    `json:"user_agent,omitempty"`
	Version               string    `json:"version,omitempty"`
	ArrivalDate           time.Time `json:"arrival_date,omitzero"`
	ReportingMTA          string    `json:"reporting_mta,omitempty"`
	SourceIP              string    `json:"source_ip,omitempty"`
	Incidents             int64     `json:"incidents,omitempty"`
	ReportedDomain        string    `json:"reported_domain,omitempty"`
	ReportedURI           []string  `json:"reported_uri,omitempty"`
	AuthFailure           []string  `json:"auth_failure,omitempty"`
	AuthenticationResults string    `json:"authentication_results,omitempty"`
	OriginalEnvelopeID    string    `json:"original_envelope_id,omitempty"`
	OriginalMailFrom      string    `json:"original_mail_from,omitempty"`
	OriginalRcptTo        []string  `json:"original_rcpt_to,omitempty"`
	DeliveryResult        string    `json:"delivery_result,omitempty"`
	DKIMDomain            string    `json:"dkim_domain,omitempty"`
	DKIMIdentity          string    `json:"dkim_identity,omitempty"`
	DKIMSelector          string    `json:"dkim_selector,omitempty"`
	SPFDNS                string    `json:"spf_dns,omitempty"`
	IdentityAlignment     string    `json:"identity_alignment,omitempty"`
	OriginalHeaders       []Header  `json:"original_headers,omitempty"`
}

// Header is one header field of the reported message.
type Header struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}
