package verify

import (
	"regexp"
	"strings"

	"github.com/relayctl/relayctl/checks/smtpwire"
)

// answer is what one RCPT reply says about a mailbox.
type answer int

const (
	ansNone answer = iota // not asked (yet)
	ansAccepted
	ansNoMailbox // hard: the mailbox does not exist
	ansFull      // the mailbox is full (risky)
	ansTemporary // 4xx: ask again later
	ansPolicy    // the server refuses this client, not the address
	ansOther     // a 5xx that says nothing certain about the mailbox
	ansTooMany   // 452 too many recipients: not an answer at all
)

// userUnknown matches the texts servers give for a mailbox that does not
// exist when they send no enhanced status code.
var userUnknown = regexp.MustCompile(`(?i)(user|mailbox|recipient|address|account)( name)? (is )?(unknown|not found|does not exist|doesn't exist|not exist|unavailable|invalid|rejected|disabled)|no such (user|mailbox|recipient|address|account)|unknown (user|recipient|mailbox|address)|undeliverable address|invalid (recipient|mailbox|address)|not a valid (mailbox|recipient)|not our customer|unrouteable address`)

// policyText matches refusals of the client rather than of the address:
// blocklists, reputation, rate limits, authentication.
var policyText = regexp.MustCompile(`(?i)block|black ?list|deny ?list|spamhaus|spamcop|barracuda|sorbs|reputation|policy|rbl|dnsbl|banned|not allowed|access denied|relay(ing)? (access )?denied|client host|your ip|sender|rate limit|too many|spam|abuse|authenticat|rdns|reverse dns|ptr`)

// classify reads one RCPT reply (RFC 5321 §4.2.5, RFC 3463 §3).
//
// Only a 5.1.x address status (5.1.1 bad mailbox, 5.1.0 other address
// status, 5.1.10 null MX recipient of RFC 7505, 5.1.3 bad mailbox
// syntax, 5.1.2 bad system, 5.1.6 moved) or, without any enhanced code,
// a 550/551/553 whose text says the user is unknown and nothing of a
// policy, is taken as hard evidence. 5.7.x is always the server's
// policy about this client; so is a text naming a blocklist.
func classify(r *smtpwire.Reply) answer {
	text := r.Text()
	switch {
	case r.Class() == 2:
		return ansAccepted
	case r.Code == 452 && (r.Secode == "4.5.3" || strings.Contains(strings.ToLower(text), "too many recipients")):
		return ansTooMany
	case r.Class() == 4:
		return ansTemporary
	case r.Class() != 5:
		return ansOther
	}
	sec := r.Secode
	switch {
	case strings.HasPrefix(sec, "5.7."):
		return ansPolicy
	case sec == "5.2.2":
		return ansFull
	case sec == "5.1.1" || sec == "5.1.0" || sec == "5.1.10" || sec == "5.1.3" || sec == "5.1.2" || sec == "5.1.6":
		return ansNoMailbox
	case sec == "5.5.3" || sec == "5.5.1": // too many recipients, or command refused as out of place
		return ansOther
	case sec != "":
		// 5.2.x, 5.3.x, 5.4.x, 5.5.x: about the mailbox's state or the
		// system, not its existence.
		if policyText.MatchString(text) {
			return ansPolicy
		}
		return ansOther
	}
	if policyText.MatchString(text) {
		return ansPolicy
	}
	if (r.Code == 550 || r.Code == 551 || r.Code == 553) && userUnknown.MatchString(text) {
		return ansNoMailbox
	}
	return ansOther
}
