// Package reportstore keeps the records of DMARC and TLS reports
// (checks/dmarcreport) in a SQLite database, so that a summary can cover
// weeks of reports read at different times. A report is stored once,
// keyed by its type, reporting organisation and report id (RFC 7489
// appendix C report_id, RFC 8460 §4.4 report-id): reading the same
// report twice counts it once. The schema is migrated forward by the
// package itself (schema.go). The driver is modernc.org/sqlite, pure Go:
// relayctl builds with CGO_ENABLED=0.
package reportstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" database/sql driver

	"github.com/relayctl/relayctl/checks"
	"github.com/relayctl/relayctl/checks/dmarcreport"
)

const pkg = "reportstore"

// ErrStore is the kind of every error of the store.
var ErrStore = errors.New("reportstore: database error")

// batchSize is the number of records written per transaction.
const batchSize = 2000

// Store is an open database.
type Store struct {
	db *sql.DB
	tx *sql.Tx
	n  int
	// The two inserts, prepared once; txReport and txRecord are them in
	// the open transaction.
	insReport, insRecord *sql.Stmt
	txReport, txRecord   *sql.Stmt
	// fresh holds the reports first stored by the current input: their
	// further records are added, those of any other known report are
	// duplicates.
	fresh map[string]int64
	dup   map[string]bool
}

func storeError(msg string, err error) error {
	return checks.WrapError(pkg, ErrStore, msg, err)
}

// Open opens (creating it if missing) the database at path and migrates
// its schema to the current version.
func Open(ctx context.Context, path string) (*Store, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)")
	if err != nil {
		return nil, storeError("cannot open "+path, err)
	}
	db.SetMaxOpenConns(1)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, storeError("cannot open "+path, err)
	}
	if err := migrate(ctx, db); err != nil {
		db.Close()
		return nil, storeError("cannot prepare "+path, err)
	}
	s := &Store{db: db, fresh: map[string]int64{}, dup: map[string]bool{}}
	if s.insReport, err = db.PrepareContext(ctx, `INSERT INTO reports (type, org, report_id, policy_domain, begin_unix, end_unix, stored_unix)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (type, org, report_id) DO NOTHING`); err == nil {
		s.insRecord, err = db.PrepareContext(ctx, `INSERT INTO records (report, type, policy_domain, end_unix, source_ip, count, disposition, doc)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
	}
	if err != nil {
		db.Close()
		return nil, storeError("cannot prepare "+path, err)
	}
	return s, nil
}

// Close commits what is pending and closes the database.
func (s *Store) Close() error {
	err := s.commit()
	s.insReport.Close()
	s.insRecord.Close()
	if cerr := s.db.Close(); err == nil && cerr != nil {
		err = storeError("cannot close the database", cerr)
	}
	return err
}

// NextInput says that the records that follow come from another input.
func (s *Store) NextInput() {
	clear(s.fresh)
	clear(s.dup)
}

func (s *Store) commit() error {
	if s.tx == nil {
		return nil
	}
	err := s.tx.Commit()
	s.tx, s.n = nil, 0
	if err != nil {
		return storeError("cannot write the database", err)
	}
	return nil
}

// Added says what Add did with a record.
type Added int

// What Add did.
const (
	// Stored: the record is new.
	Stored Added = iota
	// Duplicate: its report was stored before: the record is not
	// stored again.
	Duplicate
)

type keyed struct {
	typ, org, id string
	domain       string
	begin, end   time.Time
}

func keyOf(r dmarcreport.Record, doc []byte) keyed {
	org, id := r.Key()
	k := keyed{typ: string(r.Kind()), org: org, id: id}
	switch r := r.(type) {
	case *dmarcreport.Aggregate:
		k.domain, k.begin, k.end = r.PolicyDomain, r.Begin, r.End
	case *dmarcreport.TLSRPT:
		k.domain, k.begin, k.end = r.PolicyDomain, r.StartDatetime, r.EndDatetime
	case *dmarcreport.Failure:
		k.domain, k.begin, k.end = r.ReportedDomain, r.ArrivalDate, r.ArrivalDate
	}
	if k.id == "" {
		// No id to tell the report by: its content is its identity.
		sum := sha256.Sum256(doc)
		k.id = "sha256:" + hex.EncodeToString(sum[:12])
	}
	return k
}

// Add stores a record unless its report was stored by an earlier input
// (or an earlier run). Writes are batched in transactions.
func (s *Store) Add(ctx context.Context, r dmarcreport.Record) (Added, error) {
	doc, err := json.Marshal(r)
	if err != nil {
		return 0, storeError("cannot encode a record", err)
	}
	k := keyOf(r, identity(r))
	mapKey := k.typ + "\x00" + k.org + "\x00" + k.id
	if s.dup[mapKey] {
		return Duplicate, nil
	}
	if s.tx == nil {
		if s.tx, err = s.db.BeginTx(ctx, nil); err != nil {
			return 0, storeError("cannot write the database", err)
		}
		s.txReport, s.txRecord = s.tx.StmtContext(ctx, s.insReport), s.tx.StmtContext(ctx, s.insRecord)
	}
	reportRow, ok := s.fresh[mapKey]
	if !ok {
		res, err := s.txReport.ExecContext(ctx, k.typ, k.org, k.id, k.domain, unix(k.begin), unix(k.end), time.Now().Unix())
		if err != nil {
			return 0, storeError("cannot write the database", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			s.dup[mapKey] = true
			return Duplicate, nil
		}
		reportRow, _ = res.LastInsertId()
		s.fresh[mapKey] = reportRow
	}
	ip, count, disp := "", int64(0), ""
	if a, ok := r.(*dmarcreport.Aggregate); ok {
		ip, count, disp = a.SourceIP, a.Count, a.Disposition
	}
	if _, err := s.txRecord.ExecContext(ctx, reportRow, k.typ, k.domain, unix(k.end), ip, count, disp, string(doc)); err != nil {
		return 0, storeError("cannot write the database", err)
	}
	s.n++
	if s.n >= batchSize {
		if err := s.commit(); err != nil {
			return 0, err
		}
	}
	return Stored, nil
}

// identity is a record's content without where it was read from: a
// report without an id read again from another path is the same report.
func identity(r dmarcreport.Record) []byte {
	var c dmarcreport.Record
	switch r := r.(type) {
	case *dmarcreport.Aggregate:
		x := *r
		c = &x
	case *dmarcreport.TLSRPT:
		x := *r
		c = &x
	case *dmarcreport.Failure:
		x := *r
		c = &x
	default:
		return nil
	}
	c.SetSource("")
	b, _ := json.Marshal(c)
	return b
}

func unix(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

// Records calls emit with every stored record whose report's period
// ends at or after since (the zero time: all), in the order stored.
func (s *Store) Records(ctx context.Context, since time.Time, emit func(dmarcreport.Record) error) error {
	if err := s.commit(); err != nil {
		return err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT type, doc FROM records WHERE end_unix >= ? ORDER BY id`, unix(since))
	if err != nil {
		return storeError("cannot read the database", err)
	}
	defer rows.Close()
	for rows.Next() {
		var typ, doc string
		if err := rows.Scan(&typ, &doc); err != nil {
			return storeError("cannot read the database", err)
		}
		r, err := decode(dmarcreport.Type(typ), []byte(doc))
		if err != nil {
			return storeError("a stored record is damaged", err)
		}
		if err := emit(r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return storeError("cannot read the database", err)
	}
	return nil
}

func decode(t dmarcreport.Type, doc []byte) (dmarcreport.Record, error) {
	var r dmarcreport.Record
	switch t {
	case dmarcreport.TypeAggregate:
		r = &dmarcreport.Aggregate{}
	case dmarcreport.TypeTLSRPT:
		r = &dmarcreport.TLSRPT{}
	case dmarcreport.TypeFailure:
		r = &dmarcreport.Failure{}
	default:
		return nil, fmt.Errorf("unknown record type %q", t)
	}
	if err := json.Unmarshal(doc, r); err != nil {
		return nil, err
	}
	return r, nil
}
