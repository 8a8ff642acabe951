package db_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/sslreseller/sslreseller/internal/platform/db"
	"github.com/sslreseller/sslreseller/internal/platform/testdb"
	"github.com/sslreseller/sslreseller/migrations"
)

func TestAppRoleIsNeitherSuperuserNorOwner(t *testing.T) {
	t.Parallel()
	pool, _ := testdb.Open(t)
	ctx := context.Background()
	var super, bypass bool
	if err := pool.Pool.QueryRow(ctx, "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user").Scan(&super, &bypass); err != nil {
		t.Fatal(err)
	}
	if super || bypass {
		t.Fatalf("application role: superuser=%v bypassrls=%v, want neither", super, bypass)
	}
	var owned int
	if err := pool.Pool.QueryRow(ctx, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user").Scan(&owned); err != nil {
		t.Fatal(err)
	}
	if owned != 0 {
		t.Fatalf("application role owns %d tables, want 0", owned)
	}
	var forced int
	if err := pool.Pool.QueryRow(ctx, `SELECT count(*) FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
		WHERE a.attname = 'tenant_id' AND c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace
		AND c.relname NOT IN ('tenant_hosts') -- the tenant directory, resolved before a tenant is known
		AND NOT (c.relrowsecurity AND c.relforcerowsecurity)`).Scan(&forced); err != nil {
		t.Fatal(err)
	}
	if forced != 0 {
		t.Fatalf("%d tables with tenant_id lack forced row-level security", forced)
	}
}

func TestQueryWithoutTenantSeesNoTenantRows(t *testing.T) {
	t.Parallel()
	pool, _ := testdb.Open(t)
	ctx := context.Background()
	tenant := uuid.Must(uuid.NewV7())
	err := db.NewSystem(pool).Tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "INSERT INTO tenants (id, slug, name, default_currency) VALUES ($1, 'a', 'A', 'USD')", tenant); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "INSERT INTO clients (tenant_id, id, email, first_name, last_name) VALUES ($1, $2, 'x@example.com', 'X', 'Y')", tenant, uuid.Must(uuid.NewV7()))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	count := func(run func(context.Context, func(pgx.Tx) error) error) int {
		var n int
		if err := run(ctx, func(tx pgx.Tx) error { return tx.QueryRow(ctx, "SELECT count(*) FROM clients").Scan(&n) }); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(pool.Plain); n != 0 {
		t.Errorf("without a tenant: %d client rows visible, want 0", n)
	}
	if n := count(func(ctx context.Context, fn func(pgx.Tx) error) error {
		return pool.Tx(ctx, uuid.Must(uuid.NewV7()), fn)
	}); n != 0 {
		t.Errorf("other tenant: %d client rows visible, want 0", n)
	}
	if n := count(func(ctx context.Context, fn func(pgx.Tx) error) error { return pool.Tx(ctx, tenant, fn) }); n != 1 {
		t.Errorf("own tenant: %d client rows visible, want 1", n)
	}
	// Writing a row for another tenant is refused by the policy's check.
	err = pool.Tx(ctx, uuid.Must(uuid.NewV7()), func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, "INSERT INTO clients (tenant_id, id, email, first_name, last_name) VALUES ($1, $2, 'z@example.com', 'Z', 'Z')", tenant, uuid.Must(uuid.NewV7()))
		return err
	})
	if err == nil {
		t.Error("insert for a foreign tenant succeeded")
	}
}

func TestMigrationsDownAndUp(t *testing.T) {
	t.Parallel()
	d := testdb.New(t)
	m, err := db.NewMigrator(migrations.FS, d.OwnerURL)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	v, dirty, latest, err := m.Version()
	if err != nil || dirty || v != latest {
		t.Fatalf("template version %d dirty=%v latest=%d err=%v", v, dirty, latest, err)
	}
	if err := m.Down(int(latest)); err != nil {
		t.Fatalf("down to nothing: %v", err)
	}
	if err := m.Up(); err != nil {
		t.Fatalf("up again: %v", err)
	}
	if v, _, _, _ := m.Version(); v != latest {
		t.Fatalf("after up: version %d, want %d", v, latest)
	}
}
