package verify

import (
	"errors"
	"strings"
	"testing"
)

func collect(t *testing.T, seq func(func(Input, error) bool)) (ins []Input, errs []error) {
	t.Helper()
	seq(func(in Input, err error) bool {
		if err != nil {
			errs = append(errs, err)
		} else {
			ins = append(ins, in)
		}
		return true
	})
	return
}

func TestReadList(t *testing.T) {
	ins, errs := collect(t, ReadList(strings.NewReader("\ufeffa@b.com\r\n# comment\n\n  c@d.org  \n"), "list.txt"))
	if len(errs) != 0 || len(ins) != 2 || ins[0].Address != "a@b.com" || ins[1].Address != "  c@d.org  " || ins[1].Source != "list.txt:4" {
		t.Fatalf("%+v %v", ins, errs)
	}
	_, errs = collect(t, ReadList(strings.NewReader("a@b.com\n"+strings.Repeat("x", MaxLine+1)), "big"))
	if len(errs) != 1 || !errors.Is(errs[0], ErrInput) {
		t.Fatalf("long line: %v", errs)
	}
}

func TestReadCSV(t *testing.T) {
	text := "# exported\nName,E-Mail,Plan\nAnn,ann@example.com,pro\nBob,,free\n\"Cy, Jr\",\"cy@example.org\",x\nbroken,\"oops\n"
	ins, errs := collect(t, ReadCSV(strings.NewReader(text), "users.csv", "e-mail"))
	if len(ins) != 2 || ins[0].Address != "ann@example.com" || ins[0].Source != "users.csv:3" || ins[1].Address != "cy@example.org" {
		t.Fatalf("inputs %+v", ins)
	}
	var le *LineError
	if len(errs) != 2 || !errors.As(errs[0], &le) || le.Source != "users.csv:4" {
		t.Fatalf("errors %v", errs)
	}
	ins, _ = collect(t, ReadCSV(strings.NewReader(text), "users.csv", "2"))
	if len(ins) != 2 {
		t.Fatalf("by number: %+v", ins)
	}
	_, errs = collect(t, ReadCSV(strings.NewReader(text), "users.csv", "mail"))
	if len(errs) != 1 || !errors.Is(errs[0], ErrInput) || !strings.Contains(errs[0].Error(), "Name, E-Mail, Plan") {
		t.Fatalf("missing column: %v", errs)
	}
}

func FuzzReadInput(f *testing.F) {
	f.Add("a@b.com\n# x\nc@d\n", "email")
	f.Add("email,x\n\"a@b\",1\n\"broken\n", "email")
	f.Add("\ufeffEMAIL\r\na@b.com\r\n", "1")
	f.Fuzz(func(t *testing.T, text, column string) {
		for _, seq := range []func(func(Input, error) bool){ReadList(strings.NewReader(text), "f"), ReadCSV(strings.NewReader(text), "f", column)} {
			n := 0
			seq(func(in Input, err error) bool {
				n++
				if n > len(text)+2 {
					t.Fatalf("more items than the input has bytes")
				}
				if err == nil && strings.TrimSpace(in.Address) == "" {
					t.Fatalf("an empty address yielded from %q", text)
				}
				return true
			})
		}
	})
}
