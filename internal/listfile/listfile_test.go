package listfile

import (
	"bufio"
	"errors"
	"strings"
	"testing"
)

func TestLines(t *testing.T) {
	in := "# a list\n\nexample.com\n  example.org  # a comment\n#only\n\texample.net\r\n"
	var got []Line
	for l, err := range Lines(strings.NewReader(in), 100) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, l)
	}
	want := []Line{{3, "example.com"}, {4, "example.org"}, {6, "example.net"}}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d: got %v, want %v", i, got[i], want[i])
		}
	}
}

func TestLinesTooLong(t *testing.T) {
	in := "a.example\n" + strings.Repeat("x", 200) + "\nb.example\n"
	var items []string
	var last error
	var at int
	for l, err := range Lines(strings.NewReader(in), 64) {
		if err != nil {
			last, at = err, l.N
			continue
		}
		items = append(items, l.Text)
	}
	if !errors.Is(last, bufio.ErrTooLong) || at != 2 || len(items) != 1 {
		t.Errorf("items %v, error %v at line %d; want a.example, then ErrTooLong at line 2", items, last, at)
	}
}

func TestLinesStop(t *testing.T) {
	n := 0
	for range Lines(strings.NewReader("a\nb\nc\n"), 10) {
		n++
		break
	}
	if n != 1 {
		t.Errorf("ran on after the consumer stopped: %d", n)
	}
}
