package address

import "strings"

// providers are the domains of the big mailbox providers that people
// mistype. A suggestion is only ever one of these: an unknown domain is
// never "corrected" into another unknown one.
var providers = []string{
	"gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.uk", "yahoo.fr", "ymail.com",
	"hotmail.com", "hotmail.co.uk", "hotmail.fr", "outlook.com", "live.com", "msn.com",
	"icloud.com", "me.com", "mac.com", "aol.com", "protonmail.com", "proton.me",
	"gmx.com", "gmx.de", "gmx.net", "web.de", "t-online.de", "yandex.ru", "mail.ru",
	"comcast.net", "verizon.net", "att.net", "orange.fr", "free.fr", "laposte.net",
	"libero.it", "qq.com", "163.com", "126.com", "naver.com", "zoho.com", "fastmail.com",
}

// Suggest returns the provider domain that domain (A-labels, lower case)
// looks like a typo of, or "". The distance is the optimal string
// alignment distance (edits, and swaps of neighbours: gmial → gmail);
// at most 1 edit for names of up to 6 characters, 2 beyond, and the
// closest provider must be the only one at that distance.
func Suggest(domain string) string {
	domain = strings.ToLower(domain)
	best, bestD, ties := "", 1<<30, 0
	for _, p := range providers {
		if p == domain {
			return ""
		}
		d := osa(domain, p)
		switch {
		case d < bestD:
			best, bestD, ties = p, d, 1
		case d == bestD:
			ties++
		}
	}
	limit := 2
	if len(domain) <= 6 {
		limit = 1
	}
	if bestD > limit || ties != 1 {
		return ""
	}
	return best
}

// osa is the optimal string alignment distance between a and b, in bytes
// (both are A-labels).
func osa(a, b string) int {
	if d := len(a) - len(b); d > 3 || d < -3 {
		return 4 // far enough: never a suggestion
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
