package check

// commandSpec is the command-line half of a registry entry
// (checks/domain.Checks): the help of its "relayctl check" subcommand and
// the flags it takes beyond the global ones. Everything else about the
// check — which parts it runs, its name, its docs — comes from the
// registry.
type commandSpec struct {
	Short, Long, Example string
	// flags returns the flag groups the command takes, new for each
	// command built (they hold the flags' values); nil for none.
	flags func() []flagGroup
}

// commandSpecs holds the spec of every "relayctl check" subcommand that
// runs parts of the domain audit, by subcommand name; a test insists on
// one, with full help, for each.
func commandSpecs() map[string]commandSpec {
	return map[string]commandSpec{
		"mx": {
			Short: "Check a domain's MX hosts and their reverse DNS",
			Long: `Look up the MX records of DOMAIN (RFC 5321 §5.1) with each host's addresses,
null MX (RFC 7505), alias and IP-literal targets, then the forward-confirmed
reverse DNS of every address (the ptr check).`,
			Example: `  relayctl check mx example.com`,
		},
		"spf": {
			Short: "Analyse a domain's SPF record; with --ip, evaluate it for that client",
			Long: `Analyse the SPF record of DOMAIN: syntax, the include/redirect tree and its
DNS lookup count (RFC 7208 §4.6.4), void lookups and the all qualifier.

With --ip, also run the RFC 7208 check_host() function for a message from
that address: the result (pass, fail, softfail, neutral, none, permerror,
temperror) goes to data.result and any exp= explanation to
data.explanation. --sender is the MAIL FROM address (default
postmaster@DOMAIN) and --helo the name the client greeted with.`,
			Example: `  relayctl check spf example.com
  relayctl check spf example.com --ip 192.0.2.10 --sender bounce@example.com`,
			flags: func() []flagGroup { return []flagGroup{&spfClientFlags{}} },
		},
		"dkim": {
			Short: "Look up and judge a domain's DKIM keys",
			Long: `Look up the DKIM key records of DOMAIN (RFC 6376 §3.6): the selectors named
by --selector, or else a list of common selectors, all at once. Reports each
key's type and size, revoked keys and test mode.`,
			Example: `  relayctl check dkim example.com --selector selector1`,
			flags:   func() []flagGroup { return []flagGroup{selectorFlag{}} },
		},
		"dmarc": {
			Short: "Find and judge a domain's DMARC policy",
			Long: `Find the DMARC record for DOMAIN (RFC 7489 §6.6.3; the DMARCbis tree walk),
check every tag, and check that external report destinations have
authorised the reports (RFC 7489 §7.1).`,
			Example: `  relayctl check dmarc example.com`,
		},
		"mtasts": {
			Short: "Check a domain's MTA-STS record and policy",
			Long: `Look up _mta-sts.DOMAIN (RFC 8461 §3.1), fetch the policy from
https://mta-sts.DOMAIN/.well-known/mta-sts.txt the way senders must (valid
certificate for that name, status 200, text/plain, no redirects, at most
64 KiB, --timeout for the whole fetch), check its syntax, and check that its
mx patterns cover every MX host of the domain.`,
			Example: `  relayctl check mtasts example.com
  relayctl check mtasts example.com --ca private-ca.pem`,
			flags: func() []flagGroup { return []flagGroup{&transportFlags{caUse: caForFetch}} },
		},
		"tlsrpt": {
			Short: "Check a domain's TLS-RPT record",
			Long: `Look up _smtp._tls.DOMAIN (RFC 8460 §3) and check its syntax and its rua
destinations (mailto: or https:). A missing record is a warning where the
domain uses MTA-STS or DANE.`,
			Example: `  relayctl check tlsrpt example.com`,
		},
		"bimi": {
			Short: "Check a domain's BIMI record, its DMARC policy and its logo",
			Long: `Look up default._bimi.DOMAIN (or --bimi-selector), falling back to the
organizational domain; check the record's syntax, that DMARC is at quarantine
or reject for all mail, and fetch the l= logo over HTTPS to check it is an SVG
in the SVG Tiny PS profile.`,
			Example: `  relayctl check bimi example.com
  relayctl check bimi example.com --bimi-selector brand`,
			flags: func() []flagGroup { return []flagGroup{&transportFlags{caUse: caForFetch, bimi: true}} },
		},
		"dane": {
			Short: "Check the DANE TLSA records of a domain's MX hosts",
			Long: `Look up the TLSA records at _25._tcp of every MX host of DOMAIN (RFC 7672
§2.2) and check that each is usable by SMTP clients (DANE-TA or DANE-EE, a
defined selector and matching type, data of the right length) and that the
MX, address and TLSA answers were DNSSEC-validated (the resolver's AD bit;
answers from --zone files carry no DNSSEC status and are not evaluated).

To match the records against the certificates the MX hosts present, run
check domain DOMAIN --smtp.`,
			Example: `  relayctl check dane example.com
  relayctl check dane example.com --resolver 9.9.9.9 -o json`,
		},
		"dnssec": {
			Short: "Check whether a domain's and its MX hosts' DNS answers are DNSSEC-validated",
			Long: `Ask the resolver about DOMAIN (SOA, MX, TXT) and the addresses of its MX
hosts, and read the Authenticated Data bit of every answer (RFC 4035
§3.2.3): first whether the resolver validates at all (the root zone is
signed), then whether the domain and each MX host are signed. relayctl
does not validate signatures itself; answers from --zone files carry no
DNSSEC status and are reported as not evaluated.`,
			Example: `  relayctl check dnssec example.com
  relayctl check dnssec example.com --resolver 9.9.9.9`,
		},
	}
}
