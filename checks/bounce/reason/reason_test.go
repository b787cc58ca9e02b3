package reason

import "testing"

func TestFindStatus(t *testing.T) {
	for _, c := range []struct{ text, class, want string }{
		{"550 5.1.1 <a@b.example>... User Unknown", "", "5.1.1"},
		{"550-5.7.26 This mail is unauthenticated", "", "5.7.26"},
		{"451 4.7.650 The mail server [192.0.2.5] has been rate limited", "", "4.7.650"},
		{"host 192.0.2.1 said: 550 no code here", "", ""}, // an address is no code
		{"version 5.1.1 of the daemon", "", "5.1.1"},      // no "v" before the digits
		{"v5.1.1 is out", "", ""},                         // a version number
		{"554 5.0.0 generic, 5.7.1 refused", "", "5.7.1"}, // the specific code wins
		{"421 4.4.7 timeout; 4.4.2 bad connection", "", "4.4.2"},
		{"5.1.1 and 4.2.2", "4", "4.2.2"}, // limited to a class
		{"5.5.0 bad, 5.5.1 worse, 4.7.0 gone, 5.5.0 again", "", "5.5.0"},
		{"(#5.1.2)", "", "5.1.2"},
		{"5.1.2345 too long", "", ""},
	} {
		if got := FindStatus(c.text, c.class); got != c.want {
			t.Errorf("FindStatus(%q, %q) = %q, want %q", c.text, c.class, got, c.want)
		}
	}
}

func TestFindReply(t *testing.T) {
	for _, c := range []struct{ text, status, want string }{
		{"550 5.1.1 User unknown", "", "550"},
		{"said: 452 4.2.2 over quota", "", "452"},
		{"250 2.0.0 Ok: queued", "2.0.0", "250"},
		{"error 5550 is no reply code", "", ""},
		{"x-unix; 550 from a pipe", "", ""},
		{"451 temporary; 550 permanent", "4", "451"},
	} {
		if got := FindReply(c.text, c.status); got != c.want {
			t.Errorf("FindReply(%q, %q) = %q, want %q", c.text, c.status, got, c.want)
		}
	}
}

func TestPreferStatus(t *testing.T) {
	for _, c := range []struct{ field, text, reply, want string }{
		{"5.0.0", "5.1.1", "", "5.1.1"}, // X.0.0 says nothing
		{"5.1.1", "5.0.0", "", "5.1.1"},
		{"4.4.7", "4.2.2", "", "4.2.2"},
		{"5.1.1", "4.2.2", "550", "5.1.1"}, // the reply code settles the class
		{"5.1.1", "4.2.2", "452", "4.2.2"},
		{"5.7.1", "5.7.1", "", "5.7.1"},
		{"", "5.2.2", "", "5.2.2"},
		{"5.2.2", "", "", "5.2.2"},
	} {
		if got := PreferStatus(c.field, c.text, c.reply); got != c.want {
			t.Errorf("PreferStatus(%q, %q, %q) = %q, want %q", c.field, c.text, c.reply, got, c.want)
		}
	}
}

func TestFindCommand(t *testing.T) {
	for text, want := range map[string]string{
		"(in reply to RCPT TO command)":            "RCPT",
		"SMTP error after MAIL FROM:<a@b.example>": "MAIL",
		"in reply to end of DATA command":          "DATA",
		"DATABASE@example.com is unknown":          "",
		"host said: 550 after EHLO":                "EHLO",
	} {
		if got := FindCommand(text); got != want {
			t.Errorf("FindCommand(%q) = %q, want %q", text, got, want)
		}
	}
}

func TestClassify(t *testing.T) {
	for _, c := range []struct {
		in   Input
		want Reason
	}{
		{Input{Status: "5.1.1", Diagnostic: "550 5.1.1 User unknown", DiagnosticType: "SMTP", Command: "RCPT"}, UserUnknown},
		{Input{Status: "5.2.2", Diagnostic: "552 5.2.2 Mailbox full", DiagnosticType: "SMTP"}, MailboxFull},
		// The text outranks a vague code.
		{Input{Status: "5.0.0", Diagnostic: "550 Mailbox quota exceeded", DiagnosticType: "SMTP"}, MailboxFull},
		// A specific code outranks the text's suggestion...
		{Input{Status: "5.1.2", Diagnostic: "host not found", DiagnosticType: "SMTP"}, HostUnknown},
		// ...unless the text says something more precise about 5.1.1.
		{Input{Status: "5.1.1", Diagnostic: "550 5.1.1 Relay access denied", DiagnosticType: "SMTP"}, NoRelaying},
		{Input{Status: "5.7.1", Diagnostic: "554 5.7.1 Service unavailable; client [192.0.2.1] blocked using zen.spamhaus.org", DiagnosticType: "SMTP"}, Blocked},
		{Input{Status: "5.7.26", Diagnostic: "550 5.7.26 unauthenticated: DMARC policy", DiagnosticType: "SMTP"}, AuthFailure},
		{Input{Status: "5.3.4", Diagnostic: "552 5.3.4 Message too big for system", DiagnosticType: "SMTP"}, MesgTooBig},
		{Input{Status: "5.2.3", Diagnostic: "552 5.2.3 Message size exceeds fixed maximum message size", DiagnosticType: "SMTP"}, ExceedLimit},
		{Input{Status: "4.4.7", Action: "delayed", DiagnosticType: "SMTP"}, Expired},
		{Input{Status: "5.0.0", Diagnostic: "procmail: Couldn't create file", DiagnosticType: "X-UNIX"}, MailerError},
		{Input{Reason: Feedback}, Feedback},
		{Input{Status: "2.1.5"}, Delivered},
		{Input{Status: "5.0.0", Diagnostic: "something no table knows", DiagnosticType: "SMTP"}, OnHold},
		{Input{}, Undefined},
		// Provider rules: a Microsoft code, a KDDI filter, a GoDaddy label.
		{Input{Status: "5.7.606", Diagnostic: "550 5.7.606 Access denied, banned sending IP [192.0.2.1]",
			DiagnosticType: "SMTP", RemoteMTA: "mx.eur.mail.protection.outlook.com"}, Blocked},
		{Input{Status: "5.0.0", Diagnostic: "550 : User unknown", DiagnosticType: "SMTP", Recipient: "a@ezweb.ne.jp"}, Filtered},
		{Input{Status: "5.2.0", Diagnostic: "550 5.2.0 From: Domain is invalid. IB506 <https://x.example>",
			DiagnosticType: "SMTP", RemoteMTA: "smtp.secureserver.net"}, Rejected},
	} {
		if got := Classify(c.in); got != c.want {
			t.Errorf("Classify(%+v) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestIsHard(t *testing.T) {
	for _, c := range []struct {
		reason Reason
		text   string
		want   bool
	}{
		{UserUnknown, "5.1.1", true},
		{HostUnknown, "", true},
		{HasMoved, "5.1.6", true},
		{MailboxFull, "5.2.2", false},
		{NotAccept, "5.1.10 550 null MX", true},
		{NotAccept, "4.3.2 421 try later", false},
		{NotAccept, "", true},
		{NotAccept, "the destination accepts no mail", true},
		{Feedback, "", false},
		{Vacation, "", false},
		{OnHold, "5.0.0", false},
	} {
		if got := IsHard(c.reason, c.text); got != c.want {
			t.Errorf("IsHard(%q, %q) = %v, want %v", c.reason, c.text, got, c.want)
		}
	}
}

func TestPseudoStatus(t *testing.T) {
	for _, c := range []struct {
		reason Reason
		temp   bool
		want   string
	}{
		{UserUnknown, false, "5.0.911"},
		{UserUnknown, true, ""},
		{Expired, true, "4.0.947"},
		{Filtered, true, "4.0.924"},
		{Feedback, false, ""},
	} {
		if got := PseudoStatus(c.reason, c.temp); got != c.want {
			t.Errorf("PseudoStatus(%q, %v) = %q, want %q", c.reason, c.temp, got, c.want)
		}
	}
}

func TestReasonsListed(t *testing.T) {
	// docs/contract.md's reason names, every one known and described.
	for _, n := range []Reason{"authfailure", "badreputation", "blocked", "contenterror", "delivered", "exceedlimit",
		"expired", "failedstarttls", "feedback", "filtered", "hasmoved", "hostunknown", "mailboxfull", "mailererror",
		"mesgtoobig", "networkerror", "norelaying", "notaccept", "notcompliantrfc", "onhold", "policyviolation",
		"rejected", "requireptr", "securityerror", "spamdetected", "speeding", "suppressed", "suspend", "syntaxerror",
		"systemerror", "systemfull", "toomanyconn", "undefined", "userunknown", "vacation", "virusdetected"} {
		if !Known(n) {
			t.Errorf("%s is not listed", n)
		}
	}
	if len(All) != 36 {
		t.Errorf("%d reasons, want 36", len(All))
	}
}

// The automaton finds exactly what testing each phrase finds.
func TestAutomatonAgrees(t *testing.T) {
	texts := []string{
		"550 5.1.1 <a@b.example>: recipient address rejected: user unknown in virtual mailbox table",
		"552 5.2.2 mailbox full: the user is over quota",
		"554 5.7.1 service unavailable; client [192.0.2.1] blocked using zen.spamhaus.org",
		"mailbox for user is over quota exceeded, disk quota",
		"this user doesn't have a yahoo.com account",
		"not a known user; host unknown; relay access denied",
		"", "x", "quota", "mailbox full",
	}
	for _, p := range table {
		texts = append(texts, p.words...)
		for _, seq := range p.seqs {
			texts = append(texts, seq[0]+" something "+seq[len(seq)-1])
		}
	}
	for _, s := range texts {
		found := phraseAC.scan(s)
		for name, p := range table {
			if got, want := saysIn(name, s, found), p.match(s); got != want {
				t.Errorf("%s on %q: automaton %v, phrases %v", name, s, got, want)
			}
		}
	}
}
