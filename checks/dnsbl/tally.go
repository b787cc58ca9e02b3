package dnsbl

import "github.com/relayctl/relayctl/checks"

// Tally counts what a run found, report by report, for the summary at
// the end of a bulk run.
type Tally struct {
	// Targets is how many reports were added; each is counted once in
	// Listed (on a blocklist), else Incomplete (a list could not
	// answer, or a bad line of input), else Clean. Allowlisted counts
	// the targets on an allowlist, whatever else they are.
	Targets, Listed, Clean, Incomplete, Allowlisted int
	// BadInput counts the bad lines of input among Incomplete.
	BadInput int

	lists []*ListTally
	index map[string]*ListTally
}

// ListTally is what one list did over a run.
type ListTally struct {
	Zone string `json:"zone"`
	// Listed: targets it listed (or allowlisted) and whose answer counted.
	Listed int `json:"listed"`
	// Refused: targets it refused to answer about.
	Refused int `json:"refused"`
	// Unhealthy: targets whose answer was not counted because it fails
	// its self-test.
	Unhealthy int `json:"unhealthy"`
	// Errors: targets it could not be asked about (timeout, SERVFAIL, an
	// answer outside 127/8, the resolver failing).
	Errors int `json:"errors"`
}

// Add counts one report.
func (t *Tally) Add(rep checks.Report) {
	t.Targets++
	listed, incomplete := false, false
	for _, c := range rep.Checks {
		switch d := c.Data.(type) {
		case *InputData:
			t.BadInput++
			incomplete = true
		case *Data:
			lt := t.list(c.Name)
			switch {
			case d.Listed:
				lt.Listed++
				if d.Allowlist {
					t.Allowlisted++
				} else {
					listed = true
				}
			case d.Refused:
				lt.Refused++
			case d.Health.State == HealthUnhealthy && c.Status == checks.StatusError:
				lt.Unhealthy++
			case c.Status == checks.StatusError:
				lt.Errors++
			}
			incomplete = incomplete || c.Status == checks.StatusError
		}
	}
	switch {
	case listed:
		t.Listed++
	case incomplete:
		t.Incomplete++
	default:
		t.Clean++
	}
}

func (t *Tally) list(zone string) *ListTally {
	if lt, ok := t.index[zone]; ok {
		return lt
	}
	if t.index == nil {
		t.index = map[string]*ListTally{}
	}
	lt := &ListTally{Zone: zone}
	t.index[zone] = lt
	t.lists = append(t.lists, lt)
	return lt
}

// Lists is each list's tally, in the order the lists first reported.
func (t *Tally) Lists() []ListTally {
	out := make([]ListTally, len(t.lists))
	for i, lt := range t.lists {
		out[i] = *lt
	}
	return out
}

// Shows reports whether a report belongs in a --listed-only run's
// output: a blocklist lists the target (warn or fail, after --ignore),
// or a list could not answer, or the line was not a target. The resolver
// check does not count: it is the same in every report.
func Shows(rep checks.Report) bool {
	for _, c := range rep.Checks {
		if _, ok := c.Data.(*ResolverData); ok {
			continue
		}
		switch c.Status {
		case checks.StatusWarn, checks.StatusFail, checks.StatusError:
			return true
		}
	}
	return false
}
