package verify

import (
	"cmp"
	"github.com/relayctl/relayctl/checks"
	"slices"
)

// Summary counts a run's records by verdict and by reason.
type Summary struct {
	Total    int             `json:"total"`
	Verdicts map[Verdict]int `json:"verdicts"`
	Reasons  map[string]int  `json:"reasons"`
	// Skipped are inputs left out because an earlier run did them
	// (--skip-done).
	Skipped int `json:"skipped,omitempty"`
	// Connections is the number of SMTP connections opened.
	Connections int `json:"connections"`
	// Notes are findings about the run itself, each once.
	Notes []checks.Finding `json:"notes,omitempty"`
}

// Add counts one record.
func (s *Summary) Add(r *Record) {
	if s.Verdicts == nil {
		s.Verdicts = map[Verdict]int{}
		s.Reasons = map[string]int{}
	}
	s.Total++
	s.Verdicts[r.Verdict]++
	for _, f := range r.Reasons {
		s.Reasons[f.Code]++
	}
}

// Count is one line of a breakdown.
type Count struct {
	Name string
	N    int
}

// ByCount returns the counts of m, most first, then by name.
func ByCount[K ~string](m map[K]int) []Count {
	out := make([]Count, 0, len(m))
	for k, n := range m {
		out = append(out, Count{string(k), n})
	}
	slices.SortFunc(out, func(a, b Count) int {
		if c := cmp.Compare(b.N, a.N); c != 0 {
			return c
		}
		return cmp.Compare(a.Name, b.Name)
	})
	return out
}
