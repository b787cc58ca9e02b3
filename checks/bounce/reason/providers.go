package reason

import "strings"

// Providers whose refusals carry their own error codes or wording. Each
// rule reads the diagnostic and returns a reason, "" when it says
// nothing it knows.

// phraseRules is an ordered list of reason → phrases, matched on the
// lower-cased diagnostic.
type phraseRules []struct {
	reason Reason
	words  []string
}

func (p phraseRules) find(diag string) Reason {
	for _, r := range p {
		for _, w := range r.words {
			if strings.Contains(diag, w) {
				return r.reason
			}
		}
	}
	return ""
}

// GoDaddy's "IBnnn" codes, from its list of bounce errors.
var godaddyCodes = map[string]Reason{
	"IB401": SecurityError, "IB501": NotCompliantRFC, "IB502": NotCompliantRFC, "IB506": Rejected,
	"IB508": AuthFailure, "IB108": RequirePTR, "IB212": SpamDetected, "IB705": VirusDetected,
	"IB605": TooManyConn, "IB007": TooManyConn, "IB101": Speeding, "IB110": Blocked, "IB111": Blocked,
	"IB112": Blocked, "IB113": Blocked, "IB504": Speeding, "IB510": Speeding, "IB607": Speeding,
	"IB103": BadReputation, "IB104": Blocked, "IB105": Blocked, "IB106": Blocked,
}

var godaddyPhrases = phraseRules{
	{Blocked, []string{"rbl reject", "www.spamhaus.org/query/bl?ip="}},
	{Expired, []string{"has been in the queue too long", "delivery timeout"}},
	{MailboxFull, []string{"account storage limit"}},
	{SpamDetected, []string{"message rejected for spam or virus content"}},
	{Suspend, []string{"account disabled"}},
	{SystemError, []string{"message is looping"}},
	{UserUnknown, []string{"recipient not found", "account does not exist"}},
}

func godaddy(in Input, diag string) Reason {
	if diag == "" {
		return ""
	}
	if i := strings.Index(in.Diagnostic, " IB"); i >= 0 {
		code := in.Diagnostic[i+1:]
		if j := strings.IndexAny(code, " \t"); j >= 0 {
			code = code[:j]
		}
		if r := godaddyCodes[code]; r != "" {
			return r
		}
	}
	return godaddyPhrases.find(diag)
}

// Orange and La Poste: "LPNnnn_xxx", "OFRnnn_xxx" labels end in a code.
var francePTTCodes = map[string]Reason{
	"101": Blocked, "102": Blocked, "103": Blocked, "104": TooManyConn, "305": SecurityError,
	"401": AuthFailure, "402": SecurityError, "403": Rejected, "405": Rejected, "415": Rejected,
	"416": UserUnknown, "417": MailboxFull, "420": Suspend, "421": Rejected, "426": Suspend,
	"505": SystemError, "506": SpamDetected, "510": Blocked, "514": MesgTooBig, "517": AuthFailure,
	"630": PolicyViolation, "999": Blocked,
}

func francePTT(in Input, diag string) Reason {
	if diag == "" {
		return ""
	}
	s := strings.ReplaceAll(diag, "_", "-")
	for _, label := range []string{"lpn", "lpnaaa", "ofr", "ouk"} {
		i := strings.LastIndex(s, label)
		if i < 0 {
			continue
		}
		rest := s[i+len(label):]
		if j := strings.IndexByte(rest, ' '); j >= 0 {
			rest = rest[:j]
		}
		for len(rest) > 0 && !isDigit(rest[len(rest)-1]) {
			rest = rest[:len(rest)-1]
		}
		if len(rest) >= 3 {
			if r, ok := francePTTCodes[rest[len(rest)-3:]]; ok {
				return r
			}
		}
		break
	}
	if strings.Contains(s, "spf/dns de votre nom de domaine") {
		return AuthFailure
	}
	return ""
}

// Cox: "AUP#CXBL" and friends.
var coxCodes = map[string]Reason{
	"CXBL": Blocked, "CXDNS": RequirePTR, "CXSNDR": AuthFailure, "CXSMTP": Rejected,
	"CXCNCT": TooManyConn, "CXMXRT": TooManyConn, "CDRBL": Blocked, "CXTHRT": SecurityError,
	"CXMJ": SecurityError, "URLBL011": SpamDetected, "URLBL101": SpamDetected,
	"URLBL110": SpamDetected, "URLBL1001": SpamDetected,
}

var coxPhrases = phraseRules{
	{Blocked, []string{"cox too many bad commands from", "too many invalid recipients"}},
	{RequirePTR, []string{"dns check failure - try again later", "rejected - no rdns"}},
	{PolicyViolation, []string{"esmtp no data before greeting", "attachment extension is forbidden"}},
	{Rejected, []string{"sender rejected"}},
	{SystemError, []string{"esmtp server temporarily not available"}},
	{TooManyConn, []string{"too many sessions from", "requested action aborted: try again later", "message threshold exceeded"}},
	{UserUnknown, []string{"recipient rejected"}},
}

func cox(in Input, diag string) Reason {
	if diag == "" {
		return ""
	}
	code := between(in.Diagnostic+" ", "AUP#", " ")
	if r := coxCodes[code]; r != "" {
		return r
	}
	if strings.HasPrefix(code, "IPBL") {
		return Blocked
	}
	return coxPhrases.find(diag)
}

func between(s, left, right string) string {
	i := strings.Index(s, left)
	if i < 0 {
		return ""
	}
	s = s[i+len(left):]
	if j := strings.Index(s, right); j >= 0 {
		return s[:j]
	}
	return ""
}

func aol(in Input, diag string) Reason {
	switch {
	case strings.Contains(in.Diagnostic, "Host or domain name not found"):
		return HostUnknown
	case strings.Contains(in.Diagnostic, "type=MX: Malformed or unexpected name server reply"):
		return NotAccept
	}
	return ""
}

// Google Workspace's own notices ("** Address not found **").
func gsuite(in Input, diag string) Reason {
	class := func(s string) byte {
		if s == "" {
			return 0
		}
		return s[0]
	}
	st, rc := class(in.Status), class(in.ReplyCode)
	d := in.Diagnostic
	switch {
	case strings.Contains(d, "because the address couldn't be found. Check for typos or unnecessary spaces and try again."):
		return UserUnknown
	case strings.Contains(d, "Null MX"):
		return NotAccept
	case hasAny(d, " responded with code NXDOMAIN", "Domain name not found") && st == '5' && rc == '5':
		return HostUnknown
	case hasAny(d, " had no relevant answers.", "responded with code NXDOMAIN", "Domain name not found") && st != '5' && rc != '5':
		return NetworkError
	}
	return ""
}

func hasAny(s string, words ...string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// Symantec Email Security.cloud (MessageLabs), from its knowledge base.
var messageLabsPhrases = phraseRules{
	{AuthFailure, []string{"domain authentication fail"}},
	{BadReputation, []string{"connection rejected by policy"}},
	{Blocked, []string{"mail rejected because your ip is in the pbl", "your ip address has been ",
		"your ip address (ip-addr) has been blocked", "your email address (addr) has been blocked"}},
	{ContentError, []string{"stray linefeeds in message"}},
	{FailedSTARTTLS, []string{"tls/sslv3 connection required"}},
	{NoRelaying, []string{" as a relay, "}},
	{NotCompliantRFC, []string{"550 requested action aborted [4]", "has detected that this message is not rfc 5322"}},
	{Rejected, []string{"sender envelope domain not allowed for sender ip address", "your domain has been blocked",
		"your email address has been blocked", "your envelope sender is in my badmailfrom list",
		"your email address has been blacklisted", "your domain has been blacklisted"}},
	{SecurityError, []string{"please turn on smtp authentication in your mail client"}},
	{SpamDetected, []string{"message filtered", "filtered by outbound scanning"}},
	{TooManyConn, []string{"too many recipients received this hour", "too many messages"}},
	{UserUnknown, []string{"no such user", "invalid recipient", "mailbox is not allowed"}},
}

func messageLabs(in Input, diag string) Reason { return messageLabsPhrases.find(diag) }

// Tencent (QQ Mail), from its help pages.
var tencentPhrases = phraseRules{
	{AuthFailure, []string{"spf check failed", "dmarc check failed"}},
	{Blocked, []string{"suspected bounce attacks", "suspected spam ip", "connection denied"}},
	{MesgTooBig, []string{"message too large"}},
	{Rejected, []string{"suspected spam", "mail is rejected by recipients"}},
	{SpamDetected, []string{"spam is embedded in the email", "mail content denied"}},
	{Speeding, []string{"mailbox unavailable or access denined", "frequency of receiving messages is limited"}},
	{Suspend, []string{"is a deactivated mailbox"}},
	{SyntaxError, []string{"bad address syntax"}},
	{TooManyConn, []string{"ip frequency limited", "domain frequency limited", "sender frequency limited",
		"connection frequency limited"}},
	{UserUnknown, []string{"mailbox not found"}},
}

func tencent(in Input, diag string) Reason { return tencentPhrases.find(diag) }

// Spectrum (Charter): "AUP#Innnn" / "AUP#Onnnn" codes.
var spectrumCodes = []struct {
	from, to int
	reason   Reason
}{
	{1000, 1000, Blocked}, {1010, 1010, Rejected}, {1020, 1080, Rejected}, {1090, 1090, SystemError},
	{1100, 1150, RequirePTR}, {1160, 1190, PolicyViolation}, {1200, 1210, Blocked}, {1220, 1250, Blocked},
	{1260, 1260, NetworkError}, {1300, 1340, TooManyConn}, {1350, 1490, Speeding}, {1500, 1500, Rejected},
	{1520, 1520, Rejected}, {1530, 1530, MesgTooBig}, {1540, 1540, Speeding}, {1550, 1550, Speeding},
	{1560, 1560, PolicyViolation}, {1580, 1580, Speeding},
}

func spectrum(in Input, diag string) Reason {
	i := strings.Index(in.Diagnostic, "AUP#")
	if i < 0 {
		return ""
	}
	digits := ""
	for _, c := range in.Diagnostic[i+4:] {
		if len(digits) == 4 {
			break
		}
		if c < '0' || c > '9' {
			digits = ""
			continue
		}
		digits += string(c)
	}
	if len(digits) != 4 {
		return ""
	}
	n := 0
	for _, c := range digits {
		n = n*10 + int(c-'0')
	}
	for _, c := range spectrumCodes {
		if n >= c.from && n <= c.to {
			return c.reason
		}
	}
	return ""
}

// Mimecast's SMTP error texts, from its list of error codes.
var mimecastPhrases = phraseRules{
	{AuthFailure, []string{"spf sender invalid - envelope rejected", "dkim sender invalid - envelope rejected",
		"dmarc sender invalid - envelope rejected"}},
	{BadReputation, []string{"internal resources are temporarily unavailable", "local ct ip reputation - (reject)"}},
	{Blocked, []string{"sender address blocked", "recipient temporarily unavailable", "ip temporarily blacklisted"}},
	{FailedSTARTTLS, []string{"this route requires encryption (tls)", "this route requires tls version 1.2 or greater",
		"this route requires high-strength ciphers", "configuration is invalid for this certificate"}},
	{MesgTooBig, []string{"maximum email size exceeded"}},
	{NetworkError, []string{"the incorrect hostname used for inbounds", "mail loop detected"}},
	{NoRelaying, []string{"open relay not allowed", "open relay is not allowed"}},
	{NotAccept, []string{"account inbounds disabled"}},
	{PolicyViolation, []string{"anti-spoofing policy - inbound not allowed", "rejected by header-based anti-spoofing policy",
		"message bounced due to content examination policy", "host network not allowed", "host network, not allowed"}},
	{Rejected, []string{"administrative prohibition envelope blocked", "envelope blocked - user entry",
		"envelope blocked - user domain entry", "rejected by header-based manually blocked senders",
		"rejected by header-based blocked senders", "envelope rejected - block policy for envelope from address"}},
	{SecurityError, []string{"incorrect authentication data", "submitter failed to authenticate"}},
	{SystemError, []string{"unable to process connection at this time", "message ended early",
		"unable to process command", "unable to process an email at this time"}},
	{TooManyConn, []string{"account service is temporarily unavailable", "exceeding outbound thread limit"}},
	{UserUnknown, []string{"invalid recipient"}},
	{VirusDetected, []string{"email rejected due to security policies", "virus detected"}},
}

func mimecast(in Input, diag string) Reason {
	if in.ReplyCode == "" {
		return ""
	}
	return mimecastPhrases.find(diag)
}

// Yahoo Inc. (Yahoo, AOL), from its list of SMTP error codes.
var yahooPhrases = phraseRules{
	{AuthFailure, []string{"yahoo requires all senders to authenticate with either spf or dkim"}},
	{Blocked, []string{" because the ip is in spamhaus's list;", "not accepted from ip addresses on spamhaus xbl"}},
	{NoRelaying, []string{"relaying denied for "}},
	{NotCompliantRFC, []string{"headers are not rfc compliant"}},
	{PolicyViolation, []string{"not accepted for policy reasons"}},
	{Rejected, []string{"temporarily deferred due to unexpected volume or user complaints",
		"due to unresolvable rfc.5321 domain", " will be permanently deferred"}},
	{Speeding, []string{"user is receiving mail too quickly"}},
	{Suspend, []string{" is no longer valid.", "this mailbox is disabled"}},
	{SyntaxError, []string{"syntax error in parameters or arguments"}},
	{TooManyConn, []string{"max message per connection reached"}},
	{UserUnknown, []string{"dd this user doesn't have a ", "mailbox not found"}},
}

func yahooInc(in Input, diag string) Reason { return yahooPhrases.find(diag) }

// Microsoft (Exchange Online, Office 365): enhanced codes with a
// three-digit detail that Microsoft defines, and their texts.
var microsoftCodes = []struct {
	status   string // exact, or a prefix with from/to bounds on the detail
	from, to int
	reason   Reason
}{
	{"5.1.10", 0, 0, UserUnknown}, {"5.4.1", 0, 0, UserUnknown},
	{"5.7.509", 0, 0, AuthFailure}, {"5.7.515", 0, 0, AuthFailure}, {"5.7.23", 0, 0, AuthFailure},
	{"4.7.26", 0, 0, AuthFailure},
	{"4.7.650", 0, 0, BadReputation},
	{"5.7.506", 0, 0, Blocked}, {"5.7.507", 0, 0, Blocked}, {"5.7.510", 0, 0, Blocked},
	{"5.7.511", 0, 0, Blocked}, {"5.7.513", 0, 0, Blocked}, {"5.7.", 606, 649, Blocked},
	{"4.7.", 500, 649, Blocked}, {"4.7.", 651, 699, Blocked}, {"4.7.", 850, 899, Blocked},
	{"5.7.25", 0, 0, RequirePTR},
	{"5.6.11", 0, 0, ContentError}, {"5.4.11", 0, 0, ContentError},
	{"5.2.3", 0, 0, MesgTooBig}, {"5.3.4", 0, 0, MesgTooBig},
	{"5.4.300", 0, 0, Expired}, {"5.4.316", 0, 0, Expired},
	{"4.4.317", 0, 0, FailedSTARTTLS}, {"5.4.317", 0, 0, FailedSTARTTLS},
	{"5.7.321", 0, 0, FailedSTARTTLS}, {"5.7.322", 0, 0, FailedSTARTTLS},
	{"5.4.14", 0, 0, NetworkError}, {"5.4.6", 0, 0, NetworkError},
	{"5.2.2", 0, 0, MailboxFull},
	{"5.2.121", 0, 0, Speeding}, {"5.2.122", 0, 0, Speeding},
	{"5.7.57", 0, 0, SecurityError},
	{"5.7.124", 0, 0, Rejected}, {"5.7.12", 0, 0, Rejected}, {"5.1.8", 0, 0, Rejected},
	{"5.7.133", 0, 0, Rejected}, {"5.7.134", 0, 0, Rejected},
	{"5.7.705", 0, 0, Suspend}, {"5.7.708", 0, 0, Blocked}, {"5.7.750", 0, 0, Blocked},
}

func microsoft(in Input, diag string) Reason {
	if in.Diagnostic == "" || !ValidStatus(in.Status) {
		return ""
	}
	for _, c := range microsoftCodes {
		if c.from == 0 {
			if in.Status == c.status {
				return c.reason
			}
			continue
		}
		if strings.HasPrefix(in.Status, c.status) {
			n := 0
			for _, ch := range in.Status[len(c.status):] {
				if ch < '0' || ch > '9' {
					n = -1
					break
				}
				n = n*10 + int(ch-'0')
			}
			if n >= c.from && n <= c.to {
				return c.reason
			}
		}
	}
	return ""
}

// KDDI (au): "550 : User unknown" is its content filter, "<addr>: User
// unknown" an address that does not exist.
func kddi(in Input, diag string) Reason {
	switch {
	case strings.Contains(diag, "550 : user unknown"):
		return Filtered
	case strings.Contains(diag, ">: user unknown"):
		return UserUnknown
	}
	return ""
}
