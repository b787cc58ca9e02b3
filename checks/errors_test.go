package checks

import (
	"errors"
	"fmt"
	"testing"
)

var errBad = errors.New("pkg: bad input")

func TestErrorTextAndMessage(t *testing.T) {
	cause := &Error{Pkg: "inner", Msg: "col 3: unknown mechanism"}
	e := WrapError("outer", errBad, "reading the record", cause)
	if got, want := e.Error(), "outer: reading the record: inner: col 3: unknown mechanism"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if got, want := Message(e), "reading the record: col 3: unknown mechanism"; got != want {
		t.Errorf("Message() = %q, want %q", got, want)
	}
	if !errors.Is(e, errBad) {
		t.Error("errors.Is(e, Kind) = false")
	}
	if !errors.Is(e, cause) {
		t.Fatal("errors.Is did not walk to the cause")
	}
	// A foreign cause is shown as it is.
	f := WrapError("x", nil, "opening the file", fmt.Errorf("open a: no such file"))
	if got, want := Message(f), "opening the file: open a: no such file"; got != want {
		t.Errorf("Message() = %q, want %q", got, want)
	}
	if Message(nil) != "" {
		t.Error("Message(nil) not empty")
	}
	if got := Message(NewError("p", nil, "just this")); got != "just this" {
		t.Errorf("Message(NewError) = %q", got)
	}
}
