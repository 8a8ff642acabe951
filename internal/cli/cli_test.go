package cli

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"regexp"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/sslreseller/sslreseller/internal/platform/db"
	"github.com/sslreseller/sslreseller/internal/platform/testdb"
	"github.com/sslreseller/sslreseller/migrations"
)

type result struct {
	code           int
	stdout, stderr string
}

func run(stdin string, args ...string) result {
	var out, errb bytes.Buffer
	code := Run(args, strings.NewReader(stdin), &out, &errb)
	return result{code, out.String(), errb.String()}
}

// setup points the commands at a fresh database; t.Setenv makes these tests sequential.
func setup(t *testing.T, migrate bool) *testdb.Database {
	t.Helper()
	d := testdb.New(t)
	if !migrate {
		// Start from an empty schema: roll the template's migrations back.
		m, err := db.NewMigrator(migrations.FS, d.OwnerURL)
		if err != nil {
			t.Fatal(err)
		}
		latest, _ := db.Latest(migrations.FS)
		if err := m.Down(int(latest)); err != nil {
			t.Fatal(err)
		}
		m.Close()
	}
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	t.Setenv("SSLR_DATABASE_URL", d.AppURL)
	t.Setenv("SSLR_DATABASE_MIGRATE_URL", d.OwnerURL)
	t.Setenv("SSLR_CRYPTO_KEY", base64.StdEncoding.EncodeToString(key))
	t.Setenv("SSLR_AUTH_ARGON2_MEMORY_KIB", "64")
	t.Setenv("SSLR_AUTH_ARGON2_ITERATIONS", "1")
	t.Setenv("SSLR_HTTP_ADDR", "127.0.0.1:0")
	return d
}

func TestMigrateAndServeRefusesOldSchema(t *testing.T) {
	setup(t, false)
	r := run("", "serve")
	if r.code == 0 || !strings.Contains(r.stderr, "sslreseller migrate up") {
		t.Fatalf("serve on an empty schema: code %d, stderr %q", r.code, r.stderr)
	}
	if r := run("", "migrate", "version"); r.code != 0 || !strings.HasPrefix(r.stdout, "0 behind") {
		t.Fatalf("version before: %+v", r)
	}
	if r := run("", "migrate", "up"); r.code != 0 {
		t.Fatalf("migrate up: %+v", r)
	}
	latest, _ := db.Latest(migrations.FS)
	if r := run("", "migrate", "version"); r.code != 0 || strings.TrimSpace(r.stdout) != itoa(latest)+" current" {
		t.Fatalf("version after: %+v", r)
	}
	if r := run("", "migrate", "down", "x"); r.code != 2 {
		t.Fatalf("migrate down x: %+v", r)
	}
}

func itoa(u uint) string {
	var b []byte
	for u > 0 || len(b) == 0 {
		b = append([]byte{byte('0' + u%10)}, b...)
		u /= 10
	}
	return string(b)
}

func TestTenantUserAPIKeyCommands(t *testing.T) {
	setup(t, true)
	r := run("", "tenant", "create", "--slug", "shop", "--name", "Shop Ltd", "--currency", "EUR", "--host", "certs.shop.example")
	if r.code != 0 || !strings.HasSuffix(strings.TrimSpace(r.stdout), "\tshop") {
		t.Fatalf("tenant create: %+v", r)
	}
	if r := run("", "tenant", "create", "--slug", "shop", "--name", "Again"); r.code != 1 || !strings.Contains(r.stderr, "already exists") {
		t.Fatalf("duplicate slug: %+v", r)
	}
	if r := run("", "tenant", "create", "--slug", "Bad Slug!", "--name", "X"); r.code != 1 || !strings.Contains(r.stderr, "slug:") {
		t.Fatalf("bad slug: %+v", r)
	}
	if r := run("", "tenant", "create", "--slug", "x", "--name", "X", "--currency", "XYZ"); r.code != 1 || !strings.Contains(r.stderr, "currency:") {
		t.Fatalf("bad currency: %+v", r)
	}
	if r := run("", "tenant", "list"); r.code != 0 || !strings.Contains(r.stdout, "shop") || !strings.Contains(r.stdout, "EUR") || !strings.Contains(r.stdout, "certs.shop.example") {
		t.Fatalf("tenant list: %+v", r)
	}
	if r := run("a long enough password\n", "user", "create", "--tenant", "shop", "--email", "boss@shop.example", "--role", "owner"); r.code != 0 {
		t.Fatalf("user create: %+v", r)
	}
	if r := run("short\n", "user", "create", "--tenant", "shop", "--email", "b2@shop.example", "--role", "owner"); r.code != 1 || !strings.Contains(r.stderr, "password") {
		t.Fatalf("short password: %+v", r)
	}
	if r := run("", "user", "create", "--tenant", "shop", "--email", "b3@shop.example", "--role", "owner"); r.code != 2 {
		t.Fatalf("no password on stdin: %+v", r)
	}
	if r := run("x", "user", "create", "--tenant", "shop", "--email", "b3@shop.example", "--role", "king"); r.code != 1 || !strings.Contains(r.stderr, "role") {
		t.Fatalf("bad role: %+v", r)
	}
	if r := run("another good password\n", "user", "reset-password", "--tenant", "shop", "--email", "boss@shop.example"); r.code != 0 || r.stdout != "" {
		t.Fatalf("reset-password: %+v", r)
	}
	if r := run("operator password 1\n", "user", "create", "--operator", "--email", "ops@platform.example"); r.code != 0 {
		t.Fatalf("operator create: %+v", r)
	}
	r = run("", "apikey", "create", "--tenant", "shop", "--name", "WHMCS", "--scope", "billing")
	if r.code != 0 || !regexp.MustCompile(`^sslr_[a-z2-7]{12}_[a-z2-7]{40}\n$`).MatchString(r.stdout) {
		t.Fatalf("apikey create must print only the key: %+v", r)
	}
	if strings.Contains(r.stderr, strings.TrimSpace(r.stdout)) {
		t.Fatal("the key reached the log")
	}
	if r := run("", "apikey", "create", "--tenant", "nope", "--name", "X", "--scope", "billing"); r.code != 1 || !strings.Contains(r.stderr, "tenant") {
		t.Fatalf("unknown tenant: %+v", r)
	}
	if r := run("", "apikey", "create", "--tenant", "shop", "--name", "X", "--scope", "root"); r.code != 1 || !strings.Contains(r.stderr, "scope") {
		t.Fatalf("bad scope: %+v", r)
	}
}

func TestInvalidConfigIsOneLine(t *testing.T) {
	t.Setenv("SSLR_LOG_LEVEL", "chatty")
	r := run("", "tenant", "list")
	if r.code != 1 || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 || !strings.Contains(r.stderr, "log.level") {
		t.Fatalf("invalid config: %+v", r)
	}
}

func TestDemoSeedsOnce(t *testing.T) {
	d := setup(t, true)
	first := run("", "demo")
	if first.code != 0 || !strings.Contains(first.stdout, "owner@demo.test") || !strings.Contains(first.stdout, "sslr_") || !strings.Contains(first.stdout, "/t/demo/admin") {
		t.Fatalf("first demo: %+v", first)
	}
	// The demo tenant can sell at once: a sandbox account and its imported products.
	conn, err := pgx.Connect(context.Background(), d.AdminURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var accounts, products int
	if err := conn.QueryRow(context.Background(), `SELECT (SELECT count(*) FROM provider_accounts WHERE provider = 'sandbox'),
		(SELECT count(*) FROM products WHERE visible)`).Scan(&accounts, &products); err != nil {
		t.Fatal(err)
	}
	if accounts != 1 || products < 5 {
		t.Fatalf("demo catalogue: %d sandbox accounts, %d products", accounts, products)
	}
	out := run("", "tenant", "list")
	if !strings.Contains(out.stdout, "demo") {
		t.Fatalf("tenant list: %+v", out)
	}
	second := run("", "demo")
	if second.code != 0 || strings.Contains(second.stdout, "sslr_") || !strings.Contains(second.stdout, "reset-password") {
		t.Fatalf("second demo: %+v", second)
	}
}
