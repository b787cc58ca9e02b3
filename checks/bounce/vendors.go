package bounce

// A vendor format: its reader, and the Subject prefixes (lower case) that
// make it likely, so that it is tried before the others.
type vendor struct {
	name     string
	subjects []string
	read     func(m *message) *found
}

// vendors are the server-specific formats, in the order Parse tries them
// (those the Subject points at first, each group in this order). The
// order decides which reader gets a message two of them would accept;
// it is the order the readers were tried in when each registered itself
// (source files by name, then in file order).
var vendors = []vendor{
	// mta_amazonses.go
	{name: "amazonses", subjects: []string{"aws notification"}, read: readSESJSON},
	// mta_dma.go
	{name: "dragonfly", subjects: []string{"mail delivery failed"}, read: readDragonFly},
	// mta_exchange.go
	{name: "exchange2003", subjects: []string{"undeliverable"}, read: readExchange2003},
	// mta_exim.go
	{name: "exim", subjects: []string{"mail delivery failed", "mail failure", "message frozen", "warning: message", "mail delivery"}, read: readExim},
	// mta_gmail.go
	{name: "gmail", subjects: []string{"delivery status notification"}, read: readGmail},
	{name: "googlegroups", subjects: []string{"delivery status notification"}, read: readGoogleGroups},
	// mta_misc.go
	{name: "x2", subjects: []string{"delivery failure", "failure delivery", "failed delivery"}, read: readX2},
	{name: "opensmtpd", subjects: []string{"delivery status notification"}, read: readOpenSMTPD},
	{name: "zoho", read: readZoho},
	{name: "gmx", read: readGMX},
	{name: "imailserver", subjects: []string{"undeliverable mail "}, read: readIMail},
	{name: "ezweb", read: readEZweb},
	{name: "kddi", read: readKDDI},
	{name: "x3", subjects: []string{"delivery status notification"}, read: readX3},
	{name: "einsundeins", subjects: []string{"mail delivery failed"}, read: readEinsUndEins},
	{name: "notes", subjects: []string{"undeliverable message"}, read: readNotes},
	{name: "mfilter", subjects: []string{"failure notice"}, read: readMFilter},
	{name: "fml", read: readFML},
	{name: "domino", subjects: []string{"delivery failure:"}, read: readDomino},
	{name: "verizon", read: readMessageDetails},
	{name: "x6", subjects: []string{"there was an error sending your mail"}, read: readX6},
	{name: "biglobe", subjects: []string{"returned mail:"}, read: readBiglobe},
	// mta_postfix.go
	{name: "postfix", subjects: []string{"undelivered mail returned to sender"}, read: readPostfix},
	// mta_qmail.go
	{name: "qmail", subjects: []string{"failure notice"}, read: readQmail},
	// mta_sendmail.go
	{name: "sendmail", subjects: []string{"returned mail:", "warning:", "postmaster notify"}, read: readSendmail},
	// mta_v5sendmail.go
	{name: "v5sendmail", subjects: []string{"returned mail:"}, read: readV5Sendmail},
}
