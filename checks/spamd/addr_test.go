package spamd

import (
	"errors"
	"testing"
)

func TestParseAddr(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"127.0.0.1:783", "127.0.0.1:783"},
		{"127.0.0.1", "127.0.0.1:783"},
		{"localhost", "localhost:783"},
		{"spamd.internal:10783", "spamd.internal:10783"},
		{"[::1]:42783", "[::1]:42783"},
		{"[::1]", "[::1]:783"},
		{"[127.0.0.1]:783", "127.0.0.1:783"},
		{"::1", "[::1]:783"},
		{"2001:db8::25", "[2001:db8::25]:783"},
		{"[2001:db8::25]:0783", "[2001:db8::25]:783"},
		{"[fe80::1%eth0]:783", "[fe80::1%eth0]:783"},
		{"", ""},
		{"host:", ""},
		{":783", ""},
		{"host:0", ""},
		{"host:65536", ""},
		{"host:http", ""},
		{"[not-v6]:783", ""},
		{"a b:783", ""},
		{"host:783\n", ""},
		{"1.2.3.4:5:6", ""},
	} {
		got, err := ParseAddr(tc.in)
		if tc.want == "" {
			if err == nil || !errors.Is(err, ErrBadInput) {
				t.Errorf("%q: %q, %v; want an ErrBadInput", tc.in, got, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%q: %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}
