// Package tlsrpt checks a domain's SMTP TLS Reporting record (TLS-RPT,
// RFC 8460): the TXT record at _smtp._tls.<domain> (§3), its syntax and
// its rua report destinations (mailto: and https: URIs, §3.1.1), and
// whether its absence matters — it does where the domain asks senders
// for TLS through MTA-STS (RFC 8461) or DANE (RFC 7672), since the
// reports are how the owner learns that deliveries fail.
package tlsrpt

import (
	"errors"
	"fmt"

	"github.com/relayctl/relayctl/checks"
)

// Sentinel errors.
var (
	ErrSyntax = errors.New("tlsrpt: invalid record")
)

// Options tune the check. There is nothing to tune yet.
type Options struct{}

// Record is a parsed TLS-RPT record (RFC 8460 §3).
type Record struct {
	Version    string  `json:"v"`
	RUA        []URI   `json:"rua"`
	Extensions []Field `json:"extensions,omitempty"`
}

// URI is one rua destination.
type URI struct {
	URI    string `json:"uri"`
	Scheme string `json:"scheme"`           // mailto or https
	Target string `json:"target,omitempty"` // the address (mailto) or host (https)
}

// Field is an extension field as written.
type Field struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// SyntaxError is one problem in a record, with its 1-based column.
type SyntaxError struct {
	Col   int    `json:"col"`
	Field string `json:"field,omitempty"`
	Msg   string `json:"message"`
}

func (e *SyntaxError) Error() string { return "tlsrpt: " + e.Message() }

// Message is the error for a person: column, field and what is wrong,
// without the package prefix (checks.Messager).
func (e *SyntaxError) Message() string {
	s := fmt.Sprintf("col %d: ", e.Col)
	if e.Field != "" {
		s += e.Field + ": "
	}
	return s + e.Msg
}

// Errors is every problem found in a record.
type Errors []*SyntaxError

func (es Errors) Error() string { return checks.JoinErrors(es) }

// Message is every error's Message, joined with "; ".
func (es Errors) Message() string { return checks.JoinMessages(es) }

func (es Errors) Unwrap() error { return ErrSyntax }
