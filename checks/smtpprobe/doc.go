// Package smtpprobe probes SMTP servers the way a careful sender would,
// without ever sending a message: the greeting and EHLO extensions
// (RFC 5321), STARTTLS (RFC 3207) or implicit TLS (RFC 8314 §3.3), the
// TLS version, cipher and key exchange, the certificate (RFC 5280
// validity, RFC 6125 name matching), AUTH offered in clear text
// (RFC 4954 §4) and, when asked, whether the server relays for strangers.
//
// ProbeAddr runs one dialogue with one address and port and returns a
// Probe; Check turns a Probe into a checks.Result with findings;
// CheckTarget and RunAll do the same for the HOST[:PORT] targets of
// "relayctl check smtp": every address of the host, every port, at once.
//
// Every step has its own deadline and every reply is bounded in line
// length and line count, so a server that stalls, floods or talks garbage
// ends the probe within the timeout with a finding. The probe always ends
// with QUIT when the connection still allows it.
package smtpprobe
