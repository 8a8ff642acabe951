package account

import (
	"context"
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

// Roles of tenant staff.
const (
	RoleOwner   = "owner"   // everything
	RoleAdmin   = "admin"   // everything but staff users
	RoleSupport = "support" // read everything, act on orders; no prices, accounts or keys
)

// ValidRole reports whether r is a staff role.
func ValidRole(r string) bool { return r == RoleOwner || r == RoleAdmin || r == RoleSupport }

// ErrUserNotFound is returned for an unknown user.
var ErrUserNotFound = errs.New(errs.NotFound, "user not found")

// User is a member of a tenant's staff.
type User struct {
	ID          uuid.UUID  `db:"id"`
	Email       string     `db:"email"`
	Name        string     `db:"name"`
	Role        string     `db:"role"`
	DisabledAt  *time.Time `db:"disabled_at"`
	LastLoginAt *time.Time `db:"last_login_at"`
	CreatedAt   time.Time  `db:"created_at"`
}

// Can reports whether the user's role allows a kind of change: "staff" (users), "settings" (prices,
// accounts, keys) or "orders" (order actions).
func (u *User) Can(what string) bool {
	switch what {
	case "staff":
		return u.Role == RoleOwner
	case "settings":
		return u.Role == RoleOwner || u.Role == RoleAdmin
	default:
		return true
	}
}

// UserInput creates a staff user.
type UserInput struct {
	Email    string
	Name     string
	Role     string
	Password string
}

// CreateUser adds a staff user.
func (s *Store) CreateUser(ctx context.Context, tenantID uuid.UUID, in UserInput) (*User, error) {
	var f errs.Fields
	email, ok := NormalizeEmail(in.Email)
	if !ok {
		f.Add("email", "%q is not an e-mail address", in.Email)
	}
	in.Name = strings.TrimSpace(in.Name)
	if len(in.Name) > 100 {
		f.Add("name", "must be at most 100 characters")
	}
	if !ValidRole(in.Role) {
		f.Add("role", "must be owner, admin or support")
	}
	if err := CheckPassword("password", in.Password); err != nil {
		e, _ := errs.As(err)
		f = append(f, e.Fields...)
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	hash, err := s.hasher.Hash(in.Password)
	if err != nil {
		return nil, err
	}
	var u User
	err = s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `INSERT INTO users (tenant_id, id, email, name, role, password_hash)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, email, name, role, disabled_at, last_login_at, created_at`,
			tenantID, uuid.Must(uuid.NewV7()), email, in.Name, in.Role, hash)
		var err error
		u, err = pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[User])
		if _, dup := db.UniqueViolation(err); dup {
			return &errs.Error{Code: errs.Conflict, Message: "a staff user with this e-mail already exists",
				Fields: []errs.FieldError{{Field: "email", Detail: email + " is already a staff user"}}}
		}
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, tenantID, "user.created", "user", u.ID.String(), map[string]string{"email": email, "role": in.Role})
	})
	if err != nil {
		return nil, fmt.Errorf("user: create: %w", err)
	}
	return &u, nil
}

// ListUsers returns the tenant's staff, by e-mail.
func (s *Store) ListUsers(ctx context.Context, tenantID uuid.UUID) ([]User, error) {
	var out []User
	err := s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `SELECT id, email, name, role, disabled_at, last_login_at, created_at FROM users
			WHERE tenant_id = $1 ORDER BY lower(email)`, tenantID)
		var err error
		out, err = pgx.CollectRows(rows, pgx.RowToStructByName[User])
		return err
	})
	return out, err
}

// GetUser returns one staff user.
func (s *Store) GetUser(ctx context.Context, tenantID, id uuid.UUID) (*User, error) {
	var u User
	err := s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `SELECT id, email, name, role, disabled_at, last_login_at, created_at FROM users
			WHERE tenant_id = $1 AND id = $2`, tenantID, id)
		var err error
		u, err = pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[User])
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrUserNotFound
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// UpdateUser changes a user's role and whether it is disabled. The last active owner cannot be
// demoted or disabled.
func (s *Store) UpdateUser(ctx context.Context, tenantID, id uuid.UUID, role string, disabled bool) error {
	if !ValidRole(role) {
		return errs.Field("role", "must be owner, admin or support")
	}
	return s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		var oldRole string
		var oldDisabled bool
		err := tx.QueryRow(ctx, `SELECT role, disabled_at IS NOT NULL FROM users WHERE tenant_id = $1 AND id = $2 FOR UPDATE`,
			tenantID, id).Scan(&oldRole, &oldDisabled)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrUserNotFound
		}
		if err != nil {
			return err
		}
		if oldRole == RoleOwner && !oldDisabled && (role != RoleOwner || disabled) {
			var owners int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM users WHERE tenant_id = $1 AND role = 'owner' AND disabled_at IS NULL`,
				tenantID).Scan(&owners); err != nil {
				return err
			}
			if owners <= 1 {
				return errs.New(errs.Conflict, "this is the last active owner: make another user owner first")
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET role = $3,
			disabled_at = CASE WHEN $4 THEN coalesce(disabled_at, now()) ELSE NULL END, updated_at = now()
			WHERE tenant_id = $1 AND id = $2`, tenantID, id, role, disabled); err != nil {
			return err
		}
		return audit.Record(ctx, tx, tenantID, "user.updated", "user", id.String(), map[string]any{"role": role, "disabled": disabled})
	})
}

// AuthenticateUser checks a staff login and records it.
func (s *Store) AuthenticateUser(ctx context.Context, tenantID uuid.UUID, email, pw string) (*User, error) {
	var u User
	var hash string
	err := s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT id, email, name, role, disabled_at, password_hash FROM users
			WHERE tenant_id = $1 AND lower(email) = lower($2)`, tenantID, strings.TrimSpace(email)).
			Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.DisabledAt, &hash)
	})
	if errors.Is(err, pgx.ErrNoRows) {
		s.hasher.dummyVerify(pw)
		return nil, errs.New(errs.Unauthenticated, "e-mail or password is wrong")
	}
	if err != nil {
		return nil, err
	}
	if !s.hasher.Verify(hash, pw) || u.DisabledAt != nil {
		return nil, errs.New(errs.Unauthenticated, "e-mail or password is wrong")
	}
	err = s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE users SET last_login_at = now() WHERE tenant_id = $1 AND id = $2`, tenantID, u.ID)
		return err
	})
	return &u, err
}

// ResetUserPassword sets a new password for the staff user with this e-mail.
func (s *Store) ResetUserPassword(ctx context.Context, tenantID uuid.UUID, email, pw string) error {
	if err := CheckPassword("password", pw); err != nil {
		return err
	}
	hash, err := s.hasher.Hash(pw)
	if err != nil {
		return err
	}
	return s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		var id uuid.UUID
		err := tx.QueryRow(ctx, `UPDATE users SET password_hash = $3, updated_at = now()
			WHERE tenant_id = $1 AND lower(email) = lower($2) RETURNING id`, tenantID, strings.TrimSpace(email), hash).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return errs.Field("email", "no staff user with e-mail %s", email)
		}
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, tenantID, "user.password_reset", "user", id.String(), nil)
	})
}

// Operator runs the platform.
type Operator struct {
	ID    uuid.UUID
	Email string
}

// CreateOperator adds a platform operator.
func (s *Store) CreateOperator(ctx context.Context, email, pw string) (*Operator, error) {
	e, ok := NormalizeEmail(email)
	if !ok {
		return nil, errs.Field("email", "%q is not an e-mail address", email)
	}
	if err := CheckPassword("password", pw); err != nil {
		return nil, err
	}
	hash, err := s.hasher.Hash(pw)
	if err != nil {
		return nil, err
	}
	op := &Operator{ID: uuid.Must(uuid.NewV7()), Email: e}
	err = s.db.Plain(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO operators (id, email, password_hash) VALUES ($1, $2, $3)`, op.ID, e, hash)
		if _, dup := db.UniqueViolation(err); dup {
			return errs.Field("email", "an operator with e-mail %s already exists", e)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("operator: create: %w", err)
	}
	return op, nil
}

// AuthenticateOperator checks an operator login.
func (s *Store) AuthenticateOperator(ctx context.Context, email, pw string) (*Operator, error) {
	var op Operator
	var hash string
	err := s.db.Pool.QueryRow(ctx, `SELECT id, email, password_hash FROM operators WHERE lower(email) = lower($1)`,
		strings.TrimSpace(email)).Scan(&op.ID, &op.Email, &hash)
	if errors.Is(err, pgx.ErrNoRows) {
		s.hasher.dummyVerify(pw)
		return nil, errs.New(errs.Unauthenticated, "e-mail or password is wrong")
	}
	if err != nil {
		return nil, err
	}
	if !s.hasher.Verify(hash, pw) {
		return nil, errs.New(errs.Unauthenticated, "e-mail or password is wrong")
	}
	_, _ = s.db.Pool.Exec(ctx, `UPDATE operators SET last_login_at = now() WHERE id = $1`, op.ID)
	return &op, nil
}

// GetOperator returns an operator by id.
func (s *Store) GetOperator(ctx context.Context, id uuid.UUID) (*Operator, error) {
	op := Operator{ID: id}
	err := s.db.Pool.QueryRow(ctx, `SELECT email FROM operators WHERE id = $1`, id).Scan(&op.Email)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, errs.New(errs.Unauthenticated, "operator not found")
	}
	return &op, err
}
