package spamd

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseTable(t *testing.T) {
	sep := "---- ---------------------- --------------------------------------------------\n"
	for _, tc := range []struct {
		name  string
		text  string
		rules []Rule
		table bool
	}{
		{"no table", "Just some text.\n-0.0 NO_RELAYS Informational\n", nil, false},
		{"empty table", " pts rule name              description\n" + sep + "\n", []Rule{}, true},
		{"translated header", "Pkte Regelname              Beschreibung\n" + sep +
			" 0.5 SUBJ_ALL_CAPS          Betreff ist komplett in Großbuchstaben\n",
			[]Rule{{"SUBJ_ALL_CAPS", 0.5, "Betreff ist komplett in Großbuchstaben"}}, true},
		{"CRLF", sep[:len(sep)-1] + "\r\n 1.2 A_RULE                 one\r\n                            two\r\n\r\n-1.0 LATER later\r\n",
			[]Rule{{"A_RULE", 1.2, "one two"}}, true},
		{"garbage row ends the table", sep + " 1.0 FIRST                  ok\nnot a row at all\n 2.0 SECOND second\n",
			[]Rule{{"FIRST", 1, "ok"}}, true},
		{"bad points end the table", sep + " 1.0 FIRST                  ok\n 1e9 EXP                    no exponents\n",
			[]Rule{{"FIRST", 1, "ok"}}, true},
		{"bad name ends the table", sep + " 1.0 FIRST                  ok\n 1.0 BAD-NAME               dashes\n",
			[]Rule{{"FIRST", 1, "ok"}}, true},
		{"continuation before any row", sep + "                            orphan\n 1.0 FIRST ok\n", []Rule{}, true},
		{"wider columns", "------ -------------------------------- ----------\n" +
			"   2.5 A_RULE_WITH_A_LONG_NAME_HERE     first line\n" +
			"        second line\n" +
			"  -0.5 NEG                              negative\n",
			[]Rule{{"A_RULE_WITH_A_LONG_NAME_HERE", 2.5, "first line second line"}, {"NEG", -0.5, "negative"}}, true},
		{"invalid UTF-8 in a description", sep + " 1.0 LATIN1                 caf\xe9\n", []Rule{{"LATIN1", 1, "caf?"}}, true},
		{"two dash runs are no table", "---- ----\n 1.0 A b\n", nil, false},
		{"dashes with text are no table", "---- ---- --- x\n 1.0 A b\n", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rules, ok := parseTable(tc.text)
			if ok != tc.table || !reflect.DeepEqual(rules, tc.rules) {
				t.Errorf("got %v %+v, want %v %+v", ok, rules, tc.table, tc.rules)
			}
		})
	}
}

func TestParseSpamHeader(t *testing.T) {
	for _, tc := range []struct {
		in               string
		ok, spam         bool
		score, threshold float64
	}{
		{"True ; 1000.0 / 5.0", true, true, 1000, 5},
		{"False ; -0.0 / 5.0", true, false, 0, 5},
		{"false;2/5", true, false, 2, 5},
		{"Yes ; 15 / 5", true, true, 15, 5},
		{"No ; 2.5 / 7.5", true, false, 2.5, 7.5},
		{"True ; 15", false, false, 0, 0},
		{"True 15 / 5", false, false, 0, 0},
		{"Perhaps ; 1 / 5", false, false, 0, 0},
		{"True ; 0x10 / 5", false, false, 0, 0},
		{"True ; 1e3 / 5", false, false, 0, 0},
		{"True ; Inf / 5", false, false, 0, 0},
		{"True ; 1. / 5", true, true, 1, 5},
		{"True ; . / 5", false, false, 0, 0},
		{"True ; 5 / ", false, false, 0, 0},
	} {
		h, err := parseSpamHeader(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("%q: error %v", tc.in, err)
			continue
		}
		if tc.ok && (h.spam != tc.spam || h.score != tc.score || h.threshold != tc.threshold) {
			t.Errorf("%q: %+v", tc.in, *h)
		}
	}
}

func TestParseStatus(t *testing.T) {
	for _, tc := range []struct {
		line, version, text, err string
	}{
		{"SPAMD/1.1 0 EX_OK", "1.1", "EX_OK", ""},
		{"SPAMD/1.5 0 PONG", "1.5", "PONG", ""},
		{"SPAMD/1.12 0", "1.12", "", ""},
		{"SPAMD/1.0 76 Bad header line: x", "", "", "spamd answered 76 (EX_PROTOCOL): Bad header line: x"},
		{"SPAMC/1.5 0 EX_OK", "", "", "not a spamd reply"},
		{"SPAMD/1 0 EX_OK", "", "", "unsupported protocol version SPAMD/1 "},
		{"SPAMD/1.x 0 EX_OK", "", "", "unsupported protocol version"},
		{"SPAMD/0.9 0 EX_OK", "", "", "unsupported protocol version"},
		{"SPAMD/1.1 -1 EX_OK", "", "", "bad status code"},
		{"SPAMD/1.1 1000 EX_OK", "", "", "bad status code"},
		{"SPAMD/1.1", "", "", "bad status code"},
		{"", "", "", "not a spamd reply"},
	} {
		r, err := parseStatus(tc.line)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: error %v, want %q", tc.line, err, tc.err)
			}
			continue
		}
		if err != nil || r.version != tc.version || r.text != tc.text {
			t.Errorf("%q: %+v %v", tc.line, r, err)
		}
	}
}
