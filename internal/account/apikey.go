package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/sslreseller/sslreseller/internal/audit"
	"github.com/sslreseller/sslreseller/internal/platform/errs"
)

// API key scopes: admin includes billing.
const (
	ScopeBilling = "billing"
	ScopeAdmin   = "admin"
)

// APIKey is a key's public record; the secret is never stored.
type APIKey struct {
	ID         uuid.UUID  `db:"id"`
	Name       string     `db:"name"`
	Prefix     string     `db:"prefix"`
	Scope      string     `db:"scope"`
	CreatedBy  string     `db:"created_by"`
	LastUsedAt *time.Time `db:"last_used_at"`
	RevokedAt  *time.Time `db:"revoked_at"`
	CreatedAt  time.Time  `db:"created_at"`
}

// Allows reports whether the key's scope covers the needed scope.
func (k *APIKey) Allows(need string) bool {
	return k.Scope == ScopeAdmin || k.Scope == need
}

var keyEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// Keys look like sslr_<12 prefix chars>_<40 secret chars>; the prefix finds the row, the hash of the
// whole key proves it.
func newKey() (key, prefix string) {
	p := make([]byte, 8)
	s := make([]byte, 25)
	_, _ = rand.Read(p)
	_, _ = rand.Read(s)
	prefix = "sslr_" + strings.ToLower(keyEncoding.EncodeToString(p))[:12]
	return prefix + "_" + strings.ToLower(keyEncoding.EncodeToString(s)), prefix
}

func hashKey(key string) []byte {
	sum := sha256.Sum256([]byte(key))
	return sum[:]
}

// CreateAPIKey makes a key and returns it with its secret, which is not shown again.
func (s *Store) CreateAPIKey(ctx context.Context, tenantID uuid.UUID, name, scope string) (*APIKey, string, error) {
	name = strings.TrimSpace(name)
	var f errs.Fields
	if name == "" || len(name) > 100 {
		f.Add("name", "is required (at most 100 characters)")
	}
	if scope != ScopeBilling && scope != ScopeAdmin {
		f.Add("scope", "must be billing or admin")
	}
	if err := f.Err(); err != nil {
		return nil, "", err
	}
	key, prefix := newKey()
	actor := audit.ActorFrom(ctx)
	var k APIKey
	err := s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `INSERT INTO api_keys (tenant_id, id, name, prefix, hash, scope, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			RETURNING id, name, prefix, scope, created_by, last_used_at, revoked_at, created_at`,
			tenantID, uuid.Must(uuid.NewV7()), name, prefix, hashKey(key), scope, actor.Label)
		var err error
		k, err = pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[APIKey])
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, tenantID, "api_key.created", "api_key", k.ID.String(), map[string]string{"name": name, "scope": scope, "prefix": prefix})
	})
	if err != nil {
		return nil, "", fmt.Errorf("api key: create: %w", err)
	}
	return &k, key, nil
}

// ListAPIKeys returns the tenant's keys, newest first.
func (s *Store) ListAPIKeys(ctx context.Context, tenantID uuid.UUID) ([]APIKey, error) {
	var out []APIKey
	err := s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `SELECT id, name, prefix, scope, created_by, last_used_at, revoked_at, created_at
			FROM api_keys WHERE tenant_id = $1 ORDER BY id DESC`, tenantID)
		var err error
		out, err = pgx.CollectRows(rows, pgx.RowToStructByName[APIKey])
		return err
	})
	return out, err
}

// RevokeAPIKey revokes a key; it stops working at once.
func (s *Store) RevokeAPIKey(ctx context.Context, tenantID, id uuid.UUID) error {
	return s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE tenant_id = $1 AND id = $2`, tenantID, id)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return errs.New(errs.NotFound, "API key not found")
		}
		return audit.Record(ctx, tx, tenantID, "api_key.revoked", "api_key", id.String(), nil)
	})
}

// ErrBadKey is the one answer for a missing, malformed, unknown or revoked key.
var ErrBadKey = errs.New(errs.Unauthenticated, "the API key is missing, unknown or revoked")

// AuthenticateAPIKey finds the key's tenant in the system context (the tenant is not known before),
// compares the hash in constant time and records the use at most once a minute.
func (s *Store) AuthenticateAPIKey(ctx context.Context, key string) (uuid.UUID, *APIKey, error) {
	parts := strings.Split(key, "_")
	if len(parts) != 3 || parts[0] != "sslr" || len(parts[1]) != 12 || len(parts[2]) != 40 {
		return uuid.Nil, nil, ErrBadKey
	}
	prefix := parts[0] + "_" + parts[1]
	var tenantID uuid.UUID
	var k APIKey
	var hash []byte
	var stale bool
	err := s.sys.Tx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `SELECT k.tenant_id, k.id, k.name, k.prefix, k.scope, k.hash, k.revoked_at,
			k.last_used_at IS NULL OR k.last_used_at < now() - interval '1 minute'
			FROM api_keys k JOIN tenants t ON t.id = k.tenant_id AND t.status = 'active' WHERE k.prefix = $1`, prefix).
			Scan(&tenantID, &k.ID, &k.Name, &k.Prefix, &k.Scope, &hash, &k.RevokedAt, &stale)
		if err != nil {
			return err
		}
		if stale && k.RevokedAt == nil {
			_, err = tx.Exec(ctx, `UPDATE api_keys SET last_used_at = now() WHERE tenant_id = $1 AND id = $2`, tenantID, k.ID)
		}
		return err
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return uuid.Nil, nil, ErrBadKey
	}
	if err != nil {
		return uuid.Nil, nil, fmt.Errorf("api key: authenticate: %w", err)
	}
	if subtle.ConstantTimeCompare(hash, hashKey(key)) != 1 || k.RevokedAt != nil {
		return uuid.Nil, nil, ErrBadKey
	}
	return tenantID, &k, nil
}
