package account

import (
	"encoding/base64"
	"encoding/json"

	"github.com/google/uuid"

	"github.com/sslreseller/sslreseller/internal/platform/db"
	"github.com/sslreseller/sslreseller/internal/platform/errs"
)

// Store reads and writes users, operators, clients and API keys.
type Store struct {
	db     *db.DB
	sys    *db.System
	hasher Hasher
}

// NewStore returns a Store. sys is used only to find the tenant of an API key and for operators.
func NewStore(d *db.DB, sys *db.System, h Hasher) *Store {
	return &Store{db: d, sys: sys, hasher: h}
}

// Hasher returns the password hasher.
func (s *Store) Hasher() Hasher { return s.hasher }

// Page asks for one page of a keyset-paginated list.
type Page struct {
	Limit  int
	Cursor string
}

// DefaultLimit and MaxLimit bound list pages.
const (
	DefaultLimit = 50
	MaxLimit     = 200
)

// Normalize applies the default and checks the bounds.
func (p *Page) Normalize() error {
	if p.Limit == 0 {
		p.Limit = DefaultLimit
	}
	if p.Limit < 1 || p.Limit > MaxLimit {
		return errs.Field("limit", "must be between 1 and %d", MaxLimit)
	}
	return nil
}

// EncodeCursor makes an opaque cursor from the last id of a page.
func EncodeCursor(id uuid.UUID) string {
	b, _ := json.Marshal(map[string]string{"after": id.String()})
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeCursor reads a cursor made by EncodeCursor; "" means the first page.
func DecodeCursor(c string) (uuid.UUID, error) {
	if c == "" {
		return uuid.Nil, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(c)
	var v struct {
		After string `json:"after"`
	}
	if err == nil {
		err = json.Unmarshal(raw, &v)
	}
	id, err2 := uuid.Parse(v.After)
	if err != nil || err2 != nil {
		return uuid.Nil, errs.Field("cursor", "is not a cursor this API returned")
	}
	return id, nil
}
