// Package testdb gives each test its own PostgreSQL database, cloned in about 80 ms from a template
// migrated once per migration set. SSLR_TEST_DATABASE_URL names a superuser connection to a throwaway
// cluster (make test starts one). Without it tests skip with a message, or fail when CI=true.
package testdb

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sslreseller/sslreseller/internal/platform/db"
	"github.com/sslreseller/sslreseller/migrations"
)

// Env is the variable naming the superuser URL of the test cluster.
const Env = "SSLR_TEST_DATABASE_URL"

// Role names the tests use; the application role is a member of migrations.AppRole only.
const (
	OwnerRole = "sslr_test_owner"
	AppRole   = "sslr_test_app"
)

// Database is one test's database.
type Database struct {
	Name     string
	AppURL   string // the application role: not superuser, not owner
	OwnerURL string // the owner that migrates
	AdminURL string // superuser, for tests that inspect the cluster
}

var (
	once     sync.Once
	template string
	onceErr  error
)

// Require skips (or fails under CI=true) when no test cluster is configured and returns its URL.
func Require(tb testing.TB) string {
	tb.Helper()
	u := os.Getenv(Env)
	if u == "" {
		msg := Env + " is not set: these tests need PostgreSQL; run `make test`, which starts a throwaway cluster"
		if os.Getenv("CI") == "true" {
			tb.Fatal(msg)
		}
		tb.Skip(msg)
	}
	return u
}

// New creates a fresh database cloned from the migrated template and drops it when the test ends.
func New(tb testing.TB) *Database {
	tb.Helper()
	admin := Require(tb)
	once.Do(func() { template, onceErr = prepareTemplate(admin) })
	if onceErr != nil {
		tb.Fatalf("testdb: %v", onceErr)
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		tb.Fatalf("testdb: connect: %v", err)
	}
	defer conn.Close(ctx)
	name := "t_" + randomHex(8)
	var lastErr error
	for range 20 {
		_, lastErr = conn.Exec(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s OWNER %s", name, template, OwnerRole))
		if lastErr == nil || !strings.Contains(lastErr.Error(), "being accessed by other users") {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if lastErr != nil {
		tb.Fatalf("testdb: create database: %v", lastErr)
	}
	tb.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), admin)
		if err != nil {
			return
		}
		defer c.Close(context.Background())
		_, _ = c.Exec(context.Background(), fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name))
	})
	return &Database{
		Name:     name,
		AppURL:   withUserDB(admin, AppRole, name),
		OwnerURL: withUserDB(admin, OwnerRole, name),
		AdminURL: withUserDB(admin, "", name),
	}
}

// Open creates a database and returns an application-role pool on it, closed when the test ends.
func Open(tb testing.TB) (*db.DB, *Database) {
	tb.Helper()
	d := New(tb)
	pool, err := db.Open(context.Background(), d.AppURL, 10)
	if err != nil {
		tb.Fatalf("testdb: %v", err)
	}
	tb.Cleanup(pool.Close)
	return pool, d
}

func prepareTemplate(admin string) (string, error) {
	ctx := context.Background()
	sum, err := migrationsHash()
	if err != nil {
		return "", err
	}
	name := "sslr_tpl_" + sum[:12]
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return "", fmt.Errorf("connect %s: %w", Env, err)
	}
	defer conn.Close(ctx)
	// Test packages run in parallel processes: one of them builds the template, the others wait.
	lock := int64(binary.BigEndian.Uint64([]byte(sum[:8])))
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", lock); err != nil {
		return "", err
	}
	defer conn.Exec(ctx, "SELECT pg_advisory_unlock($1)", lock) //nolint:errcheck
	for _, stmt := range []string{
		"CREATE ROLE " + migrations.AppRole + " NOLOGIN",
		"CREATE ROLE " + OwnerRole + " LOGIN",
		"CREATE ROLE " + AppRole + " LOGIN IN ROLE " + migrations.AppRole,
	} {
		if _, err := conn.Exec(ctx, stmt); err != nil && !strings.Contains(err.Error(), "already exists") {
			return "", err
		}
	}
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	building := name + "_building"
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+building+" WITH (FORCE)"); err != nil {
		return "", err
	}
	if _, err := conn.Exec(ctx, fmt.Sprintf("CREATE DATABASE %s OWNER %s", building, OwnerRole)); err != nil {
		return "", err
	}
	m, err := db.NewMigrator(migrations.FS, withUserDB(admin, OwnerRole, building))
	if err != nil {
		return "", err
	}
	err = m.Up()
	m.Close()
	if err != nil {
		return "", err
	}
	if _, err := conn.Exec(ctx, fmt.Sprintf("ALTER DATABASE %s RENAME TO %s", building, name)); err != nil {
		return "", err
	}
	return name, nil
}

// migrationsHash names the template after the migration files, so a changed migration gets a new one.
func migrationsHash() (string, error) {
	entries, err := fs.ReadDir(migrations.FS, ".")
	if err != nil {
		return "", err
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		b, err := fs.ReadFile(migrations.FS, n)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", n, len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func withUserDB(raw, user, dbname string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	if user != "" {
		u.User = url.User(user)
	}
	u.Path = "/" + dbname
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
