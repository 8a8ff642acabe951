package httpapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"go.uber.org/zap"

	"github.com/sslreseller/sslreseller/internal/account"
	"github.com/sslreseller/sslreseller/internal/audit"
	"github.com/sslreseller/sslreseller/internal/catalog"
	"github.com/sslreseller/sslreseller/internal/notify"
	"github.com/sslreseller/sslreseller/internal/order"
	"github.com/sslreseller/sslreseller/internal/platform/db"
	"github.com/sslreseller/sslreseller/internal/platform/errs"
	"github.com/sslreseller/sslreseller/internal/provider"
)

// Deps are what the API needs.
type Deps struct {
	DB        *db.DB
	Accounts  *account.Store
	Providers *provider.Store
	Catalog   *catalog.Store
	Orders    *order.Service
	Log       *zap.Logger
	OpenAPI   []byte
	// OnTenant is told the tenant of an authenticated request (for the access log).
	OnTenant func(r *http.Request, tenantID uuid.UUID)
	Notify   *notify.Service
}

// API serves /api/v1.
type API struct {
	db        *db.DB
	accounts  *account.Store
	providers *provider.Store
	catalog   *catalog.Store
	orders    *order.Service
	log       *zap.Logger
	openapi   []byte
	onTenant  func(*http.Request, uuid.UUID)
	notify    *notify.Service
}

// New builds the API.
func New(d Deps) *API {
	on := d.OnTenant
	if on == nil {
		on = func(*http.Request, uuid.UUID) {}
	}
	return &API{db: d.DB, accounts: d.Accounts, providers: d.Providers, catalog: d.Catalog, orders: d.Orders, log: d.Log, openapi: d.OpenAPI, onTenant: on, notify: d.Notify}
}

// Routes returns the handler for everything under /api/v1.
func (a *API) Routes() http.Handler {
	r := chi.NewRouter()
	r.Get("/openapi.yaml", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/yaml")
		_, _ = w.Write(a.openapi)
	})
	r.Group(func(r chi.Router) {
		r.Use(a.authenticate)
		r.Use(a.idempotency)
		r.Route("/clients", func(r chi.Router) {
			r.Use(a.requireScope(account.ScopeBilling))
			r.Get("/", a.listClients)
			r.Post("/", a.createClient)
			r.Get("/{id}", a.getClient)
			r.Patch("/{id}", a.patchClient)
		})
		a.catalogRoutes(r)
		a.orderRoutes(r)
		a.notifyRoutes(r)
	})
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		a.writeProblem(w, r, errs.New(errs.NotFound, "no such API resource: %s", r.URL.Path))
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", "") // chi sets the real list before calling this handler
		p := errs.New(errs.Invalid, "method %s is not allowed on %s", r.Method, r.URL.Path)
		a.writeProblemStatus(w, r, p, http.StatusMethodNotAllowed)
	})
	return r
}

func (a *API) writeProblemStatus(w http.ResponseWriter, r *http.Request, e *errs.Error, status int) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(Problem{Type: "urn:sslreseller:problem:invalid_request", Title: http.StatusText(status),
		Status: status, Detail: e.Message, Code: "invalid_request"})
}

type ctxKey int

const (
	keyTenant ctxKey = iota
	keyAPIKey
)

func tenantOf(r *http.Request) uuid.UUID { return r.Context().Value(keyTenant).(uuid.UUID) }

func keyOf(r *http.Request) *account.APIKey { return r.Context().Value(keyAPIKey).(*account.APIKey) }

// authenticate accepts only "Authorization: Bearer <key>"; cookies are never looked at.
func (a *API) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := r.Header.Get("Authorization")
		scheme, key, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(key) == "" {
			a.writeProblem(w, r, errs.New(errs.Unauthenticated, "send the API key as: Authorization: Bearer <key>"))
			return
		}
		tenantID, k, err := a.accounts.AuthenticateAPIKey(r.Context(), strings.TrimSpace(key))
		if err != nil {
			a.writeProblem(w, r, err)
			return
		}
		a.onTenant(r, tenantID)
		ctx := context.WithValue(r.Context(), keyTenant, tenantID)
		ctx = context.WithValue(ctx, keyAPIKey, k)
		ctx = audit.WithActor(ctx, audit.Actor{Type: audit.ActorAPIKey, ID: k.ID.String(), Label: k.Name + " (" + k.Prefix + ")",
			RemoteAddr: r.RemoteAddr, RequestID: requestID(r)})
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func (a *API) requireScope(scope string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if k := keyOf(r); !k.Allows(scope) {
				a.writeProblem(w, r, errs.New(errs.Forbidden, "this API key has scope %q; this request needs %q", k.Scope, scope))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// idempotency honours Idempotency-Key on every POST (and requires it where requiredFor says so): the
// same key with the same JSON replays the first 2xx answer with Idempotent-Replayed: true; a
// different body is a 409 idempotency_conflict. Keys are scoped to the tenant and kept 24 hours.
func (a *API) idempotency(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			next.ServeHTTP(w, r)
			return
		}
		key := r.Header.Get("Idempotency-Key")
		if key == "" {
			if requiredFor(r) {
				a.writeProblem(w, r, errs.Field("Idempotency-Key", "header is required on this request"))
				return
			}
			next.ServeHTTP(w, r)
			return
		}
		if len(key) > 255 {
			a.writeProblem(w, r, errs.Field("Idempotency-Key", "must be at most 255 characters"))
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			a.writeProblem(w, r, decodeError(err))
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		hash := requestHash(r, body)
		tenantID := tenantOf(r)
		replay, err := a.reserveKey(r.Context(), tenantID, key, hash)
		if err != nil {
			a.writeProblem(w, r, err)
			return
		}
		if replay != nil {
			for k, v := range replay.headers {
				w.Header().Set(k, v)
			}
			w.Header().Set("Idempotent-Replayed", "true")
			w.WriteHeader(replay.status)
			_, _ = w.Write(replay.body)
			return
		}
		rec := &recorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		a.finishKey(r.Context(), tenantID, key, rec)
	})
}

// requiredFor lists the requests where the key is mandatory.
func requiredFor(r *http.Request) bool {
	p := strings.TrimSuffix(r.URL.Path, "/")
	return strings.HasSuffix(p, "/api/v1/orders") || (strings.Contains(p, "/api/v1/orders/") && strings.HasSuffix(p, "/renew"))
}

func requestHash(r *http.Request, body []byte) []byte {
	h := sha256.New()
	h.Write([]byte(r.Method + " " + r.URL.Path + "\n"))
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&v); err == nil {
		canonical, _ := json.Marshal(v) // maps marshal with sorted keys: equal JSON gives equal bytes
		h.Write(canonical)
	} else {
		h.Write(body)
	}
	return h.Sum(nil)
}

type storedResponse struct {
	status  int
	headers map[string]string
	body    []byte
}

func (a *API) reserveKey(ctx context.Context, tenantID uuid.UUID, key string, hash []byte) (*storedResponse, error) {
	var out *storedResponse
	err := a.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		// A new key, or one older than 24 hours, is (re)claimed; otherwise the row is compared.
		var claimed bool
		err := tx.QueryRow(ctx, `INSERT INTO idempotency_keys (tenant_id, key, request_hash) VALUES ($1, $2, $3)
			ON CONFLICT (tenant_id, key) DO UPDATE SET request_hash = EXCLUDED.request_hash, status_code = NULL,
				response_headers = NULL, response_body = NULL, created_at = now()
			WHERE idempotency_keys.created_at < now() - interval '24 hours'
			RETURNING true`, tenantID, key, hash).Scan(&claimed)
		if err == nil {
			return nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		var stored []byte
		var status *int
		var headers map[string]string
		var body []byte
		if err := tx.QueryRow(ctx, `SELECT request_hash, status_code, response_headers, response_body FROM idempotency_keys
			WHERE tenant_id = $1 AND key = $2`, tenantID, key).Scan(&stored, &status, &headers, &body); err != nil {
			return err
		}
		if !bytes.Equal(stored, hash) {
			return errs.New(errs.IdempotencyConflict, "this Idempotency-Key was used with a different request; use a new key for a new request")
		}
		if status == nil {
			return errs.New(errs.Conflict, "a request with this Idempotency-Key is still being processed; retry in a moment")
		}
		out = &storedResponse{status: *status, headers: headers, body: body}
		return nil
	})
	return out, err
}

// finishKey keeps a 2xx answer for replay and releases the key otherwise, so a corrected request can
// use it again (an error changed nothing).
func (a *API) finishKey(ctx context.Context, tenantID uuid.UUID, key string, rec *recorder) {
	ctx = context.WithoutCancel(ctx)
	err := a.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		if rec.status < 200 || rec.status > 299 {
			_, err := tx.Exec(ctx, `DELETE FROM idempotency_keys WHERE tenant_id = $1 AND key = $2`, tenantID, key)
			return err
		}
		headers := map[string]string{}
		for _, h := range []string{"Content-Type", "Location"} {
			if v := rec.Header().Get(h); v != "" {
				headers[h] = v
			}
		}
		_, err := tx.Exec(ctx, `UPDATE idempotency_keys SET status_code = $3, response_headers = $4, response_body = $5
			WHERE tenant_id = $1 AND key = $2`, tenantID, key, rec.status, headers, rec.body.Bytes())
		return err
	})
	if err != nil {
		a.log.Error("idempotency: store response", zap.Error(err))
	}
}

type recorder struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
	wrote  bool
}

func (r *recorder) WriteHeader(s int) {
	if !r.wrote {
		r.status, r.wrote = s, true
	}
	r.ResponseWriter.WriteHeader(s)
}

func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	r.body.Write(b)
	return r.ResponseWriter.Write(b)
}

func pathID(r *http.Request, what string) (uuid.UUID, error) {
	id, err := uuid.Parse(chi.URLParam(r, "id"))
	if err != nil {
		// A malformed id cannot exist: answered like any unknown id.
		return uuid.Nil, errs.New(errs.NotFound, "%s not found", what)
	}
	return id, nil
}

func encodeCursor(id uuid.UUID) string { return account.EncodeCursor(id) }

func decodeCursor(c string) (uuid.UUID, error) { return account.DecodeCursor(c) }

func pageOf(r *http.Request) (account.Page, error) {
	p := account.Page{Cursor: r.URL.Query().Get("cursor")}
	if s := r.URL.Query().Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			return p, errs.Field("limit", "must be an integer between 1 and %d", account.MaxLimit)
		}
		p.Limit = n
	}
	return p, p.Normalize()
}
