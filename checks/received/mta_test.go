package received

import (
	"errors"
	"net/netip"
	"reflect"
	"testing"
	"time"
)

// mtaCase is one Received field in the form an MTA writes, with our own
// names (example.com, example.net, example.org) and documentation
// addresses (RFC 5737, RFC 3849).
type mtaCase struct {
	name  string
	value string
	want  Header // Raw and Comments are not compared
}

func date(s string) time.Time {
	t, err := time.Parse(time.RFC1123Z, s)
	if err != nil {
		panic(err)
	}
	return t
}

var mtaCases = []mtaCase{
	{
		name: "postfix TLS 1.3",
		// smtpd.c: "from %s (%s [%s])", "(using %s with cipher %s (%d/%d bits))", "by %s (%s) with %s id %s", "for <%s>; %s"
		value: "from mail.example.net (mail.example.net [192.0.2.10])\r\n" +
			"\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)\r\n" +
			"\t key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256)\r\n" +
			"\t(No client certificate requested)\r\n" +
			"\tby mx.example.com (Postfix) with ESMTPS id 4AbCdE1fGhz9sWx\r\n" +
			"\tfor <alice@example.com>; Wed,  2 Dec 2026 13:10:11 +0000 (UTC)",
		want: Header{
			From: From{Name: "mail.example.net", HELO: "mail.example.net", RDNS: "mail.example.net", IP: ip("192.0.2.10")},
			By:   "mx.example.com", With: "ESMTPS", ID: "4AbCdE1fGhz9sWx", For: "alice@example.com",
			Date: date("Wed, 02 Dec 2026 13:10:11 +0000"),
			TLS:  Yes, TLSVersion: "TLSv1.3", TLSCipher: "TLS_AES_256_GCM_SHA384", Authenticated: No,
		},
	},
	{
		// The layout Postfix 3 on this machine wrote in scripts/postfix-send-e2e.sh
		// (two recipients, so no for clause; the date on its own line), names changed.
		name: "postfix 3 captured layout, SASL over STARTTLS",
		value: "from client.example.org (unknown [192.0.2.44])\n" +
			"\t(using TLSv1.3 with cipher TLS_AES_128_GCM_SHA256 (128/128 bits)\n" +
			"\t key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256)\n" +
			"\t(No client certificate requested)\n" +
			"\tby mx.example.com (Postfix) with ESMTPSA id 3A1B2C3D4E5;\n" +
			"\tWed,  2 Dec 2026 13:43:26 +0000 (UTC)",
		want: Header{
			From: From{Name: "client.example.org", HELO: "client.example.org", IP: ip("192.0.2.44")},
			By:   "mx.example.com", With: "ESMTPSA", ID: "3A1B2C3D4E5", Date: date("Wed, 02 Dec 2026 13:43:26 +0000"),
			TLS: Yes, TLSVersion: "TLSv1.3", TLSCipher: "TLS_AES_128_GCM_SHA256", Authenticated: Yes,
		},
	},
	{
		name: "postfix unknown rDNS, IPv6, SASL",
		value: "from laptop.example.org (unknown [IPv6:2001:db8::25])\n" +
			"\t(Authenticated sender: alice@example.org)\n" +
			"\tby submit.example.org (Postfix) with ESMTPSA id 4B1c2D3e4F\n" +
			"\tfor <bob@example.net>; Wed, 2 Dec 2026 14:02:03 +0100 (CET)",
		want: Header{
			From: From{Name: "laptop.example.org", HELO: "laptop.example.org", IP: ip("2001:db8::25")},
			By:   "submit.example.org", With: "ESMTPSA", ID: "4B1c2D3e4F", For: "bob@example.net",
			Date: date("Wed, 02 Dec 2026 14:02:03 +0100"),
			TLS:  Yes, Authenticated: Yes, AuthUser: "alice@example.org",
		},
	},
	{
		name:  "postfix local pickup",
		value: "by mail.example.org (Postfix, from userid 1000)\n\tid 4C5d6E7f8G; Wed,  2 Dec 2026 13:00:00 +0000 (UTC)",
		want: Header{
			By: "mail.example.org", ID: "4C5d6E7f8G", Date: date("Wed, 02 Dec 2026 13:00:00 +0000"),
		},
	},
	{
		name: "postfix LMTP delivery from loopback",
		value: "from mx.example.com (localhost [127.0.0.1])\n\tby store.example.com (Postfix) with LMTP id 4D9e0F;\n" +
			"\tWed,  2 Dec 2026 13:10:12 +0000 (UTC)",
		want: Header{
			From: From{Name: "mx.example.com", HELO: "mx.example.com", RDNS: "localhost", IP: ip("127.0.0.1")},
			By:   "store.example.com", With: "LMTP", ID: "4D9e0F", Date: date("Wed, 02 Dec 2026 13:10:12 +0000"),
			TLS: No, Authenticated: No,
		},
	},
	{
		name: "exim 4.9x TLS with rDNS",
		// received_header_text default: from $sender_rcvhost, (TLS1.3) tls $tls_in_cipher_std, (Exim x), (envelope-from <…>), id, for
		value: "from mail.example.net ([192.0.2.20]:41234 helo=smtp.example.net)\n" +
			"\tby mx.example.com with esmtps  (TLS1.3) tls TLS_AES_256_GCM_SHA384\n" +
			"\t(Exim 4.97)\n\t(envelope-from <bounce@example.net>)\n\tid 1tAbCd-000Xyz-2K\n" +
			"\tfor carol@example.com; Wed, 02 Dec 2026 13:20:00 +0000",
		want: Header{
			From: From{Name: "mail.example.net", HELO: "smtp.example.net", RDNS: "mail.example.net", IP: ip("192.0.2.20")},
			By:   "mx.example.com", With: "esmtps", ID: "1tAbCd-000Xyz-2K", For: "carol@example.com",
			EnvelopeFrom: "bounce@example.net",
			Date:         date("Wed, 02 Dec 2026 13:20:00 +0000"),
			TLS:          Yes, TLSVersion: "TLS1.3", TLSCipher: "TLS_AES_256_GCM_SHA384", Authenticated: No,
		},
	},
	{
		name: "exim without rDNS, older TLS comment",
		value: "from [198.51.100.7] (port=5544 helo=client.example.org)\n" +
			"\tby mx.example.com with esmtpsa (TLSv1.2:ECDHE-RSA-AES256-GCM-SHA384:256)\n" +
			"\t(Exim 4.89)\n\t(envelope-from <>)\n\tid 1a2B3c-0004dE-F5; Wed, 02 Dec 2026 13:21:00 +0000",
		want: Header{
			From: From{Name: "[198.51.100.7]", HELO: "client.example.org", IP: ip("198.51.100.7")},
			By:   "mx.example.com", With: "esmtpsa", ID: "1a2B3c-0004dE-F5", EnvelopeFrom: "<>",
			Date: date("Wed, 02 Dec 2026 13:21:00 +0000"),
			TLS:  Yes, TLSVersion: "TLSv1.2", TLSCipher: "ECDHE-RSA-AES256-GCM-SHA384", Authenticated: Yes,
		},
	},
	{
		name:  "exim local submission",
		value: "from www-data by web.example.org with local (Exim 4.96)\n\t(envelope-from <www-data@web.example.org>)\n\tid 1tXyZ-00AbC-1d; Wed, 02 Dec 2026 12:59:59 +0000",
		want: Header{
			From: From{Name: "www-data"}, By: "web.example.org", With: "local",
			EnvelopeFrom: "www-data@web.example.org", ID: "1tXyZ-00AbC-1d", Date: date("Wed, 02 Dec 2026 12:59:59 +0000"),
		},
	},
	{
		name: "sendmail TLS, ident, may be forged",
		// proto.m4: "$?sfrom $s $.$?_($?s$|from $.$_) $.$?{auth_type}(authenticated…)$.by $j ($v/$Z)$?r with $r$. id $i$?{tls_version} (version=… cipher=… bits=… verify=…)$.$?u for $u; $|;$.$b"
		value: "from relay.example.net (postmaster@gw.example.net [192.0.2.30] (may be forged))\n" +
			"\tby mx.example.com (8.17.1/8.17.1) with ESMTP id 5B2DAbCd012345\n" +
			"\t(version=TLSv1.3 cipher=TLS_AES_256_GCM_SHA384 bits=256 verify=NOT)\n" +
			"\tfor <dave@example.com>; Wed, 2 Dec 2026 05:30:00 -0800 (PST)",
		want: Header{
			From: From{Name: "relay.example.net", HELO: "relay.example.net", RDNS: "gw.example.net", IP: ip("192.0.2.30")},
			By:   "mx.example.com", With: "ESMTP", ID: "5B2DAbCd012345", For: "dave@example.com",
			Date: date("Wed, 02 Dec 2026 05:30:00 -0800"),
			TLS:  Yes, TLSVersion: "TLSv1.3", TLSCipher: "TLS_AES_256_GCM_SHA384", Authenticated: No,
		},
	},
	{
		name: "sendmail authenticated, several recipients",
		value: "from client.example.org (dsl.example.org [198.51.100.44])\n\t(authenticated bits=0)\n" +
			"\tby smtp.example.org (8.15.2/8.15.2) with ESMTPSA id 2B3CdEf4567890;\n\tWed, 2 Dec 2026 08:00:00 -0500",
		want: Header{
			From: From{Name: "client.example.org", HELO: "client.example.org", RDNS: "dsl.example.org", IP: ip("198.51.100.44")},
			By:   "smtp.example.org", With: "ESMTPSA", ID: "2B3CdEf4567890", Date: date("Wed, 02 Dec 2026 08:00:00 -0500"),
			TLS: Yes, Authenticated: Yes,
		},
	},
	{
		name:  "sendmail local submission",
		value: "(from alice@localhost)\n\tby host.example.org (8.17.1/8.17.1/Submit) id 2B3F00aa012345; Wed, 2 Dec 2026 07:59:00 -0500",
		want: Header{
			From: From{Name: "alice@localhost", Text: "from alice@localhost"}, By: "host.example.org",
			ID: "2B3F00aa012345", Date: date("Wed, 02 Dec 2026 07:59:00 -0500"),
		},
	},
	{
		name: "office 365 internal with Microsoft SMTP Server",
		value: "from AM0PR01MB1234.eurprd01.prod.example.com (2001:db8:20b:1::12) by\n" +
			" AM0PR01MB5678.eurprd01.prod.example.com (2001:db8:20b:2::34) with\n" +
			" Microsoft SMTP Server (version=TLS1_2,\n cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.8207.13; Wed, 2 Dec\n 2026 13:00:01 +0000",
		want: Header{
			From: From{Name: "AM0PR01MB1234.eurprd01.prod.example.com", HELO: "AM0PR01MB1234.eurprd01.prod.example.com", IP: ip("2001:db8:20b:1::12")},
			By:   "AM0PR01MB5678.eurprd01.prod.example.com", With: "Microsoft SMTP Server", ID: "15.20.8207.13",
			Date: date("Wed, 02 Dec 2026 13:00:01 +0000"),
			TLS:  Yes, TLSVersion: "TLS1_2", TLSCipher: "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
		},
	},
	{
		name:  "office 365 frontend",
		value: "from mail.example.net (192.0.2.55) by\r\n FT001.mail.protection.example.com (10.152.8.160) with Microsoft SMTP\r\n Server (version=TLS1_3, cipher=TLS_AES_256_GCM_SHA384) id 15.20.8207.13 via\r\n Frontend Transport; Wed, 2 Dec 2026 13:00:02 +0000",
		want: Header{
			From: From{Name: "mail.example.net", HELO: "mail.example.net", IP: ip("192.0.2.55")},
			By:   "FT001.mail.protection.example.com", Via: "Frontend Transport", With: "Microsoft SMTP Server", ID: "15.20.8207.13",
			Date: date("Wed, 02 Dec 2026 13:00:02 +0000"), TLS: Yes, TLSVersion: "TLS1_3", TLSCipher: "TLS_AES_256_GCM_SHA384",
		},
	},
	{
		name:  "exchange HTTPS and mapi hops",
		value: "from AM0PR01MB9999.eurprd01.prod.example.com ([fe80::1]) by\n AM0PR01MB9999.eurprd01.prod.example.com ([fe80::1%11]) with mapi id\n 15.20.8207.13; Wed, 2 Dec 2026 13:00:00 +0000",
		want: Header{
			From: From{Name: "AM0PR01MB9999.eurprd01.prod.example.com", HELO: "AM0PR01MB9999.eurprd01.prod.example.com", IP: ip("fe80::1")},
			By:   "AM0PR01MB9999.eurprd01.prod.example.com", With: "mapi", ID: "15.20.8207.13",
			Date: date("Wed, 02 Dec 2026 13:00:00 +0000"),
		},
	},
	{
		name:  "exchange on-premises without TLS",
		value: "from mail.example.com (192.0.2.50) by exch.example.com (192.0.2.51) with Microsoft SMTP Server id\n 14.3.498.0; Wed, 2 Dec 2026 14:00:00 +0100",
		want: Header{
			From: From{Name: "mail.example.com", HELO: "mail.example.com", IP: ip("192.0.2.50")},
			By:   "exch.example.com", With: "Microsoft SMTP Server", ID: "14.3.498.0",
			Date: date("Wed, 02 Dec 2026 14:00:00 +0100"), TLS: No,
		},
	},
	{
		name: "gmail inbound",
		value: "from mail-sor-f41.example.net (mail-sor-f41.example.net. [203.0.113.41])\n" +
			"        by mx.example.com with SMTPS id a1b2c3d4e5f6sor1234567pfa.12.2026.12.02.05.00.00\n" +
			"        for <erin@example.com>\n        (Google Transport Security);\n" +
			"        Wed, 02 Dec 2026 05:00:00 -0800 (PST)",
		want: Header{
			From: From{Name: "mail-sor-f41.example.net", HELO: "mail-sor-f41.example.net", RDNS: "mail-sor-f41.example.net", IP: ip("203.0.113.41")},
			By:   "mx.example.com", With: "SMTPS", ID: "a1b2c3d4e5f6sor1234567pfa.12.2026.12.02.05.00.00", For: "erin@example.com",
			Date: date("Wed, 02 Dec 2026 05:00:00 -0800"), TLS: Yes, Authenticated: No,
		},
	},
	{
		name:  "gmail internal by an IPv6 address",
		value: "by 2001:db8:6a10:1234:b0:123:4567:89ab with SMTP id x12csp345678pxb;\n        Wed, 2 Dec 2026 05:00:01 -0800 (PST)",
		want: Header{
			By: "2001:db8:6a10:1234:b0:123:4567:89ab", With: "SMTP", ID: "x12csp345678pxb",
			Date: date("Wed, 02 Dec 2026 05:00:01 -0800"), TLS: No, Authenticated: No,
		},
	},
	{
		name:  "qmail from network",
		value: "from unknown (HELO mail.example.net) (192.0.2.60)\n  by mx.example.com with SMTP; 2 Dec 2026 13:30:00 -0000",
		want: Header{
			From: From{Name: "unknown", HELO: "mail.example.net", IP: ip("192.0.2.60")},
			By:   "mx.example.com", With: "SMTP", Date: date("Wed, 02 Dec 2026 13:30:00 +0000"), TLS: No, Authenticated: No,
		},
	},
	{
		name:  "qmail with rDNS and the TLS patch",
		value: "from gw.example.net (HELO relay.example.net) (198.51.100.61)\n  by mx.example.com with (DHE-RSA-AES256-GCM-SHA384 encrypted) SMTP; 2 Dec 2026 13:31:00 -0000",
		want: Header{
			From: From{Name: "gw.example.net", HELO: "relay.example.net", RDNS: "gw.example.net", IP: ip("198.51.100.61")},
			By:   "mx.example.com", With: "SMTP", Date: date("Wed, 02 Dec 2026 13:31:00 +0000"),
			TLS: Yes, TLSCipher: "DHE-RSA-AES256-GCM-SHA384", Authenticated: No,
		},
	},
	{
		name:  "qmail invoked by uid",
		value: "(qmail 12345 invoked by uid 89); 2 Dec 2026 13:29:59 -0000",
		want:  Header{Date: date("Wed, 02 Dec 2026 13:29:59 +0000")},
	},
	{
		name: "amazon ses submission",
		value: "from client.example.org (ec2-198-51-100-70.compute-1.example.net [198.51.100.70])\n" +
			" by email-smtp.example.com with SMTP (SimpleEmailService-d-ABCD1234E) id AbCdEfGhIjKlMnOp\n" +
			" for frank@example.com;\n Wed, 02 Dec 2026 13:40:00 +0000 (UTC)",
		want: Header{
			From: From{Name: "client.example.org", HELO: "client.example.org", RDNS: "ec2-198-51-100-70.compute-1.example.net", IP: ip("198.51.100.70")},
			By:   "email-smtp.example.com", With: "SMTP", ID: "AbCdEfGhIjKlMnOp", For: "frank@example.com",
			Date: date("Wed, 02 Dec 2026 13:40:00 +0000"), TLS: No, Authenticated: No,
		},
	},
	{
		name: "zimbra amavisd content filter",
		value: "from zimbra.example.com ([127.0.0.1])\n\tby localhost (zimbra.example.com [127.0.0.1]) (amavisd-new, port 10032)\n" +
			"\twith ESMTP id aBcDeFgHiJkL; Wed,  2 Dec 2026 14:40:01 +0100 (CET)",
		want: Header{
			From: From{Name: "zimbra.example.com", HELO: "zimbra.example.com", IP: ip("127.0.0.1")},
			By:   "localhost", With: "ESMTP", ID: "aBcDeFgHiJkL",
			Date: date("Wed, 02 Dec 2026 14:40:01 +0100"), TLS: No, Authenticated: No,
		},
	},
	{
		name:  "zimbra mailboxd LMTP delivery",
		value: "from mta.example.com (LHLO mta.example.com) (10.0.0.20)\n by store.example.com with LMTP; Wed, 2 Dec 2026 07:40:02 -0600 (CST)",
		want: Header{
			From: From{Name: "mta.example.com", HELO: "mta.example.com", RDNS: "mta.example.com", IP: ip("10.0.0.20")},
			By:   "store.example.com", With: "LMTP", Date: date("Wed, 02 Dec 2026 13:40:02 +0000"), TLS: No, Authenticated: No,
		},
	},
	{
		name: "courier id after the date, mapped IPv4",
		value: "from client.example.org (client.example.org [::ffff:198.51.100.80])\n" +
			"  (AUTH: LOGIN grace@example.org, TLS: TLSv1/SSLv3,256bits,AES256-GCM-SHA384)\n" +
			"  by mail.example.org with ESMTPSA; Wed, 02 Dec 2026 13:50:00 +0000\n  id 000A1B2C.5F6E7D8C.00004D2E",
		want: Header{
			From: From{Name: "client.example.org", HELO: "client.example.org", RDNS: "client.example.org", IP: ip("198.51.100.80")},
			By:   "mail.example.org", With: "ESMTPSA", ID: "000A1B2C.5F6E7D8C.00004D2E",
			Date: date("Wed, 02 Dec 2026 13:50:00 +0000"),
			TLS:  Yes, TLSVersion: "TLSv1/SSLv3", TLSCipher: "AES256-GCM-SHA384", Authenticated: Yes, AuthUser: "grace@example.org",
		},
	},
	{
		name: "opensmtpd TLS and auth",
		// smtp_session.c: "from %s (%s [%s])", "by %s (%s) with %sSMTP%s%s id %08x", " (%s:%s:%d:%s)", " auth=%s", " user=%s", "for <%s@%s>", ";\n\t%s"
		value: "from laptop.example.org (dsl.example.org [198.51.100.90])\n" +
			"\tby mail.example.org (OpenSMTPD) with ESMTPSA id 1a2b3c4d (TLSv1.3:TLS_AES_256_GCM_SHA384:256:NO) auth=yes user=heidi\n" +
			"\tfor <ivan@example.net>;\n\tWed, 2 Dec 2026 13:55:00 +0000 (UTC)",
		want: Header{
			From: From{Name: "laptop.example.org", HELO: "laptop.example.org", RDNS: "dsl.example.org", IP: ip("198.51.100.90")},
			By:   "mail.example.org", With: "ESMTPSA", ID: "1a2b3c4d", For: "ivan@example.net",
			Date: date("Wed, 02 Dec 2026 13:55:00 +0000"),
			TLS:  Yes, TLSVersion: "TLSv1.3", TLSCipher: "TLS_AES_256_GCM_SHA384", Authenticated: Yes, AuthUser: "heidi",
		},
	},
	{
		name:  "opensmtpd IPv6 without brackets",
		value: "from mx.example.net (mx.example.net 2001:db8::91)\n\tby mx.example.com (OpenSMTPD) with ESMTP id 0badcafe;\n\tWed, 2 Dec 2026 13:56:00 +0000 (UTC)",
		want: Header{
			From: From{Name: "mx.example.net", HELO: "mx.example.net", RDNS: "mx.example.net", IP: ip("2001:db8::91")},
			By:   "mx.example.com", With: "ESMTP", ID: "0badcafe", Date: date("Wed, 02 Dec 2026 13:56:00 +0000"), TLS: No, Authenticated: No,
		},
	},
	{
		name: "opensmtpd before 5.4: several ';'",
		value: "from relay.example.net (relay.example.net [192.0.2.92]);\n\tby mx.example.com (OpenSMTPD) with ESMTP id 4f5e6d7c;\n" +
			"\tTLS version=TLSv1/SSLv3 cipher=DHE-RSA-AES256-SHA bits=256 verify=NO;\n\tfor <judy@example.com>;\n\tWed, 2 Dec 2026 13:57:00 +0000 (UTC)",
		want: Header{
			From: From{Name: "relay.example.net", HELO: "relay.example.net", RDNS: "relay.example.net", IP: ip("192.0.2.92")},
			By:   "mx.example.com", With: "ESMTP", ID: "4f5e6d7c", For: "judy@example.com",
			Date: date("Wed, 02 Dec 2026 13:57:00 +0000"),
			TLS:  Yes, TLSVersion: "TLSv1/SSLv3", TLSCipher: "DHE-RSA-AES256-SHA", Authenticated: No,
		},
	},
	{
		name:  "RFC 5321 address-literal with TCP-info, via and msg-id",
		value: "FROM [192.0.2.100] (client.example.net [192.0.2.100]) BY mx.example.com VIA TCP WITH UTF8SMTPS ID <abc.123@mx.example.com> FOR <kim@example.com>; 2 Dec 2026 14:00 +0000",
		want: Header{
			From: From{Name: "[192.0.2.100]", HELO: "[192.0.2.100]", RDNS: "client.example.net", IP: ip("192.0.2.100")},
			By:   "mx.example.com", Via: "TCP", With: "UTF8SMTPS", ID: "<abc.123@mx.example.com>", For: "kim@example.com",
			Date: date("Wed, 02 Dec 2026 14:00:00 +0000"), TLS: Yes, Authenticated: No,
		},
	},
}

func ip(s string) netip.Addr { return netip.MustParseAddr(s) }

func TestParseMTAForms(t *testing.T) {
	for _, c := range mtaCases {
		t.Run(c.name, func(t *testing.T) {
			h, err := Parse(c.value)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if h.Raw != c.value {
				t.Errorf("Raw = %q, want the value as given", h.Raw)
			}
			got := *h
			got.Raw, got.Comments = "", nil
			want := c.want
			if want.From.Text == "" {
				want.From.Text = got.From.Text // checked below
			}
			if !got.Date.Equal(want.Date) {
				t.Errorf("Date = %v, want %v", got.Date, want.Date)
			}
			got.Date, want.Date = time.Time{}, time.Time{}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestParseFromText(t *testing.T) {
	// Text is the clause up to its TCP-info: a TLS or other comment after
	// it is not part of who connected.
	for _, c := range []struct{ in, want string }{
		{"from a.example.net (b.example.net [192.0.2.1]) (comment two)\n by c.example.com; 2 Dec 2026 14:00 +0000",
			"a.example.net (b.example.net [192.0.2.1])"},
		{mtaCases[0].value, "mail.example.net (mail.example.net [192.0.2.10])"},
		{"from x.example.net (HELO y.example.net) (192.0.2.2) by z; 2 Dec 2026 14:00 +0000", "x.example.net (HELO y.example.net) (192.0.2.2)"},
		{"from x.example.net (no address) by z; 2 Dec 2026 14:00 +0000", "x.example.net (no address)"},
	} {
		h, err := Parse(c.in)
		if err != nil {
			t.Fatal(err)
		}
		if h.From.Text != c.want {
			t.Errorf("From.Text = %q, want %q", h.From.Text, c.want)
		}
	}
	h, _ := Parse("from a.example.net (b.example.net [192.0.2.1]) (comment two) by c.example.com; 2 Dec 2026 14:00 +0000")
	if len(h.Comments) != 2 || h.Comments[1] != "comment two" {
		t.Errorf("Comments = %q", h.Comments)
	}
}

func TestParseErrors(t *testing.T) {
	for _, c := range []struct {
		value string
		kind  error
		col   int
	}{
		{"from a.example.net by b.example.com", ErrNoDate, 36},
		{"from a.example.net by b.example.com; yesterday", ErrBadDate, 38},
		{"from a.example.net by b.example.com;", ErrBadDate, 0},
		{"from a.example.net (unclosed [192.0.2.1] by b.example.com; 2 Dec 2026 14:00 +0000", ErrSyntax, 20},
		{"garbage words; 2 Dec 2026 14:00 +0000", ErrSyntax, 1},
		{"from a by b; 31 Feb 2026 14:00 +0000", ErrBadDate, 14},
		{"from a by b; 2 Dec 2026 25:00 +0000", ErrBadDate, 14},
		{"from; 2 Dec 2026 14:00:00 +0000", ErrSyntax, 5},
		{"", ErrNoDate, 1},
	} {
		h, err := Parse(c.value)
		if h == nil || h.Raw != c.value {
			t.Errorf("%q: header not kept: %+v", c.value, h)
		}
		var se *SyntaxError
		if !errors.As(err, &se) || !errors.Is(err, c.kind) {
			t.Errorf("%q: err = %v, want %v", c.value, err, c.kind)
			continue
		}
		if c.col != 0 && se.Col != c.col {
			t.Errorf("%q: col %d, want %d (%v)", c.value, se.Col, c.col, err)
		}
	}
}
