package reason

import "testing"

// Each provider's own codes and wording decide the reason when the
// message was refused by one of its hosts (or sent to one of its
// domains). The diagnostics are written after the providers' published
// error lists; the hosts are the providers' own names, the people made
// up.
func TestProviderRules(t *testing.T) {
	smtp := func(remote, status, reply, diag string) Input {
		return Input{Status: status, ReplyCode: reply, Diagnostic: diag, DiagnosticType: "SMTP", Command: "RCPT",
			Recipient: "someone@example.com", RemoteMTA: remote}
	}
	for _, c := range []struct {
		name string
		in   Input
		want Reason
	}{
		{"godaddy IB code", smtp("p3plibsmtp01.smtp.secureserver.net", "5.7.1", "554",
			"554 5.7.1 Your message was rejected as spam. IB212 <https://example.com/help>"), SpamDetected},
		{"godaddy phrase", smtp("mailstore1.secureserver.net", "5.0.0", "554", "554 RBL Reject."), Blocked},
		{"godaddy neither", smtp("mailstore1.secureserver.net", "5.0.0", "554", "554 something else"), OnHold},

		{"orange OFR label", smtp("smtp-in.orange.fr", "4.0.0", "421",
			"421 mwinf5c10 ME Service refuse. Veuillez essayer plus tard. OFR004_104 [104]"), TooManyConn},
		{"la poste LPN label", smtp("smtp.laposte.net", "5.0.0", "550",
			"550 5.0.0 Service refuse. LPN007_510"), Blocked},
		{"orange SPF text", smtp("smtp-in.wanadoo.fr", "5.0.0", "550",
			"550 5.7.0 Erreur: verifiez le SPF/DNS de votre nom de domaine"), AuthFailure},

		{"cox AUP code", smtp("cxr.mx.west.cox.net", "5.0.0", "554",
			"554 cox.net rejected: AUP#CXBL <https://example.com/>"), Blocked},
		{"cox IPBL code", smtp("cxr.mx.east.cox.net", "5.0.0", "554", "554 rejected AUP#IPBL0010 now"), Blocked},
		{"cox phrase", smtp("cxr.mx.east.cox.net", "5.0.0", "550", "550 5.1.1 recipient rejected"), UserUnknown},

		{"aol host not found", smtp("mailin-01.mx.aol.com", "", "", "Host or domain name not found. Name service error"), HostUnknown},
		{"aol malformed MX", smtp("mailin-02.mx.aol.com", "", "",
			"DNS lookup type=MX: Malformed or unexpected name server reply"), NotAccept},

		{"google workspace no such address", smtp("smtp.googlemail.com", "5.1.1", "550",
			"The email account that you tried to reach does not exist, because the address couldn't be found. Check for typos or unnecessary spaces and try again."), UserUnknown},
		{"google workspace null MX", smtp("smtp.googlemail.com", "5.1.10", "556",
			"The domain example.com has a Null MX record"), NotAccept},
		{"google workspace NXDOMAIN, permanent", smtp("smtp.googlemail.com", "5.1.2", "550",
			"DNS type 'mx' lookup of example.com responded with code NXDOMAIN"), HostUnknown},
		{"google workspace NXDOMAIN, temporary", smtp("smtp.googlemail.com", "4.4.3", "451",
			"DNS type 'mx' lookup of example.com responded with code NXDOMAIN"), NetworkError},

		{"messagelabs badmailfrom", smtp("cluster1.eu.messagelabs.com", "5.0.0", "553",
			"553 sorry, your envelope sender is in my badmailfrom list"), Rejected},
		{"messagelabs invalid recipient", smtp("cluster1.us.messagelabs.com", "5.0.0", "550",
			"550 Invalid recipient <someone@example.com> (#5.1.1)"), UserUnknown},

		{"tencent mailbox", smtp("mx1.qq.com", "5.0.0", "550", "550 Mailbox not found."), UserUnknown},
		{"tencent frequency", smtp("mx2.qq.com", "4.0.0", "451", "451 Ip frequency limited"), TooManyConn},

		{"spectrum AUP I-code", smtp("mx.charter.net", "5.0.0", "554",
			"554 5.7.1 Sorry, connection refused due to AUP#I1260. Please contact support"), NetworkError},
		{"spectrum AUP O-code", smtp("mx.charter.net", "5.0.0", "552",
			"552 Message rejected AUP#O1530 size"), MesgTooBig},
		{"spectrum short code", smtp("mx.charter.net", "5.0.0", "554", "554 AUP#I12 cut short"), OnHold},

		{"mimecast recipient", smtp("eu-smtp-inbound-1.mimecast.com", "5.0.0", "550",
			"550 Invalid Recipient - https://example.com/help"), UserUnknown},
		{"mimecast blocked sender", smtp("us-smtp-inbound-2.mimecast.com", "5.0.0", "550",
			"550 Envelope blocked - User Entry - https://example.com/help"), Rejected},

		{"yahoo no such account", smtp("mta7.am0.yahoodns.net", "5.0.0", "554",
			"554 delivery error: dd This user doesn't have a example.com account (someone@example.com) [0]"), UserUnknown},
		{"yahoo deferred", smtp("mta6.am0.yahoodns.net", "4.7.0", "421",
			"421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user complaints"), Rejected},

		{"microsoft exact code", smtp("example-com.mail.protection.outlook.com", "5.7.708", "550",
			"550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP."), Blocked},
		{"microsoft ranged code", smtp("example-com.mail.protection.outlook.com", "4.7.500", "451",
			"451 4.7.500 Server busy. Please try again later from [192.0.2.1]."), Blocked},
		{"microsoft reputation", smtp("example-com.mail.protection.outlook.com", "4.7.650", "451",
			"451 4.7.650 The mail server [192.0.2.1] has been temporarily rate limited due to IP reputation."), BadReputation},

		{"au unknown address", Input{Status: "5.0.0", Diagnostic: "<someone@ezweb.ne.jp>: User unknown",
			DiagnosticType: "SMTP", Recipient: "someone@ezweb.ne.jp"}, UserUnknown},
	} {
		if got := Classify(c.in); got != c.want {
			t.Errorf("%s: Classify = %q, want %q", c.name, got, c.want)
		}
	}
}

// A local delivery agent's error comes back after the SMTP session: its
// own words decide.
func TestLocalAgents(t *testing.T) {
	for _, c := range []struct {
		diag string
		want Reason
	}{
		{"mail.local: Disc quota exceeded", MailboxFull},
		{"mail.local: unknown user: nobody", UserUnknown},
		{"procmail: Quota exceeded while writing \"/var/mail/someone\"", MailboxFull},
		{"maildrop: maildir over quota.", MailboxFull},
		{"vdelivermail: user is over quota", MailboxFull},
		{"vdeliver: Invalid or unknown virtual user 'someone'", UserUnknown},
		{"Your message to <someone@example.com> was automatically rejected: Quota exceeded (mailbox for user is full)", MailboxFull},
		{"procmail: something nobody wrote down", MailerError},
	} {
		in := Input{Diagnostic: c.diag, DiagnosticType: "X-UNIX"}
		if got := Classify(in); got != c.want {
			t.Errorf("Classify(%q) = %q, want %q", c.diag, got, c.want)
		}
	}
	// After RCPT the session was still going: not a local agent's error.
	if got := Classify(Input{Diagnostic: "procmail: Quota exceeded while writing", Command: "RCPT", DiagnosticType: "SMTP"}); got == MailerError {
		t.Errorf("a RCPT failure read as a local agent's: %q", got)
	}
}

func TestClassifyFallbacks(t *testing.T) {
	for _, c := range []struct {
		name string
		in   Input
		want Reason
	}{
		// Vague codes of a class that still says something.
		{"5.6.x", Input{Status: "5.6.99", Diagnostic: "no words any table knows", DiagnosticType: "X-NONE"}, ContentError},
		{"4.7.x", Input{Status: "4.7.99", Diagnostic: "no words any table knows", DiagnosticType: "X-NONE"}, SecurityError},
		// 501-507 answer a malformed command.
		{"syntax reply", Input{ReplyCode: "501", Diagnostic: "no words any table knows", DiagnosticType: "X-NONE"}, SyntaxError},
		{"helo refused", Input{Command: "EHLO", Diagnostic: "no words any table knows", DiagnosticType: "X-NONE"}, Blocked},
		{"delayed action", Input{Action: "delayed", Diagnostic: "no words any table knows", DiagnosticType: "X-NONE"}, Expired},
		{"the format's own verdict stands", Input{Reason: Suppressed, Status: "5.1.1"}, Suppressed},
		{"an auto-reply's words", Input{Diagnostic: "I am out of the office until Monday", DiagnosticType: "X-NONE"}, Vacation},
	} {
		if got := Classify(c.in); got != c.want {
			t.Errorf("%s: Classify(%+v) = %q, want %q", c.name, c.in, got, c.want)
		}
	}
}

func TestPredicates(t *testing.T) {
	for _, r := range []Reason{Delivered, Feedback, Vacation} {
		if !NotFailure(r) {
			t.Errorf("NotFailure(%q) = false", r)
		}
	}
	if NotFailure(UserUnknown) || NotFailure(Expired) {
		t.Error("a failure counted as none")
	}
	for text, want := range map[string]bool{
		"550 5.1.1 no such user":          true,
		"this is a permanent error":       true,
		"452 4.2.2 over quota":            false,
		"":                                false,
		"a temporary problem, will retry": false,
	} {
		if got := IsPermanent(text); got != want {
			t.Errorf("IsPermanent(%q) = %v, want %v", text, got, want)
		}
	}
	for text, want := range map[string]bool{
		"451 4.7.1 try later":                true,
		"a temporary failure":                true,
		"550 5.1.1 no such user":             false,
		"":                                   false,
		"4.4.7 persistent transient failure": true,
		"message delivered":                  false,
	} {
		if got := IsTemporary(text); got != want {
			t.Errorf("IsTemporary(%q) = %v, want %v", text, got, want)
		}
	}
	for c, want := range map[string]bool{"RCPT": true, "STARTTLS": true, "BDAT": true, "rcpt": false, "FOO": false, "": false} {
		if got := ValidCommand(c); got != want {
			t.Errorf("ValidCommand(%q) = %v, want %v", c, got, want)
		}
	}
	for s, want := range map[string]bool{"5.1.1": true, "4.7.650": true, "2.0.0": true, "3.1.1": false,
		"5.1": false, "5.1.1.1": false, "5.x.1": false, "5.1.1000": false, "5..1": false} {
		if got := ValidStatus(s); got != want {
			t.Errorf("ValidStatus(%q) = %v, want %v", s, got, want)
		}
	}
	if !Says(MailboxFull, "552 mailbox full") || Says(MailboxFull, "550 no such user") || Says("nosuchreason", "x") {
		t.Error("Says does not read the phrase tables")
	}
	if got := ByStatus("5.1.1"); got != UserUnknown {
		t.Errorf("ByStatus(5.1.1) = %q", got)
	}
	if got := ByStatus("5.0.0"); got != "" {
		t.Errorf("ByStatus(5.0.0) = %q, want none: the code is vague", got)
	}
}
