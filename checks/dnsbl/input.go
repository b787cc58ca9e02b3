package dnsbl

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"iter"
	"math"
	"net/netip"
	"strings"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dnsx"
	"github.com/relayctl/relayctl/internal/listfile"
)

// Target is one address or domain name to check.
type Target struct {
	Addr   netip.Addr // for an address
	Domain string     // for a domain name (normalised, no trailing dot)
	// Bad is set instead for a line of input that is not a target: its
	// report says why, and no list is asked.
	Bad *LineError
}

// String is the target as reports name it.
func (t Target) String() string {
	switch {
	case t.Bad != nil:
		return t.Bad.Text
	case t.Domain != "":
		return t.Domain
	}
	return t.Addr.String()
}

// LineError is a line of an input file or stdin that is not a target.
type LineError struct {
	Name string // the file, or "stdin"
	Line int
	Text string // the line as it was, without its comment
	Err  error  // why (ErrBadTarget, ErrTooMany)
}

func (e *LineError) where() string   { return fmt.Sprintf("%s:%d", e.Name, e.Line) }
func (e *LineError) Error() string   { return e.where() + ": " + e.Err.Error() }
func (e *LineError) Message() string { return e.where() + ": " + checks.Message(e.Err) }
func (e *LineError) Unwrap() error   { return e.Err }

// Kind is the kind of list that can answer for t.
func (t Target) Kind() Kind {
	switch {
	case t.Domain != "":
		return KindDomain
	case t.Addr.Is4():
		return KindIP4
	}
	return KindIP6
}

// DefaultMaxAddresses is how many addresses one CIDR may hold without
// --max-addresses: a /16.
const DefaultMaxAddresses = 65536

// ParseAddr parses an IPv4 or IPv6 address as a user wrote it. An
// IPv4-mapped IPv6 address is the IPv4 address; a zone (fe80::1%eth0) is
// refused, because no list knows it.
func ParseAddr(s string) (netip.Addr, error) {
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return netip.Addr{}, errorf(ErrBadTarget, "invalid target %q: not an IPv4 or IPv6 address", s)
	}
	return a.Unmap(), nil
}

// Input is one address, CIDR block or domain name from the command line
// or a line of a file.
type Input struct {
	target Target
	prefix netip.Prefix // a CIDR block, when valid
}

// Count is how many targets the input expands to (saturating at
// math.MaxUint64).
func (in Input) Count() uint64 {
	if !in.prefix.IsValid() {
		return 1
	}
	host := in.prefix.Addr().BitLen() - in.prefix.Bits()
	if host >= 64 {
		return math.MaxUint64
	}
	return 1 << host
}

// IsBlock reports whether the input is a CIDR block.
func (in Input) IsBlock() bool { return in.prefix.IsValid() }

// All yields the input's targets in address order, one at a time: a
// block is never held in memory.
func (in Input) All() iter.Seq[Target] {
	return func(yield func(Target) bool) {
		if !in.prefix.IsValid() {
			yield(in.target)
			return
		}
		for a := in.prefix.Addr(); a.IsValid() && in.prefix.Contains(a); a = a.Next() {
			if !yield(Target{Addr: a}) {
				return
			}
		}
	}
}

// ParseIP parses an address or a CIDR block (a block holding more than
// max addresses is refused, so that a typo such as /8 for /28 does not
// start sixteen million queries).
func ParseIP(s string, max uint64) (Input, error) {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "/") {
		a, err := ParseAddr(s)
		if err != nil {
			return Input{}, err
		}
		return Input{target: Target{Addr: a}}, nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil || p.Addr().Zone() != "" {
		return Input{}, errorf(ErrBadTarget, "invalid target %q: not a CIDR block such as 192.0.2.0/24 or 2001:db8::/120", s)
	}
	if p.Addr().Is4In6() && p.Bits() >= 96 {
		p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
	}
	in := Input{prefix: p.Masked()}
	if n := in.Count(); n > max {
		return Input{}, errorf(ErrTooMany, "too many addresses: %s holds %s addresses, more than --max-addresses (%s); raise it to check them all", s, count(n), count(max))
	}
	return in, nil
}

func count(n uint64) string {
	if n == math.MaxUint64 {
		return "2^64 or more"
	}
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// ParseDomain parses a domain name to check against domain lists.
func ParseDomain(s string) (Input, error) {
	s = strings.TrimSpace(s)
	if _, err := netip.ParseAddr(s); err == nil {
		return Input{}, errorf(ErrBadTarget, "invalid target %q: an IP address (check it with \"blacklist ip\")", s)
	}
	d, err := dnsx.Domain(s)
	if err != nil {
		return Input{}, wrapf(ErrBadTarget, err, "invalid target")
	}
	return Input{target: Target{Domain: d}}, nil
}

// Parser turns one word of input into an Input: ParseIP with a limit, or
// ParseDomain.
type Parser func(string) (Input, error)

// IPParser is ParseIP with the --max-addresses limit.
func IPParser(max uint64) Parser {
	return func(s string) (Input, error) { return ParseIP(s, max) }
}

// maxLine bounds one line of an input file.
const maxLine = 4096

// Lines yields the inputs of a file: one address, block or domain a line;
// blank lines and everything after a '#' are ignored. A line that does
// not parse yields a *LineError naming the file and line, and the lines
// after it follow (the consumer may stop); a line too long to read, or a
// read error, ends the sequence with its error.
func Lines(r io.Reader, name string, parse Parser) iter.Seq2[Input, error] {
	return func(yield func(Input, error) bool) {
		for l, err := range listfile.Lines(r, maxLine) {
			if err != nil {
				if errors.Is(err, bufio.ErrTooLong) {
					err = errorf(ErrBadTarget, "invalid target: line %d is longer than %d bytes", l.N, maxLine)
				}
				yield(Input{}, at(name, err))
				return
			}
			in, err := parse(l.Text)
			if err != nil {
				in = Input{}
				err = &LineError{Name: name, Line: l.N, Text: l.Text, Err: err}
			}
			if !yield(in, err) {
				return
			}
		}
	}
}

// CheckInput names the check of a report for a line of input that is not
// a target: status error, the reason in its error, nothing asked.
const CheckInput = "input"

// InputData is the data of the input check: where the bad line is.
type InputData struct {
	Source string `json:"source"`
	Line   int    `json:"line"`
	Text   string `json:"text"`
}

func badInputResult(e *LineError) checks.Result {
	res := checks.Result{Name: CheckInput, Data: &InputData{Source: e.Name, Line: e.Line, Text: e.Text}}
	fail(&res, e)
	res.Summary = res.Error
	res.Settle()
	return res
}
