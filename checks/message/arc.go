package message

import (
	"fmt"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/arc"
)

// ARCData is the data of the arc check: the chain validation of RFC 8617
// §5.2 as the arc package gives it (result none, pass or fail; the
// instances; where it broke and why; each hop's AMS and seal verdicts
// and what its ARC-Authentication-Results claimed).
type ARCData struct {
	Result         arc.Status `json:"result"`
	Instances      int        `json:"instances"`
	FailedInstance int        `json:"failed_instance,omitempty"`
	Cause          arc.Cause  `json:"cause,omitempty"`
	Error          string     `json:"error,omitempty"`
	OldestPass     int        `json:"oldest_pass,omitempty"`
	Hops           []arc.Hop  `json:"hops"`
}

func judgeARC(ru *run) checks.Result {
	res := checks.Result{}
	a := ru.arc
	data := &ARCData{Result: a.Status, Instances: a.Instances, FailedInstance: a.FailedInstance, Cause: a.Cause, OldestPass: a.OldestPass, Hops: a.Hops}
	if data.Hops == nil {
		data.Hops = []arc.Hop{}
	}
	data.Error = a.Error
	if data.Error == "" && a.Err != nil {
		data.Error = checks.Message(a.Err)
	}
	for i := range data.Hops {
		data.Hops[i].Results = textClip(data.Hops[i].Results)
	}
	res.Data = data
	switch a.Status {
	case arc.StatusNone:
		res.Summary = "no ARC sets"
	case arc.StatusPass:
		res.Summary = fmt.Sprintf("pass: %d instances", a.Instances)
	default:
		at := "the chain as a whole"
		if a.FailedInstance > 0 {
			at = fmt.Sprintf("instance %d", a.FailedInstance)
		}
		if a.Temporary {
			res.Status = checks.StatusError
			res.Error = "a key lookup failed temporarily: " + data.Error
			res.Add(finding("arc.temperror", checks.SeverityWarn, "RFC 8617 §5.2",
				"Run the check again; if it persists, fix the name servers of the sealer's domain.",
				"the ARC chain could not be validated at %s: %s", at, data.Error))
		} else {
			res.Add(finding("arc.fail", checks.SeverityWarn, "RFC 8617 §5.2",
				"Find the intermediary at the failed instance: its seal or signature no longer verifies (a change after it sealed, or a key it no longer publishes).",
				"the ARC chain fails at %s (%s): %s", at, a.Cause, data.Error))
		}
		res.Summary = fmt.Sprintf("fail at %s (%s)", at, a.Cause)
	}
	return res
}
