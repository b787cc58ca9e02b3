package dkim

// CommonSelectors are the selectors probed when the user names none:
// those that mail providers and sending services publish by default
// (the list in the project's research notes, domain-checks.md). DNS
// cannot list a domain's selectors, so this is a guess by design.
var CommonSelectors = []string{
	"selector1", "selector2", "google", "20230601", "20221208", "20210112", "20161025",
	"fm1", "fm2", "fm3", "mesmtp", "protonmail", "protonmail2", "protonmail3", "sig1",
	"zoho", "zmail", "x", "k1", "k2", "k3", "s1", "s2", "smtpapi", "mandrill", "brevo1",
	"brevo2", "mailjet", "resend", "ctct1", "ctct2", "cm", "kl", "kl2", "mlsend", "mlsend2",
	"everlytickey1", "everlytickey2", "mxvault", "zendesk1", "zendesk2", "default", "dkim",
	"mail", "smtp", "mx", "email", "mta",
}
