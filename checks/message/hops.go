package message

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/received"
	"github.com/relayctl/relayctl/internal/textutil"
)

// DefaultSlow is the delay of one hop past which the hops check warns
// (--slow).
const DefaultSlow = 5 * time.Minute

// skewTolerance is how far a clock may be off before the hops check
// calls it skewed: hosts' clocks differ by seconds, and Received dates
// have a resolution of one second.
const skewTolerance = time.Minute

// maxHopLines bounds the hops.hop findings: the timeline shows the
// first hops and the last, the data has all of them.
const maxHopLines = 24

// maxPerCode bounds the findings of one code about single hops (slow,
// skewed, clear-text, unreadable): past it one more finding counts the
// rest, which the data holds.
const maxPerCode = 10

// maxRawHop bounds the raw text of an unreadable Received field kept in
// the data.
const maxRawHop = 512

// HopsData is the data of the hops check.
type HopsData struct {
	// Hops are oldest first: Hops[0] is the first relay, the last is the
	// receiver's own.
	Hops []HopData `json:"hops"`
	// Date is the Date field (RFC 3339), absent when missing or
	// unreadable; DateError says why it could not be read.
	Date      string `json:"date,omitempty"`
	DateError string `json:"date_error,omitempty"`
	// TotalS is the time from Date to the newest dated hop, in seconds.
	TotalS *float64 `json:"total_s,omitempty"`
	// Slowest is the number (HopData.N) of the hop with the longest delay.
	Slowest int `json:"slowest,omitempty"`
	// SlowS is the --slow threshold, in seconds.
	SlowS float64 `json:"slow_s"`
}

// HopData is one Received field on the path.
type HopData struct {
	// N counts the hops from 1, oldest first; Field is the field's place
	// among the Received fields, 0 the topmost (newest).
	N     int     `json:"n"`
	Field int     `json:"field"`
	From  HopFrom `json:"from"`
	By    string  `json:"by,omitempty"`
	With  string  `json:"with,omitempty"`
	ID    string  `json:"id,omitempty"`
	For   string  `json:"for,omitempty"`
	// Date is the hop's date-time (RFC 3339), absent when unreadable.
	Date string `json:"date,omitempty"`
	// DelayS is the time from the previous dated hop (or, for the first,
	// from the Date field), in seconds; absent when either date is unknown.
	DelayS        *float64       `json:"delay_s,omitempty"`
	TLS           received.State `json:"tls"`
	TLSVersion    string         `json:"tls_version,omitempty"`
	TLSCipher     string         `json:"tls_cipher,omitempty"`
	Authenticated received.State `json:"authenticated"`
	AuthUser      string         `json:"auth_user,omitempty"`
	// Error says why the field could not be read in full; Raw is then
	// its text (at most 512 bytes).
	Error string `json:"error,omitempty"`
	Raw   string `json:"raw,omitempty"`
}

// HopFrom is who a hop's receiver says connected.
type HopFrom struct {
	// Name is the name the from clause starts with; HELO the client's
	// HELO/EHLO name; RDNS the reverse-DNS name the receiver recorded; IP
	// the address literal.
	Name string `json:"name,omitempty"`
	HELO string `json:"helo,omitempty"`
	RDNS string `json:"rdns,omitempty"`
	IP   string `json:"ip,omitempty"`
}

// hopsOf turns the path into the check's data.
func hopsOf(p received.Path, slow time.Duration) *HopsData {
	d := &HopsData{Hops: make([]HopData, len(p.Hops)), SlowS: slow.Seconds()}
	if p.DateKnown {
		d.Date = p.Date.Format(time.RFC3339)
	} else if p.DateErr != nil {
		d.DateError = checks.Message(p.DateErr)
	}
	if p.TotalKnown {
		d.TotalS = seconds(p.Total)
	}
	for i, h := range p.Hops {
		hd := h.Header
		o := HopData{N: i + 1, Field: h.Index, By: hd.By, With: hd.With, ID: hd.ID, For: hd.For,
			From: HopFrom{Name: hd.From.Name, HELO: hd.From.HELO, RDNS: hd.From.RDNS},
			TLS:  hd.TLS, TLSVersion: hd.TLSVersion, TLSCipher: hd.TLSCipher,
			Authenticated: hd.Authenticated, AuthUser: hd.AuthUser}
		if hd.From.IP.IsValid() {
			o.From.IP = hd.From.IP.String()
		}
		if !hd.Date.IsZero() {
			o.Date = hd.Date.Format(time.RFC3339)
		}
		if h.DelayKnown {
			o.DelayS = seconds(h.Delay)
		}
		if h.Err != nil {
			o.Error, o.Raw = checks.Message(h.Err), textutil.Clip(strings.TrimSpace(hd.Raw), maxRawHop)
		}
		d.Hops[i] = o
	}
	if i, ok := received.Slowest(p); ok {
		d.Slowest = i + 1
	}
	return d
}

func seconds(d time.Duration) *float64 {
	s := d.Seconds()
	return &s
}

// judgeHops reports the delivery path: each hop as a line of the
// timeline, the slowest, delays past --slow, clock skew, a hop in clear
// text between TLS hops, and fields that cannot be read.
func judgeHops(ru *run) checks.Result {
	p := ru.path
	slow := ru.opts.Slow
	if slow <= 0 {
		slow = DefaultSlow
	}
	data := hopsOf(p, slow)
	res := checks.Result{Data: data}
	over := map[string]int{}
	add := func(f checks.Finding) {
		if n := over[f.Code]; n >= maxPerCode {
			over[f.Code] = n + 1
			return
		}
		over[f.Code]++
		res.Add(f)
	}
	flush := func() {
		for _, code := range []string{"hops.unparsed", "hops.slow", "hops.clock-skew", "hops.clear-hop"} {
			if n := over[code] - maxPerCode; n > 0 {
				f := findingOf0(res.Findings, code)
				f.Message = fmt.Sprintf("… and %d more like this (the data has every hop)", n)
				res.Add(f)
			}
		}
	}
	if len(p.Hops) == 0 {
		res.Summary = "no Received fields: the message has no delivery path to show"
		res.Add(finding("hops.none", checks.SeverityInfo, "RFC 5321 §4.4", "Check the message as the receiver stored it, with its Received fields.",
			"the message has no Received fields"))
		return res
	}
	for i := range p.Hops {
		if len(p.Hops) > maxHopLines && i == maxHopLines/2 {
			res.Add(finding("hops.hop", checks.SeverityInfo, "", "", "… %d hops not shown (the data has every hop)", len(p.Hops)-maxHopLines))
		}
		if len(p.Hops) <= maxHopLines || i < maxHopLines/2 || i >= len(p.Hops)-maxHopLines/2 {
			res.Add(finding("hops.hop", checks.SeverityInfo, "", "", "%s", hopLine(i, p.Hops[i])))
		}
	}
	for _, i := range received.Unparsed(p) {
		h := p.Hops[i]
		add(finding("hops.unparsed", checks.SeverityInfo, "RFC 5321 §4.4", "Nothing to do unless the field is your MTA's; what could be read is in the data.",
			"hop %d (Received field %d) cannot be read in full: %s", i+1, h.Index, checks.Message(h.Err)))
	}
	if i, ok := received.Slowest(p); ok {
		res.Add(finding("hops.slowest", checks.SeverityInfo, "", "",
			"the slowest hop is %d, %s: %s", i+1, hopEnds(p.Hops[i]), duration(p.Hops[i].Delay)))
	}
	for _, i := range received.Delayed(p, slow) {
		add(finding("hops.slow", checks.SeverityWarn, "RFC 5321 §4.5.4.1",
			"Look at the queue of the host that passed the message on ("+hopFromName(p.Hops[i])+"): a greylisting retry, a deferral or a busy queue.",
			"hop %d (%s) took %s, over the %s threshold (--slow)", i+1, hopEnds(p.Hops[i]), duration(p.Hops[i].Delay), duration(slow)))
	}
	for _, i := range received.NegativeDelays(p, skewTolerance) {
		h := p.Hops[i]
		what := "the hop before it"
		if h.DelayFrom < 0 {
			what = "the Date field"
		}
		add(finding("hops.clock-skew", checks.SeverityWarn, "RFC 5322 §3.6.1",
			"A clock on the way is wrong: run NTP on the sender and on every relay.",
			"hop %d (%s) is dated %s before %s: a clock is off", i+1, hopEnds(h), duration(-h.Delay), what))
	}
	if received.FutureDate(p, ru.opts.Now, skewTolerance) {
		add(finding("hops.clock-skew", checks.SeverityWarn, "RFC 5322 §3.6.1",
			"The sender's clock is ahead: run NTP on it.",
			"the Date field (%s) is %s in the future", data.Date, duration(p.Date.Sub(ru.opts.Now))))
	}
	for _, i := range received.FutureHops(p, ru.opts.Now, skewTolerance) {
		add(finding("hops.clock-skew", checks.SeverityWarn, "RFC 5321 §4.4",
			"That relay's clock is ahead: run NTP on it.",
			"hop %d (%s) is dated %s in the future", i+1, hopEnds(p.Hops[i]), duration(p.Hops[i].Header.Date.Sub(ru.opts.Now))))
	}
	for _, i := range received.ClearBetweenTLS(p) {
		add(finding("hops.clear-hop", checks.SeverityWarn, "RFC 3207",
			"Offer and use STARTTLS on that relay: the message crossed the network unencrypted between encrypted hops.",
			"hop %d (%s, with %s) was in clear text between hops that used TLS", i+1, hopEnds(p.Hops[i]), orDash(p.Hops[i].Header.With)))
	}
	if p.TotalKnown {
		res.Add(finding("hops.total", checks.SeverityInfo, "", "",
			"%s from the Date field to the last hop, over %s", duration(p.Total), textutil.Count(len(p.Hops), "hop", "hops")))
	}
	flush()
	res.Summary = hopsSummary(p, data)
	return res
}

// hopsSummary says the path in one line: its hops, the total, the
// slowest.
func hopsSummary(p received.Path, d *HopsData) string {
	var b strings.Builder
	b.WriteString(textutil.Count(len(p.Hops), "hop", "hops"))
	tls := 0
	for _, h := range p.Hops {
		if h.Header.TLS == received.Yes {
			tls++
		}
	}
	fmt.Fprintf(&b, " (%d with TLS)", tls)
	if p.TotalKnown {
		b.WriteString(", " + duration(p.Total) + " from Date to delivery")
	}
	if d.Slowest > 0 {
		fmt.Fprintf(&b, ", slowest %d (%s)", d.Slowest, duration(p.Hops[d.Slowest-1].Delay))
	}
	return b.String()
}

// hopLine is a line of the timeline: "2 mail.example.com [192.0.2.1] →
// mx.example.net  ESMTPS  +2s".
func hopLine(i int, h received.Hop) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d %s → %s  %s", i+1, hopFromName(h), orDash(h.Header.By), orDash(h.Header.With))
	// The protocol names TLS when it ends in S or SA (RFC 3848); a TLS
	// hop the MTA shows only in a comment says so here.
	if w := strings.ToUpper(h.Header.With); h.Header.TLS == received.Yes && !strings.HasSuffix(w, "S") && !strings.HasSuffix(w, "SA") {
		b.WriteString(" (TLS)")
	}
	if h.Header.Authenticated == received.Yes {
		b.WriteString(" auth")
	}
	switch {
	case h.DelayKnown:
		b.WriteString("  " + signed(h.Delay))
	case h.Header.Date.IsZero():
		b.WriteString("  no date")
	}
	if h.Err != nil {
		b.WriteString("  (unreadable)")
	}
	return b.String()
}

// hopFromName names the client of a hop: the reverse-DNS name its
// receiver recorded (else the name the clause starts with, often the
// HELO) and its address literal.
func hopFromName(h received.Hop) string {
	f := h.Header.From
	name := f.RDNS
	if name == "" {
		name = f.Name
	}
	switch {
	case name == "" && !f.IP.IsValid() && len(h.Header.Comments) > 0:
		// qmail: "(qmail 1234 invoked from network)" and no from clause.
		return "(" + textutil.Clip(h.Header.Comments[0], 60) + ")"
	case name == "" && !f.IP.IsValid():
		return "?"
	case !f.IP.IsValid():
		return name
	case name == "" || name == f.IP.String() || strings.Trim(name, "[]") == f.IP.String():
		return "[" + f.IP.String() + "]"
	}
	return name + " [" + f.IP.String() + "]"
}

// hopEnds is "client → receiver" for a finding's text.
func hopEnds(h received.Hop) string {
	return hopFromName(h) + " → " + orDash(h.Header.By)
}

func orDash(s string) string {
	if s == "" {
		return "?"
	}
	return s
}

// signed is a delay as the timeline shows it: "+2s", "-1m5s".
func signed(d time.Duration) string {
	if d < 0 {
		return "-" + duration(-d)
	}
	return "+" + duration(d)
}

// duration is d rounded to the second: "0s", "2s", "5m3s", "5m", "26h0m".
func duration(d time.Duration) string {
	d = d.Round(time.Second)
	if d < time.Minute && d > -time.Minute {
		return strconv.FormatInt(int64(d/time.Second), 10) + "s"
	}
	s := d.String()
	if d%time.Minute == 0 {
		s = strings.TrimSuffix(s, "0s")
	}
	return s
}

// findingOf0 is the first finding of code.
func findingOf0(fs []checks.Finding, code string) checks.Finding {
	for _, f := range fs {
		if f.Code == code {
			return f
		}
	}
	return checks.Finding{Code: code}
}
