package received

import "testing"

func BenchmarkParse(b *testing.B) {
	v := mtaCases[0].value
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(v); err != nil {
			b.Fatal(err)
		}
	}
}
