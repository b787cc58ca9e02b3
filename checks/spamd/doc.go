// Package spamd asks a running SpamAssassin daemon (spamd) what it thinks
// of a message, over the SPAMC/SPAMD protocol that spamc speaks (SPAMC/1.5,
// described in SpamAssassin's spamd/PROTOCOL): a request line, a
// Content-length header, an optional User header, a blank line and the
// message; then a status line ("SPAMD/1.1 0 EX_OK", or a sysexits code
// and its text), the "Spam: True ; 17.1 / 5.0" header and, for REPORT,
// the report text whose table lists every rule that hit.
//
// Client.Report sends a REPORT request and returns a Report: the spam
// verdict, the score, the threshold and each rule hit with its points,
// name and description (descriptions that spamd wraps over several lines
// are joined). Client.Ping checks that the daemon answers. Check turns a
// scan into a checks.Result for "relayctl check message --spamd".
//
// No Go library for the protocol was a fit: none has changed since 2022,
// and the best kept of them reads replies without bounds and applies the
// context to the dial only, so this package holds its own small client. Everything it reads is bounded
// (a line, the header count, the report size) and the whole exchange has
// one deadline that the context can cut short, so a server that stalls,
// floods or talks garbage ends the request with a typed error: ErrTimeout,
// ErrProtocol, or a *ServerError (kind ErrServer) for an EX_ reply such as
// "SPAMD/1.0 76 Bad header line".
//
// Like spamc, the client does not send a message larger than MaxSize
// (500 KB, spamc's default --max-size): sites that run spamc with its
// defaults do not scan such a message at all, so neither does this
// client. Report returns a *TooLargeError (kind ErrTooLarge) without
// connecting; Check reports it as spamd.not-scanned.
//
// Findings (Check):
//   - spamd.spam (fail): spamd's verdict is spam: the score is at or over
//     the threshold.
//   - spamd.score (info): the score, under the threshold.
//   - spamd.rule (info): one per rule hit, with its points and
//     description, in the order spamd lists them.
//   - spamd.not-scanned (warn): the message is over the size limit and
//     was not sent.
package spamd
