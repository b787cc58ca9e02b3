package dkim

import (
	"errors"
	"strings"

	"github.com/relayctl/relayctl/checks"
)

// judgeKey parses one key record found at a selector and judges it.
func (c *checker) judgeKey(a answer, via, txt string) {
	k, err := ParseKey(txt)
	key := Key{
		Selector: a.selector, Name: a.name, ViaCNAME: via, KeyType: k.KeyType, KeyBits: k.Bits,
		Encoding: k.Encoding, Flags: orEmpty(k.Flags), HashAlgs: orEmpty(k.HashAlgs), Services: k.Services,
		Revoked: k.Revoked, Valid: err == nil, Record: txt,
	}
	if err != nil {
		key.Error = checks.Message(err)
	}
	c.data.Keys = append(c.data.Keys, key)
	where := a.name
	if via != "" {
		where += " (via " + via + ")"
	}

	var es Errors
	errors.As(err, &es)
	for _, e := range es {
		if errors.Is(e, ErrUnsupportedKeyType) {
			c.add(finding(CodeUnsupportedKey, checks.SeverityFail, refKeyRecord,
				"Use k=rsa (2048 bits) or k=ed25519.",
				"%s: key type %q is not one verifiers know, so signatures with this key never verify", where, k.KeyType))
			continue
		}
		c.add(finding(CodeSyntax, checks.SeverityFail, syntaxRef(e), syntaxHint(e),
			"%s: %s", where, e.Message()))
	}
	if k.Revoked {
		sev := checks.SeverityInfo
		if c.named {
			sev = checks.SeverityWarn
		}
		c.add(finding(CodeKeyRevoked, sev, refKeyRecord,
			"Nothing to do if the key was retired on purpose; otherwise publish the current public key, or stop signing with this selector.",
			"%s: the key is revoked (empty p=), so signatures with selector %s fail", where, a.selector))
	}
	if k.KeyType == KeyRSA && k.Bits > 0 {
		switch {
		case k.Bits < minKeyBits:
			c.add(finding(CodeWeakKey, checks.SeverityFail, refKeySize,
				"Generate a 2048-bit RSA key, publish it under a new selector and switch signing to it.",
				"%s: %d-bit RSA key; verifiers reject signatures from keys under 1024 bits", where, k.Bits))
		case k.Bits < goodKeyBits:
			c.add(finding(CodeWeakKey, checks.SeverityWarn, refKeySize,
				"Generate a 2048-bit RSA key, publish it under a new selector and switch signing to it.",
				"%s: %d-bit RSA key; 2048 bits is the recommended minimum", where, k.Bits))
		case k.Bits > maxVerifiableKeyBits:
			c.add(finding(CodeKeyTooLarge, checks.SeverityWarn, refKeySize,
				"Use a 2048-bit key (or at most 4096).",
				"%s: %d-bit RSA key; verifiers need only handle up to 4096 bits, so some will not verify it", where, k.Bits))
		}
	}
	if k.Encoding == EncodingPKCS1 {
		c.add(finding(CodePKCS1Encoding, checks.SeverityInfo, refPKCS1,
			"Publish the key as a SubjectPublicKeyInfo (openssl rsa -pubout) for the widest support.",
			"%s: the RSA key is a bare RSAPublicKey, not the SubjectPublicKeyInfo RFC 6376 asks for; most verifiers accept it", where))
	}
	if k.HashAlgs != nil && !k.AllowsHash("sha256") {
		if k.AllowsHash("sha1") {
			c.add(finding(CodeSHA1, checks.SeverityFail, refSHA1,
				"Remove h= (or set h=sha256) and sign with rsa-sha256.",
				"%s: h=%s allows only SHA-1, which verifiers no longer accept, so no signature with this key verifies", where, strings.Join(k.HashAlgs, ":")))
		} else {
			c.add(finding(CodeHashUnsupported, checks.SeverityFail, refKeyRecord,
				"Remove h= or set h=sha256.",
				"%s: h=%s lists no hash algorithm verifiers support (sha256)", where, strings.Join(k.HashAlgs, ":")))
		}
	}
	if !k.ForEmail() {
		c.add(finding(CodeServiceNotEmail, checks.SeverityFail, refKeyRecord,
			"Remove s= or set s=email.",
			"%s: s=%s does not include email, so the key cannot verify mail", where, strings.Join(k.Services, ":")))
	}
	if k.HasFlag("y") {
		c.add(finding(CodeTestMode, checks.SeverityWarn, refKeyRecord,
			"Remove t=y once signing works; in test mode verifiers may treat signed mail as unsigned.",
			"%s: t=y, the domain is testing DKIM", where))
	}
}

func syntaxRef(e *SyntaxError) string {
	if strings.Contains(e.Msg, "duplicate") || e.Tag == "" {
		return refTagList
	}
	if strings.Contains(e.Msg, "RFC 8463") || strings.Contains(e.Msg, "Ed25519") {
		return refEd25519
	}
	return refKeyRecord
}

func syntaxHint(e *SyntaxError) string {
	switch e.Tag {
	case "p":
		return "Publish the public key exactly as the signing service or `openssl rsa -pubout` gives it, base64 without the PEM header lines."
	case "v":
		return "Start the record with v=DKIM1; or leave v out."
	case "h":
		return "Use h=sha256, or remove h."
	}
	if strings.Contains(e.Msg, "duplicate") {
		return "Keep one of the duplicated tags; a key record with a repeated tag is invalid."
	}
	return "Correct the record as RFC 6376 §3.6.1 defines it."
}
