package dnsbl

import (
	"fmt"
	"net/netip"

	"github.com/relayctl/relayctl/checks"
)

const (
	sevInfo = checks.SeverityInfo
	sevWarn = checks.SeverityWarn
	sevFail = checks.SeverityFail
)

// spamhausRefused is the range Spamhaus answers from when it will not
// answer the question: 127.255.255.252 a typo in the zone name, .254 a
// query through a public or open resolver, .255 too many queries, and the
// neighbouring codes for DQS key problems. None of them is a listing.
var spamhausRefused = []netip.Prefix{netip.MustParsePrefix("127.255.255.0/24")}

// ip is a code in 127.0.0.0/24 by its last octet.
func ip(last int, meaning string) Code {
	return Code{Code: fmt.Sprintf("127.0.0.%d", last), Meaning: meaning}
}

// bit is one bit of a bitmask list's last octet.
func bit(v int, meaning string) Code {
	return Code{Code: fmt.Sprint(v), Meaning: meaning}
}

func withSeverity(c Code, s checks.Severity) Code { c.Severity = s; return c }

var (
	ip4     = []Kind{KindIP4}
	ip46    = []Kind{KindIP4, KindIP6}
	ip6only = []Kind{KindIP6}
	domain  = []Kind{KindDomain}
)

// spamhausErrors are the meanings of Spamhaus's refusal codes.
var spamhausErrors = []Code{
	{Code: "127.255.255.252", Meaning: "refused: typing error in the zone name"},
	{Code: "127.255.255.254", Meaning: "refused: query through a public or open resolver, or an unattributable one"},
	{Code: "127.255.255.255", Meaning: "refused: too many queries from this resolver"},
}

func zenCodes() []Code {
	return append([]Code{
		ip(2, "SBL: Spamhaus Block List, a known spam source or spam operation"),
		ip(3, "SBL CSS: snowshoe or low-reputation sending seen by Spamhaus' automation"),
		ip(4, "XBL: exploited host (malware, botnet, open proxy)"),
		// .5–.7 are XBL codes Spamhaus documents as currently unused.
		ip(5, "XBL: exploited host (code currently unused by Spamhaus)"),
		ip(6, "XBL: exploited host (code currently unused by Spamhaus)"),
		ip(7, "XBL: exploited host (code currently unused by Spamhaus)"),
		ip(9, "SBL DROP: hijacked or criminal network, do not route (always with .2)"),
		withSeverity(ip(10, "PBL: end-user address range (ISP-maintained) that should not send mail directly"), sevWarn),
		withSeverity(ip(11, "PBL: end-user address range (Spamhaus-maintained) that should not send mail directly"), sevWarn),
		ip(30, "BCL: botnet controller"),
	}, spamhausErrors...)
}

func dblCodes() []Code {
	return append([]Code{
		{Code: "127.0.1.2", Meaning: "low-reputation (spam) domain"},
		{Code: "127.0.1.4", Meaning: "phishing domain"},
		{Code: "127.0.1.5", Meaning: "malware domain"},
		{Code: "127.0.1.6", Meaning: "botnet command-and-control domain"},
		{Code: "127.0.1.102", Meaning: "abused legitimate domain (spam)", Severity: sevWarn},
		{Code: "127.0.1.103", Meaning: "abused legitimate redirector or URL shortener", Severity: sevWarn},
		{Code: "127.0.1.104", Meaning: "abused legitimate domain (phishing)", Severity: sevWarn},
		{Code: "127.0.1.105", Meaning: "abused legitimate domain (malware)", Severity: sevWarn},
		{Code: "127.0.1.106", Meaning: "abused legitimate domain (botnet C&C)", Severity: sevWarn},
		{Code: "127.0.1.255", Meaning: "refused: the DBL lists names, and an IP address was asked"},
	}, spamhausErrors...)
}

// dblRefused adds 127.0.1.255, the DBL's answer to a question about an IP
// address (it lists names only).
var dblRefused = append([]netip.Prefix{netip.MustParsePrefix("127.0.1.255/32")}, spamhausRefused...)

func zrdCodes() []Code {
	out := make([]Code, 0, 23)
	for h := 2; h <= 24; h++ {
		out = append(out, Code{Code: fmt.Sprintf("127.0.2.%d", h), Meaning: fmt.Sprintf("domain first seen %d hours ago (zero reputation)", h)})
	}
	return append(out, spamhausErrors...)
}

// Builtin returns the built-in catalog: live lists only (research of
// November 2026; SORBS, NiX Spam, AHBL, cbl.abuseat.org and other dead or
// wildcarded lists are left out on purpose); codes and test entries were
// checked against the lists' documentation in November 2026, and what
// could not be confirmed is marked in docs/dnsbl.md. The caller may change the
// copy it gets.
func Builtin() []List {
	return []List{
		{
			Zone: "zen.spamhaus.org", Name: "Spamhaus ZEN", Kinds: ip46, Severity: sevFail, Default: true,
			Codes: zenCodes(), Refused: spamhausRefused,
			Info:   "https://check.spamhaus.org/",
			Terms:  "free for low-volume non-commercial use; refuses public resolvers (use --dqs-key there)",
			Delist: "https://check.spamhaus.org/", Removal: RemovalSelf,
			RemovalNote: "An SBL listing comes off only at the request of the provider the address belongs to; CSS, XBL and PBL listings through the checker.",
		},
		{
			Zone: "sbl.spamhaus.org", Name: "Spamhaus SBL", Kinds: ip46, Severity: sevFail,
			Codes: zenCodes(), Refused: spamhausRefused, Info: "https://check.spamhaus.org/",
			Terms:  "part of ZEN; same terms",
			Delist: "https://check.spamhaus.org/", Removal: RemovalRequest,
			RemovalNote: "Only the provider the address belongs to may ask, by email from the SBL record.",
		},
		{
			Zone: "xbl.spamhaus.org", Name: "Spamhaus XBL", Kinds: ip46, Severity: sevFail,
			Codes: zenCodes(), Refused: spamhausRefused, Info: "https://check.spamhaus.org/",
			Terms:  "part of ZEN; same terms",
			Delist: "https://check.spamhaus.org/", Removal: RemovalSelf,
		},
		{
			Zone: "pbl.spamhaus.org", Name: "Spamhaus PBL", Kinds: ip46, Severity: sevWarn,
			Codes: zenCodes(), Refused: spamhausRefused, Info: "https://check.spamhaus.org/",
			Terms:  "part of ZEN; same terms",
			Delist: "https://check.spamhaus.org/", Removal: RemovalSelf,
			RemovalNote: "A policy listing of an end-user range, not of abuse: the checker removes a mail server's static address.",
		},
		{
			Zone: "sbl-xbl.spamhaus.org", Name: "Spamhaus SBL+XBL", Kinds: ip46, Severity: sevFail,
			Codes: zenCodes(), Refused: spamhausRefused, Info: "https://check.spamhaus.org/",
			Terms:  "part of ZEN; same terms",
			Delist: "https://check.spamhaus.org/", Removal: RemovalSelf,
			RemovalNote: "An SBL listing comes off only at the request of the provider the address belongs to.",
		},
		{
			Zone: "dbl.spamhaus.org", Name: "Spamhaus DBL", Kinds: domain, Severity: sevFail, Default: true,
			Codes: dblCodes(), Refused: dblRefused, Test: "dbltest.com",
			Info:   "https://check.spamhaus.org/",
			Terms:  "free for low-volume non-commercial use; refuses public resolvers (use --dqs-key there)",
			Delist: "https://check.spamhaus.org/", Removal: RemovalSelf,
		},
		{
			Zone: "zen.dq.spamhaus.net", Name: "Spamhaus ZEN (DQS)", Kinds: ip46, Severity: sevFail, Default: true,
			Key: KeyDQS, Codes: zenCodes(), Refused: spamhausRefused, Replaces: "zen.spamhaus.org",
			Info: "https://check.spamhaus.org/", Terms: "Data Query Service account key",
			Delist: "https://check.spamhaus.org/", Removal: RemovalSelf,
			RemovalNote: "An SBL listing comes off only at the request of the provider the address belongs to; CSS, XBL and PBL listings through the checker.",
		},
		{
			Zone: "dbl.dq.spamhaus.net", Name: "Spamhaus DBL (DQS)", Kinds: domain, Severity: sevFail, Default: true,
			Key: KeyDQS, Codes: dblCodes(), Refused: dblRefused, Test: "dbltest.com", Replaces: "dbl.spamhaus.org",
			Info: "https://check.spamhaus.org/", Terms: "Data Query Service account key",
			Delist: "https://check.spamhaus.org/", Removal: RemovalSelf,
		},
		{
			Zone: "zrd.dq.spamhaus.net", Name: "Spamhaus ZRD (DQS)", Kinds: domain, Severity: sevWarn, Default: true,
			Key: KeyDQS, Codes: zrdCodes(), Refused: spamhausRefused, Test: "dbltest.com",
			Info: "https://check.spamhaus.org/", Terms: "Data Query Service account key",
			Delist: "https://check.spamhaus.org/", Removal: RemovalExpires,
			RemovalNote: "A zero-reputation listing lasts 24 hours from the domain's first sighting.",
		},
		{
			Zone: "b.barracudacentral.org", Name: "Barracuda Reputation Block List", Kinds: ip4, Severity: sevFail, Default: true,
			Codes:  []Code{ip(2, "poor sending reputation")},
			Info:   "https://www.barracudacentral.org/lookups",
			Terms:  "free; the querying resolver's address must be registered",
			Delist: "https://www.barracudacentral.org/rbl/removal-request", Removal: RemovalRequest,
			RemovalNote: "Ask once: repeated requests slow it down.",
		},
		{
			Zone: "bl.spamcop.net", Name: "SpamCop Blocking List", Kinds: ip4, Severity: sevFail, Default: true,
			Codes: []Code{ip(2, "reported as a spam source by SpamCop users")},
			Info:  "https://www.spamcop.net/bl.shtml", Terms: "free",
			Delist: "https://www.spamcop.net/bl.shtml", Removal: RemovalExpires,
			RemovalNote: "It ends on its own once the reports stop, usually within a day.",
		},
		{
			Zone: "psbl.surriel.com", Name: "Passive Spam Block List", Kinds: ip4, Severity: sevWarn, Default: true,
			Codes: []Code{ip(2, "sent mail to spam traps")},
			Info:  "https://psbl.org/", Terms: "free",
			Delist: "https://psbl.org/", Removal: RemovalSelf,
		},
		{
			Zone: "bl.mailspike.net", Name: "Mailspike Blacklist", Kinds: ip4, Severity: sevWarn, Default: true,
			Codes: []Code{
				ip(2, "zombie or spam source"),
				ip(10, "worst reputation"),
				ip(11, "very bad reputation"),
				ip(12, "bad reputation"),
			},
			Info: "https://mailspike.io/", Terms: "free below 100,000 messages and 100,000 queries a day",
			Delist: "https://mailspike.io/", Removal: RemovalSelf,
		},
		{
			Zone: "dnsbl-1.uceprotect.net", Name: "UCEPROTECT Level 1", Kinds: ip4, Severity: sevWarn, Default: true,
			Codes: []Code{ip(2, "this address sent mail to UCEPROTECT spam traps")},
			Info:  "https://www.uceprotect.net/", Terms: "free",
			Delist: "https://www.uceprotect.net/", Removal: RemovalExpires,
			RemovalNote: "It expires 7 days after the last abuse seen; its paid express delisting is optional.",
		},
		{
			Zone: "dnsbl-2.uceprotect.net", Name: "UCEPROTECT Level 2", Kinds: ip4, Severity: sevInfo,
			Codes: []Code{ip(2, "the address's network block has many Level 1 listings")},
			Info:  "https://www.uceprotect.net/", Terms: "free; lists whole networks, off by default",
			Delist: "https://www.uceprotect.net/", Removal: RemovalExpires,
			RemovalNote: "It comes off when few enough Level 1 listings remain in the network; only the provider can act on them.",
		},
		{
			Zone: "dnsbl-3.uceprotect.net", Name: "UCEPROTECT Level 3", Kinds: ip4, Severity: sevInfo,
			Codes: []Code{ip(2, "the address's autonomous system has many Level 1 listings")},
			Info:  "https://www.uceprotect.net/", Terms: "free; lists whole ASNs, off by default",
			Delist: "https://www.uceprotect.net/", Removal: RemovalExpires,
			RemovalNote: "It lists the whole autonomous system: only the network's operator can change it.",
		},
		{
			Zone: "ips.backscatterer.org", Name: "Backscatterer", Kinds: ip4, Severity: sevWarn, Default: true,
			Codes: []Code{ip(2, "sent backscatter (bounces or auto-replies to forged senders)")},
			Info:  "https://www.backscatterer.org/", Terms: "free",
			Delist: "https://www.backscatterer.org/", Removal: RemovalExpires,
			RemovalNote: "It expires 4 weeks after the last backscatter seen; its paid express delisting is optional.",
		},
		{
			Zone: "all.s5h.net", Name: "S5H blacklist", Kinds: ip46, Severity: sevWarn, Default: true,
			Codes: []Code{ip(2, "sent spam or attacked S5H hosts")},
			Info:  "https://www.s5h.net/", Terms: "free",
		},
		{
			Zone: "dnsbl.dronebl.org", Name: "DroneBL", Kinds: ip46, Severity: sevWarn, Default: true,
			Codes: []Code{
				// .2 holds sample data DroneBL keeps for analysis, not a
				// confirmed abuse category: reported, but at info.
				withSeverity(ip(2, "sample data kept for analysis"), sevInfo),
				ip(3, "IRC drone"), ip(5, "bottler"), ip(6, "unknown spambot or drone"),
				ip(7, "DDoS drone"), ip(8, "SOCKS proxy"), ip(9, "HTTP proxy"),
				ip(10, "proxy chain"), ip(11, "web page proxy"), ip(12, "open DNS resolver"),
				ip(13, "brute-force attacker"), ip(14, "open WinGate proxy"),
				ip(15, "compromised router or gateway"), ip(16, "autorooting worm"),
				ip(17, "botnet address found automatically"), ip(18, "DNS/MX type hostname on IRC"),
				ip(19, "abused VPN service"), ip(255, "uncategorised"),
			},
			Info: "https://dronebl.org/", Terms: "free, also commercially",
			Delist: "https://dronebl.org/lookup", Removal: RemovalRequest,
			RemovalNote: "Only the address's primary user may ask.",
		},
		{
			Zone: "combined.mail.abusix.zone", Name: "Abusix Mail Intelligence", Kinds: ip46, Severity: sevFail, Default: true,
			Key: KeyAbusix,
			Codes: []Code{
				ip(2, "black: sent mail to Abusix spam traps"),
				ip(3, "black: very low reputation (automated heuristics)"),
				ip(200, "black: listed (Abusix documents the code, not its meaning)"),
				ip(4, "exploit: compromised host, proxy or behaviour no real mail server shows"),
				withSeverity(ip(11, "policy: generic reverse DNS, should send through its provider's smarthost"), sevWarn),
				withSeverity(ip(12, "policy: no reverse DNS, should send through its provider's smarthost"), sevWarn),
			},
			Info: "https://lookup.abusix.com/", Terms: "account key (free tier available)",
			Delist: "https://lookup.abusix.com/", Removal: RemovalSelf,
			RemovalNote: "A free account is needed; a policy delisting is a lasting exception.",
		},
		{
			Zone: "truncate.gbudb.net", Name: "GBUdb Truncate", Kinds: ip4, Severity: sevWarn, Default: true,
			Codes: []Code{ip(2, "almost all mail seen from this address is spam")},
			Info:  "https://www.gbudb.com/", Terms: "free",
		},
		{
			Zone: "multi.surbl.org", Name: "SURBL multi", Kinds: domain, Severity: sevFail, Default: true,
			Bitmask: true, RefusedBits: 1, Test: "test.surbl.org",
			Codes: []Code{
				bit(8, "PH: phishing"), bit(16, "MW: malware"),
				bit(1, "refused: this resolver is blocked (too many queries or a public resolver)"),
				bit(64, "ABUSE: spam and other abuse"), bit(128, "CR: cracked (compromised) site"),
			},
			Info: "https://www.surbl.org/surbl-analysis", Terms: "free for low volume",
		},
		{
			Zone: "multi.uribl.com", Name: "URIBL multi", Kinds: domain, Severity: sevFail, Default: true,
			Bitmask: true, RefusedBits: 1, Test: "test.uribl.com",
			Codes: []Code{
				bit(1, "refused: this resolver is blocked (too many queries or a public resolver)"),
				bit(2, "black: seen in spam"),
				{Code: "4", Meaning: "grey: bulk senders, some of them spam", Severity: sevWarn},
				{Code: "8", Meaning: "red: seen in spam, newly registered or abused", Severity: sevWarn},
			},
			Info: "https://admin.uribl.com/", Terms: "free for low volume",
		},
		{
			Zone: "bl.spameatingmonkey.net", Name: "Spam Eating Monkey", Kinds: ip4, Severity: sevWarn, Default: true,
			Codes: []Code{ip(2, "sent spam to SEM traps")},
			Info:  "https://spameatingmonkey.com/", Terms: "free below 100,000 queries a day and 5 a second",
		},
		{
			Zone: "bl.ipv6.spameatingmonkey.net", Name: "Spam Eating Monkey IPv6", Kinds: ip6only, Severity: sevWarn, Default: true,
			Codes: []Code{ip(2, "sent spam to SEM traps")},
			Info:  "https://spameatingmonkey.com/", Terms: "free below 100,000 queries a day and 5 a second",
		},
		{
			Zone: "all.spamrats.com", Name: "SpamRATS", Kinds: ip4, Severity: sevWarn, Default: true,
			Codes: []Code{
				ip(36, "RATS-Dyna: dynamic or residential address"),
				ip(37, "RATS-NoPtr: no reverse DNS"),
				ip(38, "RATS-Spam: sent spam"),
				ip(43, "RATS-Auth: SMTP authentication abuse"),
			},
			Info: "https://www.spamrats.com/", Terms: "free for most users; see its terms of service",
			Delist: "https://www.spamrats.com/", Removal: RemovalSelf,
			RemovalNote: "A RATS-Dyna or RATS-NoPtr listing comes off only once the reverse DNS is fixed.",
		},
		{
			Zone: "bl.nordspam.com", Name: "NordSpam IP", Kinds: ip46, Severity: sevWarn, Default: true,
			Codes: []Code{ip(2, "spam source")},
			Info:  "https://www.nordspam.com/", Terms: "free, also commercially; ask first above 10,000 queries a day",
		},
		{
			Zone: "dbl.nordspam.com", Name: "NordSpam domains", Kinds: domain, Severity: sevWarn, Default: true,
			Codes: []Code{ip(2, "domain seen in spam")},
			Info:  "https://www.nordspam.com/", Terms: "free, also commercially; ask first above 10,000 queries a day",
		},
		{
			Zone: "rbl.interserver.net", Name: "InterServer RBL", Kinds: ip4, Severity: sevWarn, Default: true,
			Codes: []Code{ip(2, "attacked or spammed InterServer hosts")},
			Info:  "https://rbl.interserver.net/", Terms: "free",
			Delist: "https://rbl.interserver.net/", Removal: RemovalExpires,
			RemovalNote: "Its listing policy keeps an address listed for 5 days after the abuse.",
		},
		{
			Zone: "list.dnswl.org", Name: "DNSWL (allowlist)", Kinds: ip46, Severity: sevInfo, Allowlist: true, LastOctet: true,
			Refused: []netip.Prefix{netip.MustParsePrefix("127.0.0.255/32")},
			Codes: []Code{
				ip(0, "allowlisted, no trust level"), ip(1, "allowlisted, low trust"),
				ip(2, "allowlisted, medium trust"), ip(3, "allowlisted, high trust"),
				ip(255, "refused: this resolver is blocked (too many queries)"),
			},
			Info: "https://www.dnswl.org/", Terms: "free for low volume; an allowlist: listed is good news",
		},
	}
}
