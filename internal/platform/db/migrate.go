package db

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/golang-migrate/migrate/v4"
	_ "github.com/golang-migrate/migrate/v4/database/pgx/v5"
	"github.com/golang-migrate/migrate/v4/source/iofs"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Migrator applies the embedded SQL migrations with golang-migrate.
type Migrator struct {
	m      *migrate.Migrate
	latest uint
}

// NewMigrator opens the migration source and connects with the owner role's URL.
func NewMigrator(files fs.FS, ownerURL string) (*Migrator, error) {
	src, err := iofs.New(files, ".")
	if err != nil {
		return nil, fmt.Errorf("migrate: source: %w", err)
	}
	latest, err := Latest(files)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(ownerURL)
	if err != nil {
		return nil, fmt.Errorf("migrate: database.migrate_url: %w", err)
	}
	u.Scheme = "pgx5"
	m, err := migrate.NewWithSourceInstance("iofs", src, u.String())
	if err != nil {
		return nil, fmt.Errorf("migrate: connect: %w", err)
	}
	return &Migrator{m: m, latest: latest}, nil
}

// Up applies every pending migration.
func (m *Migrator) Up() error {
	if err := m.m.Up(); err != nil && !errors.Is(err, migrate.ErrNoChange) {
		return fmt.Errorf("migrate up: %w", err)
	}
	return nil
}

// Down rolls back n migrations.
func (m *Migrator) Down(n int) error {
	if n < 1 {
		return fmt.Errorf("migrate down: N must be at least 1")
	}
	if err := m.m.Steps(-n); err != nil && !errors.Is(err, migrate.ErrNoChange) {
		return fmt.Errorf("migrate down: %w", err)
	}
	return nil
}

// Version returns the applied version, whether it is dirty, and the latest embedded version.
func (m *Migrator) Version() (version uint, dirty bool, latest uint, err error) {
	v, d, err := m.m.Version()
	if errors.Is(err, migrate.ErrNilVersion) {
		return 0, false, m.latest, nil
	}
	if err != nil {
		return 0, false, m.latest, fmt.Errorf("migrate version: %w", err)
	}
	return v, d, m.latest, nil
}

// Close releases the connection.
func (m *Migrator) Close() {
	_, _ = m.m.Close()
}

// Latest returns the highest version among the embedded migration files.
func Latest(files fs.FS) (uint, error) {
	entries, err := fs.ReadDir(files, ".")
	if err != nil {
		return 0, fmt.Errorf("migrate: %w", err)
	}
	var versions []int
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".up.sql") {
			continue
		}
		n, err := strconv.Atoi(strings.SplitN(e.Name(), "_", 2)[0])
		if err != nil {
			return 0, fmt.Errorf("migrate: bad file name %s", e.Name())
		}
		versions = append(versions, n)
	}
	if len(versions) == 0 {
		return 0, errors.New("migrate: no migrations embedded")
	}
	sort.Ints(versions)
	return uint(versions[len(versions)-1]), nil
}

// SchemaVersion reads the applied version through the application pool: golang-migrate's table is
// readable by everyone. It returns 0 when nothing was applied.
func (d *DB) SchemaVersion(ctx context.Context) (version int64, dirty bool, err error) {
	err = d.Pool.QueryRow(ctx, "SELECT version, dirty FROM schema_migrations LIMIT 1").Scan(&version, &dirty)
	var pe *pgconn.PgError
	switch {
	case errors.Is(err, pgx.ErrNoRows), errors.As(err, &pe) && pe.Code == "42P01":
		return 0, false, nil
	case err != nil:
		return 0, false, fmt.Errorf("db: schema version: %w", err)
	}
	return version, dirty, nil
}
