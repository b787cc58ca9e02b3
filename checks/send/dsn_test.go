package send

import "testing"

func TestXtext(t *testing.T) {
	for in, want := range map[string]string{
		"QQ314159":  "QQ314159",
		"a+b=c d":   "a+2Bb+3Dc+20d",
		"x\x7fé":    "x+7F+C3+A9",
		"<id@host>": "<id@host>",
	} {
		if got := xtext(in); got != want {
			t.Errorf("xtext(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseDSN(t *testing.T) {
	for in, want := range map[string]string{"never": "NEVER", "success,failure,delay": "SUCCESS,FAILURE,DELAY", " Failure , failure": "FAILURE"} {
		if got, err := ParseDSNNotify(in); err != nil || got != want {
			t.Errorf("%q: %q %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "never,success", "always", "success,,failure"} {
		if _, err := ParseDSNNotify(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if v, err := ParseDSNRet("hdrs"); err != nil || v != "HDRS" {
		t.Errorf("hdrs: %q %v", v, err)
	}
	if _, err := ParseDSNRet("body"); err == nil {
		t.Error("body accepted")
	}
	if CheckEnvID("ok-123") != nil || CheckEnvID("") == nil || CheckEnvID("a\x00b") == nil || CheckEnvID(string(make([]byte, 101))) == nil {
		t.Error("CheckEnvID")
	}
	for _, bad := range []string{"data", "", "quit"} {
		if _, err := ParseQuitAfter(bad); err == nil {
			t.Errorf("--quit-after %q accepted", bad)
		}
	}
}
