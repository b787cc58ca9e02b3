package reason

// The phrase tables hold several hundred phrases; testing each with
// strings.Contains costs a pass over the diagnostic per phrase. An
// Aho-Corasick automaton over all of them finds every phrase that occurs
// in one pass, and the per-reason tests then read a bit set.

// The automaton works on byte classes: each byte that occurs in some
// phrase has a class of its own, every other byte shares class 0, which
// no phrase contains. That keeps the table small (states × classes).

type automaton struct {
	class   [256]uint8
	classes int
	next    []uint16 // state*classes + class → state
	out     [][]int32
	ids     map[string]int32
	phrase  []string
}

func newAutomaton() *automaton {
	return &automaton{ids: map[string]int32{}}
}

// add registers a phrase and returns its id; the automaton is made by
// build once every phrase is in.
func (a *automaton) add(p string) int32 {
	if id, ok := a.ids[p]; ok {
		return id
	}
	id := int32(len(a.phrase))
	a.ids[p] = id
	a.phrase = append(a.phrase, p)
	return id
}

// build makes the trie of all phrases, computes the failure links and
// completes it into a DFA.
func (a *automaton) build() {
	for _, p := range a.phrase {
		for i := 0; i < len(p); i++ {
			if a.class[p[i]] == 0 {
				a.classes++
				a.class[p[i]] = uint8(a.classes)
			}
		}
	}
	a.classes++ // class 0, the bytes no phrase holds
	k := a.classes
	a.next = make([]uint16, k)
	a.out = [][]int32{nil}
	for id, p := range a.phrase {
		n := 0
		for i := 0; i < len(p); i++ {
			c := int(a.class[p[i]])
			if a.next[n*k+c] == 0 {
				if len(a.out) >= 1<<16-1 {
					panic("reason: phrase tables outgrow the automaton's 16-bit states")
				}
				a.next = append(a.next, make([]uint16, k)...)
				a.out = append(a.out, nil)
				a.next[n*k+c] = uint16(len(a.out) - 1)
			}
			n = int(a.next[n*k+c])
		}
		a.out[n] = append(a.out[n], int32(id))
	}
	fail := make([]uint16, len(a.out))
	queue := make([]uint16, 0, len(a.out))
	for c := 0; c < k; c++ {
		if s := a.next[c]; s != 0 {
			queue = append(queue, s)
		}
	}
	for len(queue) > 0 {
		r := int(queue[0])
		queue = queue[1:]
		for c := 0; c < k; c++ {
			s := a.next[r*k+c]
			f := a.next[int(fail[r])*k+c]
			if s == 0 {
				a.next[r*k+c] = f
				continue
			}
			queue = append(queue, s)
			fail[s] = f
			a.out[s] = append(a.out[s], a.out[f]...)
		}
	}
}

// scan returns the set of phrases that occur in s.
func (a *automaton) scan(s string) bitset {
	b := make(bitset, (len(a.phrase)+63)/64)
	n, k := 0, a.classes
	for i := 0; i < len(s); i++ {
		n = int(a.next[n*k+int(a.class[s[i]])])
		for _, id := range a.out[n] {
			b[id/64] |= 1 << (id % 64)
		}
	}
	return b
}

type bitset []uint64

func (b bitset) has(id int32) bool { return b[id/64]&(1<<(id%64)) != 0 }

// compiled is a phrase table in phrase ids.
type compiled struct {
	words []int32
	seqs  [][]int32
	not   []int32
}

// phraseAC finds the phrases of every table in one pass; compiledT is
// each table in its ids. Both are made once, when the package is
// initialised, and only read after.
var phraseAC, compiledT = compile(table)

// compile puts the phrases of every table into one automaton.
func compile(tables map[Reason]*phrases) (*automaton, map[Reason]*compiled) {
	ac := newAutomaton()
	out := make(map[Reason]*compiled, len(tables))
	for name, p := range tables {
		c := &compiled{}
		for _, w := range p.words {
			c.words = append(c.words, ac.add(w))
		}
		for _, w := range p.not {
			c.not = append(c.not, ac.add(w))
		}
		for _, seq := range p.seqs {
			var ids []int32
			for _, w := range seq {
				ids = append(ids, ac.add(w))
			}
			c.seqs = append(c.seqs, ids)
		}
		out[name] = c
	}
	ac.build()
	return ac, out
}

// saysIn is Says with the phrases found in s already known.
func saysIn(name Reason, s string, found bitset) bool {
	c := compiledT[name]
	if c == nil || s == "" {
		return false
	}
	for _, id := range c.not {
		if found.has(id) {
			return false
		}
	}
	for _, id := range c.words {
		if found.has(id) {
			return true
		}
	}
	for i, seq := range c.seqs {
		all := true
		for _, id := range seq {
			if !found.has(id) {
				all = false
				break
			}
		}
		// Every piece occurs; whether in order is checked on the text.
		if all && inOrder(s, table[name].seqs[i]) {
			return true
		}
	}
	return false
}
