package bounce

import (
	"sort"
	"strings"

	"github.com/relayctl/relayctl/checks/bounce/reason"
)

// Summary counts a run: the messages read and what they were, and the
// records shown, by reason, by hard/soft and by recipient domain.
type Summary struct {
	// Messages is every message read; Bounces those with at least one
	// failed recipient; Feedback, Vacation and Delivered those that were
	// complaints, auto-replies or delivery reports, Delayed those that
	// only announced a delay (Action: delayed), all counted whether or
	// not their records are shown; NotBounce those that were none of
	// these; Damaged those warned about as corrupt or truncated;
	// Unreadable the inputs that could not be read at all.
	Messages   int `json:"messages"`
	Bounces    int `json:"bounces"`
	Feedback   int `json:"feedback"`
	Vacation   int `json:"vacation"`
	Delivered  int `json:"delivered"`
	Delayed    int `json:"delayed"`
	NotBounce  int `json:"not_bounce"`
	Damaged    int `json:"damaged"`
	Unreadable int `json:"unreadable"`
	// Records is the number of records shown; Hard and Soft split the
	// failures among them.
	Records int `json:"records"`
	Hard    int `json:"hard"`
	Soft    int `json:"soft"`
	// ByReason and ByDomain count the records shown.
	ByReason []Count[reason.Reason] `json:"by_reason"`
	ByDomain []Count[string]        `json:"by_domain"`

	reasons map[reason.Reason]int
	domains map[string]int
}

// Count is one line of a breakdown: a reason or a domain, and how many
// records have it.
type Count[N ~string] struct {
	Name  N   `json:"name"`
	Count int `json:"count"`
}

// AddMessage counts one message by what its records say.
func (s *Summary) AddMessage(it Item) {
	if it.Err != nil {
		s.Unreadable++
		return
	}
	s.Messages++
	if it.Result.Problem != nil {
		s.Damaged++
	}
	kinds := map[Kind]bool{}
	for i := range it.Result.Records {
		kinds[it.Result.Records[i].Kind()] = true
	}
	switch {
	case kinds[KindBounce]:
		s.Bounces++
	case kinds[KindFeedback]:
		s.Feedback++
	case kinds[KindVacation]:
		s.Vacation++
	case kinds[KindDelivered]:
		s.Delivered++
	case kinds[KindDelayed]:
		s.Delayed++
	default:
		s.NotBounce++
	}
}

// AddRecord counts one record that is shown.
func (s *Summary) AddRecord(r *Record) {
	if s.reasons == nil {
		s.reasons, s.domains = map[reason.Reason]int{}, map[string]int{}
	}
	s.Records++
	if r.Kind() == KindBounce {
		if r.Hard {
			s.Hard++
		} else {
			s.Soft++
		}
	}
	s.reasons[r.Reason]++
	dom := ""
	if i := strings.LastIndexByte(r.Recipient, '@'); i >= 0 {
		dom = strings.ToLower(r.Recipient[i+1:])
	}
	s.domains[dom]++
}

// Finish fills the breakdowns, largest first (ties by name).
func (s *Summary) Finish() {
	s.ByReason = counts(s.reasons)
	s.ByDomain = counts(s.domains)
}

func counts[N ~string](m map[N]int) []Count[N] {
	out := make([]Count[N], 0, len(m))
	for k, v := range m {
		out = append(out, Count[N]{k, v})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Name < out[j].Name
	})
	return out
}
