package reportstore

import (
	"context"
	"database/sql"
	"fmt"
)

// migrations bring the schema from version i to i+1, in order; a
// database records the version it is at in schema_version. Version 0 is
// an empty file. Append, never edit: a released migration has run on
// somebody's database.
var migrations = []string{
	// 1: reports (one row per report, the dedupe key) and their records,
	// each kept whole as JSON.
	`CREATE TABLE reports (
		id INTEGER PRIMARY KEY,
		type TEXT NOT NULL,
		org TEXT NOT NULL,
		report_id TEXT NOT NULL,
		policy_domain TEXT NOT NULL,
		begin_unix INTEGER NOT NULL,
		end_unix INTEGER NOT NULL,
		stored_unix INTEGER NOT NULL,
		UNIQUE (type, org, report_id)
	);
	CREATE TABLE records (
		id INTEGER PRIMARY KEY,
		report INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
		type TEXT NOT NULL,
		policy_domain TEXT NOT NULL,
		end_unix INTEGER NOT NULL,
		doc TEXT NOT NULL
	);`,
	// 2: the columns a query wants without parsing JSON, filled in for
	// the records already stored; an index for --since.
	`ALTER TABLE records ADD COLUMN source_ip TEXT NOT NULL DEFAULT '';
	ALTER TABLE records ADD COLUMN count INTEGER NOT NULL DEFAULT 0;
	ALTER TABLE records ADD COLUMN disposition TEXT NOT NULL DEFAULT '';
	UPDATE records SET
		source_ip = COALESCE(json_extract(doc, '$.source_ip'), ''),
		count = COALESCE(json_extract(doc, '$.count'), 0),
		disposition = COALESCE(json_extract(doc, '$.disposition'), '')
		WHERE type = 'dmarc-aggregate';
	CREATE INDEX records_domain_end ON records (policy_domain, end_unix);
	CREATE INDEX records_report ON records (report);`,
}

// SchemaVersion is the version Open migrates a database to.
func SchemaVersion() int { return len(migrations) }

// migrate runs the migrations a database has not had, each in its own
// transaction with its version bump.
func migrate(ctx context.Context, db *sql.DB) error {
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`); err != nil {
		return err
	}
	var v int
	err := db.QueryRowContext(ctx, `SELECT version FROM schema_version`).Scan(&v)
	if err == sql.ErrNoRows {
		if _, err := db.ExecContext(ctx, `INSERT INTO schema_version (version) VALUES (0)`); err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	if v > len(migrations) {
		return fmt.Errorf("the database is at schema version %d, newer than this relayctl knows (%d): use a newer relayctl", v, len(migrations))
	}
	for ; v < len(migrations); v++ {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration to schema version %d: %w", v+1, err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE schema_version SET version = ?`, v+1); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}
