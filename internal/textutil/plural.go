package textutil

import "strconv"

// Plural is one when n is 1 and many otherwise: the word alone.
func Plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Count is n followed by the word for it: "1 record", "3 records".
func Count(n int, one, many string) string {
	return strconv.Itoa(n) + " " + Plural(n, one, many)
}
