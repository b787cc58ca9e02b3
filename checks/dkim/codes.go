package dkim

import "github.com/relayctl/relayctl/checks"

// Name is the check's Result.Name.
const Name = "dkim"

// Codes is every finding code the dkim check emits, in the order of the
// "Finding codes" table of docs/dkim.md, which a test holds to it.
func Codes() []checks.CodeDoc {
	return []checks.CodeDoc{
		{Code: "dkim.no-key-found", Severity: "info",
			Meaning: "none of the common selectors has a key",
			Fix:     "pass `--selector` with the `s=` of a DKIM-Signature"},
		{Code: "dkim.selector-missing", Severity: "fail",
			Meaning: "a named selector has no TXT record",
			Fix:     "publish the key, or check the selector's spelling"},
		{Code: "dkim.not-a-key", Severity: "fail",
			Meaning: "a named selector has TXT records, none a DKIM key",
			Fix:     "publish the key record"},
		{Code: "dkim.selector-invalid", Severity: "fail",
			Meaning: "a named selector is not a valid DNS name",
			Fix:     "use labels of letters, digits, hyphens"},
		{Code: "dkim.cname-dangling", Severity: "fail (named) / warn (probed)",
			Meaning: "the selector is a CNAME to a name without a key (a provider that was left)",
			Fix:     "fix or delete the CNAME"},
		{Code: "dkim.syntax", Severity: "fail",
			Meaning: "the key record is malformed (column and tag in the message)",
			Fix:     "republish the record as the provider gives it"},
		{Code: "dkim.unsupported-key-type", Severity: "fail",
			Meaning: "`k=` is neither `rsa` nor `ed25519`",
			Fix:     "use `k=rsa` or `k=ed25519`"},
		{Code: "dkim.multiple-records", Severity: "fail",
			Meaning: "several key records at one selector (RFC 6376 §3.6.2.2)",
			Fix:     "keep one per selector"},
		{Code: "dkim.weak-key", Severity: "fail under 1024 bits, warn under 2048",
			Meaning: "RSA key too short (RFC 8301 §3.2)",
			Fix:     "new 2048-bit key under a new selector"},
		{Code: "dkim.key-too-large", Severity: "warn",
			Meaning: "RSA key over 4096 bits: verifiers need not handle it (RFC 8301 §3.2)",
			Fix:     "use 2048 bits"},
		{Code: "dkim.sha1", Severity: "fail",
			Meaning: "`h=` allows only SHA-1, which verifiers reject (RFC 8301 §3.1)",
			Fix:     "remove `h=` or set `h=sha256`"},
		{Code: "dkim.hash-unsupported", Severity: "fail",
			Meaning: "`h=` lists no algorithm verifiers support",
			Fix:     "remove `h=` or set `h=sha256`"},
		{Code: "dkim.service-not-email", Severity: "fail",
			Meaning: "`s=` excludes email",
			Fix:     "remove `s=` or set `s=email`"},
		{Code: "dkim.key-revoked", Severity: "warn (named) / info (probed)",
			Meaning: "empty `p=`: the key is revoked",
			Fix:     "nothing if retired on purpose; else publish the key"},
		{Code: "dkim.test-mode", Severity: "warn",
			Meaning: "`t=y`: verifiers may treat signed mail as unsigned",
			Fix:     "remove `t=y`"},
		{Code: "dkim.ed25519-only", Severity: "warn",
			Meaning: "every usable key is Ed25519, which many receivers do not verify yet",
			Fix:     "also sign with RSA"},
		{Code: "dkim.pkcs1-encoding", Severity: "info",
			Meaning: "the RSA key is a bare RSAPublicKey, not SubjectPublicKeyInfo",
			Fix:     "publish `openssl rsa -pubout` output"},
		{Code: "dkim.lookup-failed", Severity: "info",
			Meaning: "some common-selector queries failed while keys were found",
			Fix:     "run again"},
	}
}
