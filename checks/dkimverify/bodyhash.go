package dkimverify

import (
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"hash"
	"io"
)

// BodyReq is one body hash a signature asks for: the body canonicalized
// by Canon, hashed with Hash ("sha256" or "sha1"), the first Length
// octets of it (-1 for all, RFC 6376 §3.5 l=).
type BodyReq struct {
	Canon  Canon
	Hash   string
	Length int64
}

// BodyHash is a computed body hash and the length of the whole
// canonicalized body, signed or not.
type BodyHash struct {
	Sum    []byte
	Octets int64
}

func newHash(name string) hash.Hash {
	if name == "sha1" {
		return sha1.New()
	}
	return sha256.New()
}

// limitHash hashes the first limit bytes written to it (all when limit
// is negative) and counts them all.
type limitHash struct {
	h     hash.Hash
	limit int64
	n     int64
}

func (l *limitHash) Write(p []byte) (int, error) {
	q := p
	if l.limit >= 0 {
		if rest := l.limit - l.n; rest < int64(len(q)) {
			q = q[:max(rest, 0)]
		}
	}
	l.h.Write(q)
	l.n += int64(len(p))
	return len(p), nil
}

// fanout writes to every writer; none of them fails.
type fanout []io.Writer

func (f fanout) Write(p []byte) (int, error) {
	for _, w := range f {
		w.Write(p)
	}
	return len(p), nil
}

// HashBody computes every requested body hash in one pass over body,
// holding no more than a read buffer and a canonicalization buffer per
// canonicalization: a 1 GB body is streamed, not kept. Identical
// requests share one hash. It stops with ctx's error when ctx ends.
func HashBody(ctx context.Context, body io.Reader, reqs []BodyReq) ([]BodyHash, error) {
	byReq := map[BodyReq]*limitHash{}
	perCanon := map[Canon]fanout{}
	for _, r := range reqs {
		if byReq[r] != nil {
			continue
		}
		lh := &limitHash{h: newHash(r.Hash), limit: r.Length}
		byReq[r] = lh
		perCanon[r.Canon] = append(perCanon[r.Canon], lh)
	}
	var canons []*bodyCanon
	var ws []io.Writer
	for _, c := range []Canon{Simple, Relaxed} {
		if f, ok := perCanon[c]; ok {
			bc := newBodyCanon(c, f)
			canons = append(canons, bc)
			ws = append(ws, bc)
		}
	}
	if len(ws) > 0 {
		if _, err := io.CopyBuffer(fanout(ws), ctxReader{ctx, body}, make([]byte, 64<<10)); err != nil {
			return nil, err
		}
		for _, bc := range canons {
			bc.Close()
		}
	}
	out := make([]BodyHash, len(reqs))
	for i, r := range reqs {
		lh := byReq[r]
		out[i] = BodyHash{Sum: lh.h.Sum(nil), Octets: lh.n}
	}
	return out, nil
}

// ctxReader ends a read when ctx ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
