package received

import (
	"strings"
	"time"
)

// Hop is one Received field on the delivery path.
type Hop struct {
	// Index is the field's place among the message's Received fields in
	// header order: 0 is the topmost, the newest.
	Index int `json:"index"`
	// Header is what could be read; never nil, Raw always set.
	Header *Header `json:"header"`
	// Err says why the field could not be read in full; nil when it could.
	// A hop with an error stays on the path.
	Err error `json:"-"`
	// Delay is the time from the previous event to this hop: the nearest
	// older hop with a readable date (Hops[DelayFrom]) or, for the first
	// dated hop, the Date field (DelayFrom -1). Valid when DelayKnown.
	Delay      time.Duration `json:"delay"`
	DelayKnown bool          `json:"delay_known"`
	DelayFrom  int           `json:"delay_from"`
}

// Path is a message's delivery path.
type Path struct {
	// Hops are oldest first: the reverse of header order.
	Hops []Hop `json:"hops"`
	// Date is the message's Date field; DateErr why it could not be read
	// (nil with DateKnown false when there was none).
	Date      time.Time `json:"date"`
	DateKnown bool      `json:"date_known"`
	DateErr   error     `json:"-"`
	// Total is the time from Date to the newest hop with a readable date.
	Total      time.Duration `json:"total"`
	TotalKnown bool          `json:"total_known"`
}

// BuildPath turns the Received field bodies of a message, in header
// order (newest first, as they appear), and its Date field body ("" when
// it has none) into the delivery path.
func BuildPath(received []string, date string) Path {
	parsed := make([]parsedReceived, len(received))
	for i, v := range received {
		h, err := Parse(v)
		parsed[i] = parsedReceived{index: i, h: h, err: err}
	}
	return buildPath(parsed, date)
}

// Path is the delivery path of the trace: its Received fields and its
// first Date field.
func (t *Trace) Path() Path {
	date := ""
	for _, f := range t.fields {
		if strings.EqualFold(strings.TrimSpace(f.Name), "date") {
			date = f.Value
			break
		}
	}
	return buildPath(t.received, date)
}

// PathOf builds the path from a message's header fields in header order:
// its Received fields and its first Date field.
func PathOf(fields []Field) Path { return NewTrace(fields).Path() }

// buildPath is the path of parsed Received fields in header order.
func buildPath(received []parsedReceived, date string) Path {
	var p Path
	if date != "" {
		t, err := ParseDate(date)
		p.Date, p.DateKnown, p.DateErr = t, err == nil, err
	}
	p.Hops = make([]Hop, len(received))
	for i := range received {
		r := received[len(received)-1-i]
		p.Hops[i] = Hop{Index: r.index, Header: r.h, Err: r.err, DelayFrom: -1}
	}
	prev := -1 // the nearest older hop with a date
	for i := range p.Hops {
		hop := &p.Hops[i]
		if hop.Header.Date.IsZero() {
			continue
		}
		switch {
		case prev >= 0:
			hop.Delay, hop.DelayKnown, hop.DelayFrom = hop.Header.Date.Sub(p.Hops[prev].Header.Date), true, prev
		case p.DateKnown:
			hop.Delay, hop.DelayKnown = hop.Header.Date.Sub(p.Date), true
		}
		prev = i
	}
	if prev >= 0 && p.DateKnown {
		p.Total, p.TotalKnown = p.Hops[prev].Header.Date.Sub(p.Date), true
	}
	return p
}

// Slowest returns the position in p.Hops of the hop with the longest
// positive delay (the first of equals); false when no hop has one.
func Slowest(p Path) (int, bool) {
	best := -1
	for i, h := range p.Hops {
		if h.DelayKnown && h.Delay > 0 && (best < 0 || h.Delay > p.Hops[best].Delay) {
			best = i
		}
	}
	return best, best >= 0
}

// Delayed returns the positions of the hops whose delay exceeds threshold.
func Delayed(p Path, threshold time.Duration) []int {
	return hopsWhere(p, func(h Hop) bool { return h.DelayKnown && h.Delay > threshold })
}

// NegativeDelays returns the positions of the hops dated more than
// tolerance before the event they follow: a clock on the way is wrong
// (or, for the first hop, the sender's).
func NegativeDelays(p Path, tolerance time.Duration) []int {
	return hopsWhere(p, func(h Hop) bool { return h.DelayKnown && h.Delay < -tolerance })
}

// FutureDate reports whether the Date field is more than tolerance after now.
func FutureDate(p Path, now time.Time, tolerance time.Duration) bool {
	return p.DateKnown && p.Date.Sub(now) > tolerance
}

// FutureHops returns the positions of the hops dated more than tolerance
// after now.
func FutureHops(p Path, now time.Time, tolerance time.Duration) []int {
	return hopsWhere(p, func(h Hop) bool { return !h.Header.Date.IsZero() && h.Header.Date.Sub(now) > tolerance })
}

// ClearBetweenTLS returns the positions of the hops known to be in clear
// text (TLS No) that have a TLS hop both before and after them: the
// message left an encrypted path for one hop. A hop from a loopback
// address never left its host and is not counted; one whose TLS the
// header does not state (a local or mapi hop) is neither clear nor TLS.
func ClearBetweenTLS(p Path) []int {
	first, last := -1, -1
	for i, h := range p.Hops {
		if h.Header.TLS == Yes {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	var out []int
	for i := first + 1; i < last; i++ {
		if h := p.Hops[i].Header; h.TLS == No && !h.From.IP.IsLoopback() {
			out = append(out, i)
		}
	}
	return out
}

// Unparsed returns the positions of the hops whose field could not be
// read in full.
func Unparsed(p Path) []int {
	return hopsWhere(p, func(h Hop) bool { return h.Err != nil })
}

func hopsWhere(p Path, keep func(Hop) bool) []int {
	var out []int
	for i, h := range p.Hops {
		if keep(h) {
			out = append(out, i)
		}
	}
	return out
}
