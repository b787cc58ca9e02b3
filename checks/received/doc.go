// Package received reads the trace a message carries (RFC 5321 §4.4,
// RFC 5322 §3.6.7): the Received header fields that every relay on the
// way prepends, the Return-Path the final delivery adds, and the
// Received-SPF field of RFC 7208 §9.1.
//
// Parse reads one Received field in the RFC's Time-stamp-line form and in
// the forms real MTAs write instead (Postfix, Exim, Sendmail, Exchange and
// Office 365, Gmail, qmail, Amazon SES, Zimbra and its amavisd, Courier,
// OpenSMTPD). BuildPath (or PathOf) turns the fields of one message into
// its delivery path, oldest hop first, with the delay of every hop; the
// finding helpers (Slowest, Delayed, NegativeDelays, FutureDate,
// FutureHops, ClearBetweenTLS, Unparsed) are pure functions of a Path.
// TraceFacts picks the SMTP facts of the receiving hop — client address,
// HELO name, MAIL FROM, Received-SPF — and says which field each came
// from.
//
// A field that cannot be read is never dropped: Parse returns what it
// could read together with a *SyntaxError carrying the position, and
// BuildPath keeps such a field as a hop whose Err is set.
package received
