package reportstore

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/relayctl/relayctl/checks/dmarcreport"
)

func agg(id, ip string, n int64, end time.Time) *dmarcreport.Aggregate {
	return &dmarcreport.Aggregate{Type: dmarcreport.TypeAggregate, OrgName: "receiver.example", ReportID: id,
		Begin: end.Add(-24 * time.Hour), End: end, PolicyDomain: "example.com", SourceIP: ip, Count: n, Disposition: "none",
		DKIM: "pass", SPF: "pass", HeaderFrom: "example.com"}
}

func all(t *testing.T, s *Store, since time.Time) []dmarcreport.Record {
	t.Helper()
	var out []dmarcreport.Record
	if err := s.Records(context.Background(), since, func(r dmarcreport.Record) error {
		out = append(out, r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestDedupe(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "r.sqlite")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	end := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	old := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	add := func(r dmarcreport.Record, want Added) {
		t.Helper()
		got, err := s.Add(ctx, r)
		if err != nil || got != want {
			t.Fatalf("Add %+v = %v, %v; want %v", r, got, err, want)
		}
	}
	// One input: a report of two records and an older one.
	add(agg("r1", "192.0.2.1", 10, end), Stored)
	add(agg("r1", "192.0.2.2", 5, end), Stored)
	add(agg("r0", "192.0.2.1", 1, old), Stored)
	// The same report in a second input is a duplicate, record by record.
	s.NextInput()
	add(agg("r1", "192.0.2.1", 10, end), Duplicate)
	add(agg("r1", "192.0.2.2", 5, end), Duplicate)
	// The same id from another organisation is another report.
	other := agg("r1", "192.0.2.9", 3, end)
	other.OrgName = "mailbox.example"
	add(other, Stored)
	// A failure report without an id is known by its content, wherever it was read.
	f := &dmarcreport.Failure{Type: dmarcreport.TypeFailure, FeedbackType: "auth-failure", ReportedDomain: "example.com", SourceIP: "192.0.2.7", ArrivalDate: end}
	f.SetSource("a.eml")
	add(f, Stored)
	s.NextInput()
	g := *f
	g.SetSource("b.eml")
	add(&g, Duplicate)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// A second run: the database remembers.
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	add(agg("r1", "192.0.2.1", 10, end), Duplicate)
	recs := all(t, s, time.Time{})
	if len(recs) != 5 {
		t.Fatalf("%d records stored, want 5", len(recs))
	}
	if a := recs[0].(*dmarcreport.Aggregate); a.SourceIP != "192.0.2.1" || a.Count != 10 || a.ReportID != "r1" {
		t.Errorf("first record %+v", a)
	}
	if len(all(t, s, end.Add(-48*time.Hour))) != 4 {
		t.Errorf("since: want the 4 records of periods ending after it")
	}
}

func TestBatches(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "r.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	end := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for i := range batchSize*2 + 7 {
		if _, err := s.Add(ctx, agg("big", "192.0.2.1", int64(i), end)); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(all(t, s, time.Time{})); n != batchSize*2+7 {
		t.Errorf("%d records", n)
	}
	s.Close()
}

// TestMigrateFromVersion1 builds a database as version 1 left it, with a
// record, and opens it: the migration to the current version fills the
// new columns from the stored JSON.
func TestMigrateFromVersion1(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.sqlite")
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`CREATE TABLE schema_version (version INTEGER NOT NULL)`,
		`INSERT INTO schema_version VALUES (1)`,
		migrations[0],
		`INSERT INTO reports VALUES (1, 'dmarc-aggregate', 'receiver.example', 'v1', 'example.com', 0, 1796169599, 0)`,
		`INSERT INTO records (id, report, type, policy_domain, end_unix, doc) VALUES (1, 1, 'dmarc-aggregate', 'example.com', 1796169599,
			'{"type":"dmarc-aggregate","org_name":"receiver.example","report_id":"v1","policy_domain":"example.com","source_ip":"198.51.100.4","count":42,"disposition":"quarantine"}')`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var v int
	var ip, disp string
	var n int64
	s.db.QueryRow(`SELECT version FROM schema_version`).Scan(&v)
	if err := s.db.QueryRow(`SELECT source_ip, count, disposition FROM records WHERE id = 1`).Scan(&ip, &n, &disp); err != nil {
		t.Fatal(err)
	}
	if v != SchemaVersion() || ip != "198.51.100.4" || n != 42 || disp != "quarantine" {
		t.Errorf("after migration: version %d, %s %d %s", v, ip, n, disp)
	}
	if got, _ := s.Add(ctx, agg("v1", "198.51.100.4", 42, time.Unix(1796169599, 0))); got != Duplicate {
		t.Errorf("the old report is still known: %v", got)
	}
	// A database newer than this code is refused, not damaged.
	if err := s.commit(); err != nil {
		t.Fatal(err)
	}
	s.db.Exec(`UPDATE schema_version SET version = 99`)
	s.Close()
	if _, err := Open(ctx, path); err == nil {
		t.Error("a newer schema was accepted")
	}
}
