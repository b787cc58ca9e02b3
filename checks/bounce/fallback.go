package bounce

import (
	"strings"
)

// The fallback reader: a message no format reader recognises, that is
// nonetheless evidently a bounce, still yields its records. Evidence
// comes in three kinds, and two are needed (bounceEvidence):
//
//   - who sent it: the null reverse path "<>" that RFC 5321 §4.5.5 has
//     every notice use, a MAILER-DAEMON or postmaster address, or an
//     X-Failed-Recipients field;
//   - what it says it is: a Subject with a failure wording (in the
//     languages of failureSubjects);
//   - what it carries: the returned message or its header (RFC 3464
//     §2: message/rfc822, text/rfc822-headers; or the "copy of the
//     message" line of a plain-text notice), or a multipart/report
//     (RFC 6522).
//
// And the report itself must name a failure: an SMTP reply or enhanced
// status code, or the wording of one. An ordinary message fails these:
// a newsletter has none of the senders and no returned message, a
// person's reply quoting an error comes from the person ("Re:" and a
// real sender), a message about a parcel's "delivery failure" has only
// its Subject.

// failureSubjects are words of the Subjects notices have, lower case,
// as MTAs and providers write them in each language.
var failureSubjects = []string{
	// English (Postfix, Sendmail, Exim, qmail, Exchange, Domino, …)
	"undeliver", "undelivered", "delivery fail", "delivery status notification", "failure notice",
	"returned mail", "mail delivery", "delivery problem", "non-delivery", "nondeliver", "not delivered",
	"could not be delivered", "delivery error", "mail failure", "returned to sender", "delivery report",
	"rejected", "bounce", "failed delivery", "message not sent", "delivery notification",
	// German
	"unzustellbar", "nicht zustellbar", "zustellung fehlgeschlagen", "nicht zugestellt", "fehlgeschlagen",
	"unzustellbare", "übermittlungsfehler",
	// French
	"non remis", "non distribu", "échec de la remise", "echec de la remise", "échec de remise",
	"non délivré", "non delivre", "impossible de remettre", "retour de courrier", "erreur de distribution",
	// Spanish
	"no entregado", "no se pudo entregar", "no se puede entregar", "error de entrega", "imposible de entregar",
	"devuelto", "fallo en la entrega", "notificación de estado de entrega",
	// Italian
	"non recapitabile", "mancato recapito", "impossibile recapitare", "consegna non riuscita",
	"non consegnato", "errore di consegna", "recapito non riuscito",
	// Portuguese
	"não entregue", "nao entregue", "não foi possível entregar", "falha na entrega", "devolvida",
	"não pôde ser entregue", "mensagem devolvida",
	// Dutch
	"onbestelbaar", "niet afgeleverd", "niet bezorgd", "bezorging mislukt", "kon niet worden bezorgd",
	// Scandinavian, Polish, Czech, Turkish
	"kunde inte levereras", "olevererbart", "ikke levert", "kan ikke leveres", "niedostarczon",
	"nie można dostarczyć", "nedoručiteln", "teslim edilemedi",
	// Japanese
	"配送できません", "配信できません", "配信エラー", "配送エラー", "不達", "送信できませんでした",
	"届きませんでした", "配信失敗", "エラーメール", "返送", "配送失敗",
	// Chinese
	"退信", "无法投递", "投递失败", "未能送达", "无法送达", "發送失敗", "发送失败", "無法傳遞", "退回",
	// Russian
	"не доставлено", "недоставлен", "не может быть доставлено", "ошибка доставки", "не удалось доставить",
	"возврат", "уведомление о доставке",
}

// failureWords name a failure in a notice's text (lower case): the
// generic wordings, and the standard ones of the rejections themselves.
var failureWords = append([]string{
	"could not be delivered", "couldn't be delivered", "was not delivered", "wasn't delivered",
	"delivery has failed", "delivery failed", "delivery to the following", "permanent error",
	"permanent failure", "permanent fatal error", "temporary failure", "fatal error", "unable to deliver",
	"failed to deliver", "cannot be delivered", "can't be delivered", "undeliverable", "not be delivered",
	"user unknown", "unknown user", "no such user", "no such recipient", "does not exist", "doesn't exist",
	"mailbox unavailable", "mailbox is full", "mailbox full", "over quota", "quota exceeded",
	"recipient address rejected", "address rejected", "relay access denied", "relaying denied",
	"host not found", "host unknown", "domain not found", "no mx", "message too large", "too big",
	"exceeds size", "size limit", "rejected", "refused", "unrouteable", "unroutable", "not found",
	"invalid recipient", "invalid address", "retry timeout", "expired", "gave up", "giving up",
}, failureSubjects...)

// replyPrefixes start the Subject of a reply or a forward: a person's,
// not a server's.
var replyPrefixes = []string{"re:", "aw:", "sv:", "fwd:", "fw:", "tr:", "wg:", "rv:", "r:", "antw:", "vs:", "odp:", "ynt:", "回复:", "答复:", "返信:"}

// daemonLocals are the local parts notices come from, and that are never
// the recipient that failed.
var daemonLocals = []string{"mailer-daemon", "mailer_daemon", "maildaemon", "mail-daemon", "postmaster", "mailerdaemon"}

// copyMarks start the returned message in a plain-text notice, lower
// case (Exim's "------ This is a copy of the message", Sendmail's
// "----- Original message follows -----", qmail's "--- Below this line
// is a copy of the message.", OpenSMTPD's "Below is a copy of the
// original message:", Exchange's and Domino's "Original message").
var copyMarks = []string{"copy of the message", "copy of the original", "original message follows",
	"below this line is a copy", "original message headers", "headers of the original", "original message:",
	"----- original message", "-----original message-----", "message headers follow", "returned message"}

// maxFallbackRecipients bounds the recipients read from a notice's text,
// so that a hostile one costs no more than its size (each is looked for
// in every paragraph).
const maxFallbackRecipients = 200

// readFallback reads an evident bounce that matched no format: the
// recipients named near the failure wording, each with the text around
// it as the diagnostic.
func readFallback(m *message) *found {
	report, original := splitOriginal(m.body)
	if original == "" {
		report, original = splitAtCopyMark(report)
	}
	low := strings.ToLower(report)
	if !bounceEvidence(m, low, original != "") {
		return nil
	}
	orig := originalHeader(original)
	skip := notRecipients(m.header, orig)
	var list []delivery
	seen := map[string]int{}
	add := func(a, diag string) {
		a = normalizeRecipient(a)
		k := strings.ToLower(a)
		if i, ok := seen[k]; ok {
			// A later paragraph with the SMTP reply says more (Exchange's
			// "Diagnostic information for administrators").
			if d := &list[i]; !smtpReplyIn(d.diagnosis) && smtpReplyIn(diag) {
				d.diagnosis = diag
			}
			return
		}
		if !isAddress(a) || skip(a) || len(list) >= maxFallbackRecipients {
			return
		}
		seen[k] = len(list)
		list = append(list, delivery{recipient: a, diagnosis: diag})
	}
	blocks := paragraphs(report)
	// X-Failed-Recipients (Exim and others) names them outright.
	for _, a := range strings.Split(m.header.Get("x-failed-recipients"), ",") {
		if len(list) >= maxFallbackRecipients {
			break
		}
		add(strings.TrimSpace(a), failureBlock(blocks, strings.TrimSpace(a)))
	}
	if len(list) == 0 {
		// Addresses in the paragraphs that name a failure, then in the
		// paragraph just before one (the "could not be delivered to:"
		// line is often followed by the address alone).
		for i, b := range blocks {
			if !namesFailure(strings.ToLower(b)) {
				continue
			}
			for _, a := range addressesIn(b) {
				add(a, sweep(b))
			}
			if len(list) == 0 && i+1 < len(blocks) {
				for _, a := range addressesIn(blocks[i+1]) {
					add(a, sweep(b+" "+blocks[i+1]))
				}
			}
		}
	}
	if len(list) == 0 {
		// The returned message's one recipient, when it has one.
		if to := strings.Split(orig.Text("to"), ","); len(to) == 1 {
			add(addressIn(to[0]), firstFailure(blocks))
		}
	}
	if len(list) == 0 {
		return nil
	}
	for i := range list {
		d := &list[i]
		if len(d.diagnosis) > 1000 {
			d.diagnosis = d.diagnosis[:1000]
		}
		d.command = findCommand(d.diagnosis)
		d.replyCode = findReply(d.diagnosis, "")
		d.status = findStatus(d.diagnosis, d.replyCode)
	}
	return &found{list: list, original: original}
}

// bounceEvidence decides whether a message is a bounce (see the top of
// this file). low is the report text in lower case; returned says
// whether the original message came back.
func bounceEvidence(m *message, low string, returned bool) bool {
	nullSender := strings.TrimSpace(m.header.Get("return-path")) == "<>"
	daemon := nullSender || isDaemon(addressIn(m.header.Text("from"))) || m.header.Has("x-failed-recipients")
	subj := strings.ToLower(strings.TrimSpace(m.subject()))
	if !daemon && (prefixAny(subj, replyPrefixes...) || m.header.Has("list-unsubscribe") || m.header.Has("list-id")) {
		// A person's reply or forward, or a mailing list's post.
		return false
	}
	failSubject := !prefixAny(subj, replyPrefixes...) && hasAny(subj, failureSubjects...)
	report := returned || strings.HasPrefix(strings.ToLower(m.header.Get("content-type")), "multipart/report")
	n := 0
	for _, e := range []bool{daemon, failSubject, report} {
		if e {
			n++
		}
	}
	return n >= 2 && (smtpReplyIn(low) || namesFailure(low))
}

// namesFailure reports whether lower-case text has a failure wording.
func namesFailure(low string) bool {
	return hasAny(low, failureWords...) || smtpReplyIn(low)
}

// smtpReplyIn reports whether text has an SMTP failure reply: a 4xx or
// 5xx code (RFC 5321 §4.2) at the start of a line or after ":" or
// "said", followed by a space or "-" and text, or an enhanced status
// code of class 4 or 5 (RFC 3463).
func smtpReplyIn(text string) bool {
	if findStatus(text, "5") != "" || findStatus(text, "4") != "" {
		return true
	}
	for i := 0; i+4 < len(text); i++ {
		c := text[i]
		if c != '4' && c != '5' || !isDigit(text[i+1]) || !isDigit(text[i+2]) {
			continue
		}
		if sep := text[i+3]; sep != ' ' && sep != '-' {
			continue
		}
		if i > 0 {
			p := text[i-1]
			if p != '\n' && p != ' ' && p != ':' && p != '(' && p != '#' {
				continue
			}
			if p == ' ' && i > 1 && text[i-2] != ':' && !strings.HasSuffix(text[:i-1], "said") {
				continue
			}
		}
		if n := text[i+4]; n >= 'a' && n <= 'z' || n == '<' || n == '#' || n >= 'A' && n <= 'Z' {
			return true
		}
	}
	return false
}

// isDaemon reports whether an address is a mail system's own.
func isDaemon(a string) bool {
	local, _, ok := strings.Cut(strings.ToLower(a), "@")
	if !ok {
		local = strings.ToLower(a)
	}
	for _, d := range daemonLocals {
		if local == d {
			return true
		}
	}
	return false
}

// notRecipients returns the test for the addresses a notice names that
// are not the failed recipient: the notice's own From, To, Cc, Reply-To
// and Return-Path, the returned message's sender, and the mail system's
// addresses.
func notRecipients(h, orig header) func(string) bool {
	own := map[string]bool{}
	note := func(hd header, names ...string) {
		for _, name := range names {
			for _, a := range addressesIn(hd.Text(name)) {
				own[strings.ToLower(normalizeRecipient(a))] = true
			}
		}
	}
	note(h, "from", "to", "cc", "reply-to", "return-path", "sender")
	note(orig, "from", "reply-to", "return-path", "sender")
	return func(a string) bool {
		return own[strings.ToLower(a)] || isDaemon(a)
	}
}

// addressesIn returns the addresses in s in order: those in angle
// brackets and bare words with an "@".
func addressesIn(s string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(s, func(r rune) bool {
		return r == ' ' || r == ',' || r == ';' || r == '\t' || r == '\n' || r == '<' || r == '>' ||
			r == '(' || r == ')' || r == '[' || r == ']' || r == '"' || r == '\''
	}) {
		w = strings.TrimRight(strings.TrimLeft(w, "<:"), ".:>")
		if c := cleanAddress(w); strings.Contains(c, "@") && isAddress(c) && isHostName(c[strings.LastIndexByte(c, '@')+1:]) {
			out = append(out, c)
		}
	}
	return out
}

// paragraphs splits text at blank lines; MIME boilerplate lines go.
func paragraphs(text string) []string {
	var out []string
	var cur []string
	for _, l := range strings.Split(text, "\n") {
		if strings.TrimSpace(l) == "" {
			if len(cur) > 0 {
				out = append(out, strings.Join(cur, "\n"))
				cur = cur[:0]
			}
			continue
		}
		if prefixAny(l, leadSkip...) && !strings.HasPrefix(l, "--- ") {
			continue
		}
		cur = append(cur, l)
	}
	if len(cur) > 0 {
		out = append(out, strings.Join(cur, "\n"))
	}
	return out
}

// failureBlock is the paragraph that names address a, or the first that
// names a failure.
func failureBlock(blocks []string, a string) string {
	if a == "" {
		return ""
	}
	for _, b := range blocks {
		if strings.Contains(strings.ToLower(b), strings.ToLower(a)) && namesFailure(strings.ToLower(b)) {
			return sweep(b)
		}
	}
	return firstFailure(blocks)
}

// firstFailure is the first paragraph that names a failure, on one line.
func firstFailure(blocks []string) string {
	for _, b := range blocks {
		if namesFailure(strings.ToLower(b)) {
			return sweep(b)
		}
	}
	return ""
}

// splitAtCopyMark cuts a plain-text notice at the line that introduces
// the returned message (copyMarks).
func splitAtCopyMark(report string) (string, string) {
	low := strings.ToLower(report)
	best := -1
	for _, mk := range copyMarks {
		if i := strings.Index(low, mk); i >= 0 && (best < 0 || i < best) {
			best = i
		}
	}
	if best < 0 {
		return report, ""
	}
	start := strings.LastIndexByte(report[:best], '\n') + 1
	rest := report[best:]
	if i := strings.IndexByte(rest, '\n'); i >= 0 {
		rest = rest[i+1:]
	} else {
		rest = ""
	}
	return report[:start], strings.TrimLeft(rest, "\n")
}
