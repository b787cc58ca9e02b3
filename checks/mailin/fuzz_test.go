package mailin

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzMbox feeds the mbox splitter: no panic, and the messages it cuts
// hold no more bytes than it was given.
func FuzzMbox(f *testing.F) {
	if b, err := os.ReadFile(filepath.Join(testdata, "bounces.mbox")); err == nil {
		f.Add(b)
	}
	f.Add([]byte("From a\n\nFrom b\n>From c\n"))
	f.Add([]byte("From a\r\rFrom b\r>From c\r"))
	f.Fuzz(func(t *testing.T, data []byte) {
		total := 0
		err := scanReader(t.Context(), "fuzz", strings.NewReader(string(data)), func(in Input) error {
			total += len(in.Data)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if total > len(data) {
			t.Fatalf("%d bytes out of %d in", total, len(data))
		}
	})
}
