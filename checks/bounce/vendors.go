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
// order decides which reader gets a message two of them would accept,
// so it is kept as it was when the readers sat in fewer files (then
// tried by file name and, in a file, top to bottom); a new reader goes
// where it must win or lose against the others, not where its file
// sorts. The file each reader lives in is named above its line.
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
	// mta_x2.go
	{name: "x2", subjects: []string{"delivery failure", "failure delivery", "failed delivery"}, read: readX2},
	// mta_opensmtpd.go
	{name: "opensmtpd", subjects: []string{"delivery status notification"}, read: readOpenSMTPD},
	// mta_zoho.go
	{name: "zoho", read: readZoho},
	// mta_gmx.go
	{name: "gmx", read: readGMX},
	// mta_imailserver.go
	{name: "imailserver", subjects: []string{"undeliverable mail "}, read: readIMail},
	// mta_ezweb.go
	{name: "ezweb", read: readEZweb},
	// mta_kddi.go
	{name: "kddi", read: readKDDI},
	// mta_x3.go
	{name: "x3", subjects: []string{"delivery status notification"}, read: readX3},
	// mta_einsundeins.go
	{name: "einsundeins", subjects: []string{"mail delivery failed"}, read: readEinsUndEins},
	// mta_notes.go
	{name: "notes", subjects: []string{"undeliverable message"}, read: readNotes},
	// mta_mfilter.go
	{name: "mfilter", subjects: []string{"failure notice"}, read: readMFilter},
	// mta_fml.go
	{name: "fml", read: readFML},
	// mta_domino.go
	{name: "domino", subjects: []string{"delivery failure:"}, read: readDomino},
	// mta_verizon.go
	{name: "verizon", read: readMessageDetails},
	// mta_x6.go
	{name: "x6", subjects: []string{"there was an error sending your mail"}, read: readX6},
	// mta_biglobe.go
	{name: "biglobe", subjects: []string{"returned mail:"}, read: readBiglobe},
	// mta_postfix.go
	{name: "postfix", subjects: []string{"undelivered mail returned to sender"}, read: readPostfix},
	// mta_qmail.go
	{name: "qmail", subjects: []string{"failure notice"}, read: readQmail},
	// mta_sendmail.go
	{name: "sendmail", subjects: []string{"returned mail:", "warning:", "postmaster notify"}, read: readSendmail},
	// mta_v5sendmail.go
	{name: "v5sendmail", subjects: []string{"returned mail:"}, read: readV5Sendmail},
	// mta_courier.go
	{name: "courier", subjects: []string{"notice: mail delivery status.", "warning: delayed mail."}, read: readCourier},
}
