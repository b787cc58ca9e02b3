package reportsummary

import "strings"

// Org is a sending organisation, known by the domain its servers'
// reverse DNS names end in.
type Org struct {
	Name string
	// Include is the SPF include: the organisation documents for its
	// customers' envelope domains, "" when it has none to give.
	Include string
	// Forwarder: it forwards or relays mail it did not write (a mailbox
	// provider's forwarding, a list server), so DMARC failures from it
	// are mostly not spoofing.
	Forwarder bool
}

// orgs maps reverse-DNS suffixes to organisations; the longest matching
// suffix wins.
var orgs = map[string]Org{
	"google.com":                {Name: "Google", Include: "_spf.google.com"},
	"googlemail.com":            {Name: "Google", Include: "_spf.google.com"},
	"outlook.com":               {Name: "Microsoft 365", Include: "spf.protection.outlook.com"},
	"protection.outlook.com":    {Name: "Microsoft 365", Include: "spf.protection.outlook.com"},
	"amazonses.com":             {Name: "Amazon SES", Include: "amazonses.com"},
	"smtp-out.amazonses.com":    {Name: "Amazon SES", Include: "amazonses.com"},
	"sendgrid.net":              {Name: "SendGrid", Include: "sendgrid.net"},
	"mailgun.net":               {Name: "Mailgun", Include: "mailgun.org"},
	"mailgun.org":               {Name: "Mailgun", Include: "mailgun.org"},
	"mcsv.net":                  {Name: "Mailchimp", Include: "servers.mcsv.net"},
	"mandrillapp.com":           {Name: "Mailchimp Transactional", Include: "spf.mandrillapp.com"},
	"rsgsv.net":                 {Name: "Mailchimp", Include: "servers.mcsv.net"},
	"mtasv.net":                 {Name: "Postmark", Include: "spf.mtasv.net"},
	"sparkpostmail.com":         {Name: "SparkPost", Include: "sparkpostmail.com"},
	"zoho.com":                  {Name: "Zoho Mail", Include: "zoho.com"},
	"zohomail.com":              {Name: "Zoho Mail", Include: "zoho.com"},
	"mailjet.com":               {Name: "Mailjet", Include: "spf.mailjet.com"},
	"brevo.com":                 {Name: "Brevo", Include: "spf.brevo.com"},
	"sendinblue.com":            {Name: "Brevo", Include: "spf.brevo.com"},
	"hubspotemail.net":          {Name: "HubSpot"},
	"salesforce.com":            {Name: "Salesforce", Include: "_spf.salesforce.com"},
	"exacttarget.com":           {Name: "Salesforce Marketing Cloud", Include: "cust-spf.exacttarget.com"},
	"zendesk.com":               {Name: "Zendesk", Include: "mail.zendesk.com"},
	"freshdesk.com":             {Name: "Freshdesk", Include: "email.freshdesk.com"},
	"yahoo.com":                 {Name: "Yahoo", Forwarder: true},
	"yahoodns.net":              {Name: "Yahoo", Forwarder: true},
	"icloud.com":                {Name: "iCloud Mail", Forwarder: true},
	"me.com":                    {Name: "iCloud Mail", Forwarder: true},
	"pobox.com":                 {Name: "Pobox (forwarding)", Forwarder: true},
	"forwardemail.net":          {Name: "Forward Email", Forwarder: true},
	"improvmx.com":              {Name: "ImprovMX (forwarding)", Forwarder: true},
	"messagingengine.com":       {Name: "Fastmail", Include: "spf.messagingengine.com"},
	"groups.io":                 {Name: "Groups.io (mailing lists)", Forwarder: true},
	"lists.sourceforge.net":     {Name: "SourceForge lists", Forwarder: true},
	"mimecast.com":              {Name: "Mimecast", Forwarder: true},
	"pphosted.com":              {Name: "Proofpoint", Forwarder: true},
	"barracudanetworks.com":     {Name: "Barracuda", Forwarder: true},
	"ess.barracudanetworks.com": {Name: "Barracuda", Forwarder: true},
}

// OrgOf returns the organisation whose servers' names end in ptr's
// domain, and the suffix that matched.
func OrgOf(ptr string) (Org, string, bool) {
	name := strings.ToLower(strings.TrimSuffix(ptr, "."))
	for {
		if o, ok := orgs[name]; ok {
			return o, name, true
		}
		i := strings.IndexByte(name, '.')
		if i < 0 {
			return Org{}, "", false
		}
		name = name[i+1:]
	}
}
