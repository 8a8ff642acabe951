package account

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/sslreseller/sslreseller/internal/audit"
	"github.com/sslreseller/sslreseller/internal/platform/db"
	"github.com/sslreseller/sslreseller/internal/platform/errs"
)

// ErrClientNotFound is returned for an unknown client or one of another tenant.
var ErrClientNotFound = errs.New(errs.NotFound, "client not found")

// Address is a postal address.
type Address struct {
	Line1      string `json:"line1"`
	Line2      string `json:"line2"`
	City       string `json:"city"`
	State      string `json:"state"`
	PostalCode string `json:"postal_code"`
	Country    string `json:"country"`
}

// Client is the reseller's customer: the person or organisation a certificate is bought for.
type Client struct {
	ID           uuid.UUID `json:"id"`
	Email        string    `json:"email"`
	FirstName    string    `json:"first_name"`
	LastName     string    `json:"last_name"`
	Organization string    `json:"organization"`
	Phone        string    `json:"phone"`
	Address      Address   `json:"address"`
	ExternalID   *string   `json:"external_id"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
	HasPassword  bool      `json:"-"`
}

// Name is the client's full name.
func (c *Client) Name() string { return strings.TrimSpace(c.FirstName + " " + c.LastName) }

// ClientInput creates a client; every field is replaced by an update.
type ClientInput struct {
	Email        string  `json:"email"`
	FirstName    string  `json:"first_name"`
	LastName     string  `json:"last_name"`
	Organization string  `json:"organization"`
	Phone        string  `json:"phone"`
	Address      Address `json:"address"`
	ExternalID   *string `json:"external_id"`
}

// Opt is a field of a partial update: Set tells that the key was present; JSON null sets the zero value.
type Opt[T any] struct {
	Set   bool
	Value T
}

// UnmarshalJSON marks the field as present.
func (o *Opt[T]) UnmarshalJSON(b []byte) error {
	o.Set = true
	if string(b) == "null" {
		var zero T
		o.Value = zero
		return nil
	}
	return json.Unmarshal(b, &o.Value)
}

// AddressPatch changes some fields of an address.
type AddressPatch struct {
	Line1      Opt[string] `json:"line1"`
	Line2      Opt[string] `json:"line2"`
	City       Opt[string] `json:"city"`
	State      Opt[string] `json:"state"`
	PostalCode Opt[string] `json:"postal_code"`
	Country    Opt[string] `json:"country"`
}

// ClientPatch changes the fields that are present.
type ClientPatch struct {
	Email        Opt[string]        `json:"email"`
	FirstName    Opt[string]        `json:"first_name"`
	LastName     Opt[string]        `json:"last_name"`
	Organization Opt[string]        `json:"organization"`
	Phone        Opt[string]        `json:"phone"`
	Address      Opt[*AddressPatch] `json:"address"`
	ExternalID   Opt[*string]       `json:"external_id"`
}

// Apply returns the input that results from applying the patch to c.
func (p *ClientPatch) Apply(c *Client) ClientInput {
	in := ClientInput{Email: c.Email, FirstName: c.FirstName, LastName: c.LastName, Organization: c.Organization,
		Phone: c.Phone, Address: c.Address, ExternalID: c.ExternalID}
	set := func(dst *string, o Opt[string]) {
		if o.Set {
			*dst = o.Value
		}
	}
	set(&in.Email, p.Email)
	set(&in.FirstName, p.FirstName)
	set(&in.LastName, p.LastName)
	set(&in.Organization, p.Organization)
	set(&in.Phone, p.Phone)
	if p.Address.Set {
		if p.Address.Value == nil {
			in.Address = Address{}
		} else {
			a := p.Address.Value
			set(&in.Address.Line1, a.Line1)
			set(&in.Address.Line2, a.Line2)
			set(&in.Address.City, a.City)
			set(&in.Address.State, a.State)
			set(&in.Address.PostalCode, a.PostalCode)
			set(&in.Address.Country, a.Country)
		}
	}
	if p.ExternalID.Set {
		in.ExternalID = p.ExternalID.Value
	}
	return in
}

// Validate normalises the input and names every bad field.
func (in *ClientInput) Validate() error {
	var f errs.Fields
	trim := func(s *string) { *s = strings.TrimSpace(*s) }
	for _, s := range []*string{&in.FirstName, &in.LastName, &in.Organization, &in.Phone, &in.Address.Line1,
		&in.Address.Line2, &in.Address.City, &in.Address.State, &in.Address.PostalCode, &in.Address.Country} {
		trim(s)
	}
	if e, ok := NormalizeEmail(in.Email); !ok {
		if strings.TrimSpace(in.Email) == "" {
			f.Add("email", "is required")
		} else {
			f.Add("email", "%q is not an e-mail address", in.Email)
		}
	} else {
		in.Email = e
	}
	limit := func(field, v string, required bool, max int) {
		switch {
		case required && v == "":
			f.Add(field, "is required")
		case len(v) > max:
			f.Add(field, "must be at most %d characters", max)
		}
	}
	limit("first_name", in.FirstName, true, 100)
	limit("last_name", in.LastName, true, 100)
	limit("organization", in.Organization, false, 200)
	limit("address.line1", in.Address.Line1, false, 200)
	limit("address.line2", in.Address.Line2, false, 200)
	limit("address.city", in.Address.City, false, 100)
	limit("address.state", in.Address.State, false, 100)
	limit("address.postal_code", in.Address.PostalCode, false, 20)
	if in.Phone != "" && !validPhone(in.Phone) {
		f.Add("phone", "%q is not a phone number (digits, spaces, + . - ( ) only, 5 to 20 digits)", in.Phone)
	}
	in.Address.Country = strings.ToUpper(in.Address.Country)
	if in.Address.Country != "" && !ValidCountry(in.Address.Country) {
		f.Add("address.country", "%q is not an ISO 3166 alpha-2 country code", in.Address.Country)
	}
	if in.ExternalID != nil {
		v := strings.TrimSpace(*in.ExternalID)
		switch {
		case v == "":
			in.ExternalID = nil
		case len(v) > 100:
			f.Add("external_id", "must be at most 100 characters")
		default:
			in.ExternalID = &v
		}
	}
	return f.Err()
}

const clientColumns = `id, email, first_name, last_name, organization, phone, address_line1, address_line2, city, state,
	postal_code, country, external_id, password_hash IS NOT NULL AS has_password, created_at, updated_at`

func scanClient(row pgx.CollectableRow) (Client, error) {
	var c Client
	err := row.Scan(&c.ID, &c.Email, &c.FirstName, &c.LastName, &c.Organization, &c.Phone, &c.Address.Line1,
		&c.Address.Line2, &c.Address.City, &c.Address.State, &c.Address.PostalCode, &c.Address.Country,
		&c.ExternalID, &c.HasPassword, &c.CreatedAt, &c.UpdatedAt)
	return c, err
}

func clientConflict(err error, in *ClientInput) error {
	name, ok := db.UniqueViolation(err)
	switch {
	case !ok:
		return err
	case name == "clients_external_id":
		return &errs.Error{Code: errs.Conflict, Message: "a client with this external_id already exists",
			Fields: []errs.FieldError{{Field: "external_id", Detail: fmt.Sprintf("%q is used by another client", *in.ExternalID)}}}
	default:
		return &errs.Error{Code: errs.Conflict, Message: "a client with this e-mail address already exists",
			Fields: []errs.FieldError{{Field: "email", Detail: fmt.Sprintf("%s is used by another client", in.Email)}}}
	}
}

// CreateClient adds a client.
func (s *Store) CreateClient(ctx context.Context, tenantID uuid.UUID, in ClientInput) (*Client, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var c Client
	err := s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `INSERT INTO clients (tenant_id, id, email, first_name, last_name, organization, phone,
			address_line1, address_line2, city, state, postal_code, country, external_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING `+clientColumns,
			tenantID, uuid.Must(uuid.NewV7()), in.Email, in.FirstName, in.LastName, in.Organization, in.Phone,
			in.Address.Line1, in.Address.Line2, in.Address.City, in.Address.State, in.Address.PostalCode,
			in.Address.Country, in.ExternalID)
		var err error
		c, err = pgx.CollectExactlyOneRow(rows, scanClient)
		if err != nil {
			return clientConflict(err, &in)
		}
		return audit.Record(ctx, tx, tenantID, "client.created", "client", c.ID.String(), in)
	})
	if err != nil {
		return nil, fmt.Errorf("client: create: %w", err)
	}
	return &c, nil
}

// GetClient returns one client of the tenant.
func (s *Store) GetClient(ctx context.Context, tenantID, id uuid.UUID) (*Client, error) {
	var c Client
	err := s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		var err error
		c, err = getClient(ctx, tx, tenantID, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &c, nil
}

func getClient(ctx context.Context, tx pgx.Tx, tenantID, id uuid.UUID) (Client, error) {
	rows, _ := tx.Query(ctx, `SELECT `+clientColumns+` FROM clients WHERE tenant_id = $1 AND id = $2`, tenantID, id)
	c, err := pgx.CollectExactlyOneRow(rows, scanClient)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, ErrClientNotFound
	}
	return c, err
}

// UpdateClient applies a patch.
func (s *Store) UpdateClient(ctx context.Context, tenantID, id uuid.UUID, p ClientPatch) (*Client, error) {
	var c Client
	err := s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `SELECT `+clientColumns+` FROM clients WHERE tenant_id = $1 AND id = $2 FOR UPDATE`, tenantID, id)
		old, err := pgx.CollectExactlyOneRow(rows, scanClient)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrClientNotFound
		}
		if err != nil {
			return err
		}
		in := p.Apply(&old)
		if err := in.Validate(); err != nil {
			return err
		}
		rows, _ = tx.Query(ctx, `UPDATE clients SET email = $3, first_name = $4, last_name = $5, organization = $6,
			phone = $7, address_line1 = $8, address_line2 = $9, city = $10, state = $11, postal_code = $12, country = $13,
			external_id = $14, updated_at = now() WHERE tenant_id = $1 AND id = $2 RETURNING `+clientColumns,
			tenantID, id, in.Email, in.FirstName, in.LastName, in.Organization, in.Phone, in.Address.Line1,
			in.Address.Line2, in.Address.City, in.Address.State, in.Address.PostalCode, in.Address.Country, in.ExternalID)
		c, err = pgx.CollectExactlyOneRow(rows, scanClient)
		if err != nil {
			return clientConflict(err, &in)
		}
		return audit.Record(ctx, tx, tenantID, "client.updated", "client", id.String(), in)
	})
	if err != nil {
		return nil, fmt.Errorf("client: update: %w", err)
	}
	return &c, nil
}

// ClientFilter narrows a client list.
type ClientFilter struct {
	Query      string // substring of e-mail, name, organisation or external id
	Email      string
	ExternalID string
	Newest     bool // newest first (the admin list); oldest first otherwise (the API)
}

// ListClients returns one page of clients and the cursor of the next page ("" at the end).
func (s *Store) ListClients(ctx context.Context, tenantID uuid.UUID, f ClientFilter, p Page) ([]Client, string, error) {
	if err := p.Normalize(); err != nil {
		return nil, "", err
	}
	after, err := DecodeCursor(p.Cursor)
	if err != nil {
		return nil, "", err
	}
	q := `SELECT ` + clientColumns + ` FROM clients WHERE tenant_id = $1`
	args := []any{tenantID}
	add := func(cond string, v any) {
		args = append(args, v)
		q += fmt.Sprintf(" AND "+cond, len(args))
	}
	if after != uuid.Nil {
		if f.Newest {
			add("id < $%d", after)
		} else {
			add("id > $%d", after)
		}
	}
	if s := strings.TrimSpace(f.Query); s != "" {
		esc := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.ToLower(s))
		add("search LIKE '%%' || $%d || '%%'", esc)
	}
	if f.Email != "" {
		add("lower(email) = lower($%d)", strings.TrimSpace(f.Email))
	}
	if f.ExternalID != "" {
		add("external_id = $%d", f.ExternalID)
	}
	if f.Newest {
		q += " ORDER BY id DESC"
	} else {
		q += " ORDER BY id"
	}
	args = append(args, p.Limit+1)
	q += fmt.Sprintf(" LIMIT $%d", len(args))
	var out []Client
	err = s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, q, args...)
		var err error
		out, err = pgx.CollectRows(rows, scanClient)
		return err
	})
	if err != nil {
		return nil, "", fmt.Errorf("client: list: %w", err)
	}
	next := ""
	if len(out) > p.Limit {
		out = out[:p.Limit]
		next = EncodeCursor(out[len(out)-1].ID)
	}
	return out, next, nil
}

// AuthenticateClient checks a client's portal password.
func (s *Store) AuthenticateClient(ctx context.Context, tenantID uuid.UUID, email, pw string) (*Client, error) {
	var c Client
	var hash *string
	err := s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT id, email, first_name, last_name, password_hash FROM clients
			WHERE tenant_id = $1 AND lower(email) = lower($2)`, tenantID, strings.TrimSpace(email)).
			Scan(&c.ID, &c.Email, &c.FirstName, &c.LastName, &hash)
	})
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && hash == nil) {
		s.hasher.dummyVerify(pw)
		return nil, errs.New(errs.Unauthenticated, "e-mail or password is wrong")
	}
	if err != nil {
		return nil, err
	}
	if !s.hasher.Verify(*hash, pw) {
		return nil, errs.New(errs.Unauthenticated, "e-mail or password is wrong")
	}
	return &c, nil
}

// SetClientPassword sets a client's portal password.
func (s *Store) SetClientPassword(ctx context.Context, tenantID, id uuid.UUID, pw string) error {
	if err := CheckPassword("password", pw); err != nil {
		return err
	}
	hash, err := s.hasher.Hash(pw)
	if err != nil {
		return err
	}
	return s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE clients SET password_hash = $3, updated_at = now() WHERE tenant_id = $1 AND id = $2`, tenantID, id, hash)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return ErrClientNotFound
		}
		return audit.Record(ctx, tx, tenantID, "client.password_set", "client", id.String(), nil)
	})
}

// ClientTx returns a client inside the caller's transaction.
func (s *Store) ClientTx(ctx context.Context, tx pgx.Tx, tenantID, id uuid.UUID) (*Client, error) {
	c, err := getClient(ctx, tx, tenantID, id)
	if err != nil {
		return nil, err
	}
	return &c, nil
}
