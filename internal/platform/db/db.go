// Package db owns the PostgreSQL pool and the one transaction helper of sslreseller. Every
// transaction on tenant data sets app.tenant_id, which forced row-level security checks; the
// cross-tenant System context is a separate type that only platform code is handed.
package db

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// DB runs transactions scoped to one tenant.
type DB struct {
	Pool *pgxpool.Pool
}

// Open connects a pool to url and checks that the server answers.
func Open(ctx context.Context, url string, maxConns int32) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("db: parse database.url: %w", err)
	}
	if maxConns > 0 {
		cfg.MaxConns = maxConns
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("db: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("db: cannot reach PostgreSQL at %s:%d: %w", cfg.ConnConfig.Host, cfg.ConnConfig.Port, err)
	}
	return &DB{Pool: pool}, nil
}

// Close closes the pool.
func (d *DB) Close() { d.Pool.Close() }

// Tx runs fn in one transaction with app.tenant_id set to tenantID. The transaction commits when fn
// returns nil and rolls back otherwise. A transaction PostgreSQL aborts as a deadlock victim or a
// serialization failure is run again from the start (fn must only touch the database), a few times.
func (d *DB) Tx(ctx context.Context, tenantID uuid.UUID, fn func(pgx.Tx) error) error {
	if tenantID == uuid.Nil {
		return errors.New("db: transaction without a tenant")
	}
	return retry(ctx, func() error {
		return pgx.BeginFunc(ctx, d.Pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, "SELECT set_config('app.tenant_id', $1, true)", tenantID.String()); err != nil {
				return fmt.Errorf("db: set tenant: %w", err)
			}
			return fn(tx)
		})
	})
}

// retryAttempts bounds how often a transaction is run again after a deadlock or serialization
// failure.
const retryAttempts = 4

// retry runs a transaction again while PostgreSQL answers deadlock_detected (40P01) or
// serialization_failure (40001), with a short growing pause.
func retry(ctx context.Context, run func() error) error {
	for attempt := 1; ; attempt++ {
		err := run()
		var pe *pgconn.PgError
		if attempt >= retryAttempts || !errors.As(err, &pe) || (pe.Code != "40P01" && pe.Code != "40001") {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(attempt*attempt) * 10 * time.Millisecond):
		}
	}
}

// Plain runs fn in a transaction with no tenant: it sees only tables that are not tenant tables
// (tenants, operators, sessions) and no tenant rows.
func (d *DB) Plain(ctx context.Context, fn func(pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, d.Pool, fn)
}

// System is the explicit cross-tenant context for operator pages, API key lookup and job sweeps.
// Request handlers of a tenant are never given one.
type System struct {
	pool *pgxpool.Pool
}

// NewSystem makes the cross-tenant context over the same pool.
func NewSystem(d *DB) *System { return &System{pool: d.Pool} }

// Tx runs fn in one transaction that sees every tenant's rows.
func (s *System) Tx(ctx context.Context, fn func(pgx.Tx) error) error {
	return retry(ctx, func() error {
		return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, "SELECT set_config('app.system', 'on', true)"); err != nil {
				return fmt.Errorf("db: system context: %w", err)
			}
			return fn(tx)
		})
	})
}

// UniqueViolation reports whether err is a unique violation, and on which constraint or index.
func UniqueViolation(err error) (string, bool) {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" {
		return pe.ConstraintName, true
	}
	return "", false
}

// ForeignKeyViolation reports whether err is a foreign key violation, and on which constraint.
func ForeignKeyViolation(err error) (string, bool) {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23503" {
		return pe.ConstraintName, true
	}
	return "", false
}
