package fetchmsg

import (
	"errors"
	"fmt"
	"testing"

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/fetch"
)

func TestCause(t *testing.T) {
	for _, c := range []struct {
		err  error
		want string
	}{
		{nil, ""},
		{&fetch.Error{URL: "https://a.example/", Stage: fetch.StageDNS, Err: checks.NewError("fetch", fetch.ErrNoAddress, "the host name has no address: a.example: no A or AAAA")}, "the host name has no address: a.example: no A or AAAA"},
		{&fetch.Error{URL: "https://a.example/", Stage: fetch.StageTLS, Err: checks.NewError("fetch", fetch.ErrCertificate, "certificate not valid for the host: expired")}, "certificate not valid for the host: expired"},
		{fmt.Errorf("wrapped: %w", &fetch.Error{Stage: fetch.StageHTTP, Err: errors.New("connection reset")}), "connection reset"},
		{errors.New("plain"), "plain"},
	} {
		if got := Cause(c.err); got != c.want {
			t.Errorf("Cause(%v) = %q, want %q", c.err, got, c.want)
		}
	}
}
