package provider_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/sslreseller/sslreseller/internal/audit"
	"github.com/sslreseller/sslreseller/internal/platform/db"
	"github.com/sslreseller/sslreseller/internal/platform/errs"
	"github.com/sslreseller/sslreseller/internal/platform/seal"
	"github.com/sslreseller/sslreseller/internal/platform/testdb"
	"github.com/sslreseller/sslreseller/internal/provider"
)

// echo is a provider double for the framework's own tests: it checks the credentials it is given
// and logs one call per operation.
type echo struct {
	acct provider.Account
	deps provider.Deps
}

func (e *echo) TestConnection(ctx context.Context) (string, error) {
	e.deps.Record(ctx, provider.Call{Provider: "echo", Command: "Ping", Outcome: "ok",
		Request: provider.RedactForm(map[string][]string{"uid": {e.acct.Credentials["uid"]}, "pw": {e.acct.Credentials["pw"]}}, "pw")})
	if e.acct.Credentials["pw"] != "s3cret-pass" {
		return "", &provider.Error{Class: provider.Auth, Message: "the user name or password is wrong: check them in the provider's control panel"}
	}
	return "connected as " + e.acct.Credentials["uid"], nil
}
func (e *echo) Catalog(context.Context) ([]provider.CatalogItem, error) { return nil, nil }
func (e *echo) Submit(context.Context, provider.Request) (*provider.Submission, error) {
	return nil, provider.Errorf(provider.Unsupported, "no")
}
func (e *echo) Status(context.Context, provider.StatusQuery) (*provider.Status, error) {
	return nil, provider.Errorf(provider.Unsupported, "no")
}

func echoSpec() provider.Spec {
	return provider.Spec{
		Name: "echo", Title: "Echo",
		Credentials: []provider.Key{{Name: "uid", Required: true}, {Name: "pw", Required: true}},
		Settings:    []provider.Key{{Name: "mode", Default: "fast"}},
		New: func(a provider.Account, d provider.Deps) (provider.Provider, error) {
			return &echo{acct: a, deps: d}, nil
		},
	}
}

func newStore(t *testing.T, pool *db.DB, allowCustom bool) *provider.Store {
	t.Helper()
	k := make([]byte, 32)
	_, _ = rand.Read(k)
	s, err := seal.New(base64.StdEncoding.EncodeToString(k))
	if err != nil {
		t.Fatal(err)
	}
	return provider.NewStore(pool, s, provider.NewRegistry(echoSpec()), provider.StoreOptions{AllowCustomEndpoints: allowCustom})
}

func newTenant(t *testing.T, pool *db.DB) uuid.UUID {
	t.Helper()
	id := uuid.Must(uuid.NewV7())
	if _, err := pool.Pool.Exec(context.Background(), `INSERT INTO tenants (id, slug, name, default_currency) VALUES ($1, $2, 'T', 'USD')`,
		id, "t"+strings.ReplaceAll(id.String(), "-", "")[20:]); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestCredentialsAreSealedAndNeverShown(t *testing.T) {
	t.Parallel()
	pool, _ := testdb.Open(t)
	st := newStore(t, pool, false)
	tenant := newTenant(t, pool)
	ctx := audit.WithActor(context.Background(), audit.Actor{Type: audit.ActorStaff, Label: "test"})

	_, err := st.Create(ctx, tenant, provider.AccountInput{Provider: "echo", Name: "Echo", Environment: "test", Endpoint: "http://127.0.0.1:1", Credentials: map[string]string{"uid": "reseller1", "pw": "s3cret-pass"}})
	if e, ok := errs.As(err); !ok || e.Fields[0].Field != "endpoint" {
		t.Fatalf("endpoint while custom endpoints are off: %v", err)
	}
	if _, err := st.Create(ctx, tenant, provider.AccountInput{Provider: "echo", Name: "Echo", Credentials: map[string]string{"uid": "x"}}); err == nil || !strings.Contains(err.Error(), "credentials.pw") {
		t.Fatalf("missing password: %v", err)
	}
	v, err := st.Create(ctx, tenant, provider.AccountInput{Provider: "echo", Name: "Echo", Environment: "test", Credentials: map[string]string{"uid": "reseller1", "pw": "s3cret-pass"}})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(v)
	if strings.Contains(string(raw), "s3cret") || strings.Join(v.CredentialsSet, ",") != "pw,uid" || v.Settings["mode"] != "fast" {
		t.Fatalf("view: %s", raw)
	}
	var sealed, auditData string
	err = db.NewSystem(pool).Tx(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT credentials_sealed FROM provider_accounts WHERE id = $1`, v.ID).Scan(&sealed); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `SELECT string_agg(data::text, ' ') FROM audit_events WHERE entity_id = $1`, v.ID.String()).Scan(&auditData)
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sealed, "s3cret") || strings.Contains(sealed, "reseller1") || strings.Contains(auditData, "s3cret") {
		t.Fatal("a credential is stored or audited in clear")
	}

	res, err := st.Test(ctx, tenant, v.ID)
	if err != nil || !res.OK || res.Detail != "connected as reseller1" {
		t.Fatalf("test: %+v %v", res, err)
	}
	calls, err := st.Calls(ctx, tenant, v.ID, uuid.Nil, 10)
	if err != nil || len(calls) != 1 || strings.Contains(calls[0].Request, "s3cret") || !strings.Contains(calls[0].Request, provider.Redacted) {
		t.Fatalf("call log: %+v %v", calls, err)
	}

	// Changing one credential keeps the other; a wrong one makes the test fail with advice.
	if _, err := st.Update(ctx, tenant, v.ID, provider.AccountPatch{Credentials: map[string]string{"pw": "wrong"}}); err != nil {
		t.Fatal(err)
	}
	res, _ = st.Test(ctx, tenant, v.ID)
	if res.OK || !strings.Contains(res.Detail, "password is wrong") {
		t.Fatalf("test with a wrong password: %+v", res)
	}
	if got, _ := st.Get(ctx, tenant, v.ID); got.LastTestOK == nil || *got.LastTestOK || got.LastTestDetail != res.Detail {
		t.Fatalf("last test not recorded: %+v", got)
	}

	// Another tenant cannot see or open it.
	other := newTenant(t, pool)
	if _, err := st.Get(ctx, other, v.ID); !errs.Is(err, errs.NotFound) {
		t.Fatalf("other tenant: %v", err)
	}
	if _, _, err := st.Open(ctx, other, v.ID); !errs.Is(err, errs.NotFound) {
		t.Fatalf("other tenant open: %v", err)
	}
}

func TestLimitsHoldAcrossProcesses(t *testing.T) {
	t.Parallel()
	pool, d := testdb.Open(t)
	// A second pool stands for a second process.
	pool2, err := db.Open(context.Background(), d.AppURL, 4)
	if err != nil {
		t.Fatal(err)
	}
	defer pool2.Close()
	st := newStore(t, pool, false)
	tenant := newTenant(t, pool)
	ctx := context.Background()
	one := 1
	v, err := st.Create(ctx, tenant, provider.AccountInput{Provider: "echo", Name: "Echo", Credentials: map[string]string{"uid": "u", "pw": "p"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Update(ctx, tenant, v.ID, provider.AccountPatch{MaxConcurrency: &one}); err != nil {
		t.Fatal(err)
	}
	l1, l2 := provider.NewLimiter(pool), provider.NewLimiter(pool2)

	release, err := l1.Acquire(ctx, tenant, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	// While process 1 holds the only slot, process 2 cannot get one.
	// (On a loaded machine the wait may end inside a query: a deadline error is no slot too.)
	short, cancel := context.WithTimeout(ctx, time.Second)
	_, err = l2.Acquire(short, tenant, v.ID)
	cancel()
	var pe *provider.Error
	if err == nil || !(errors.As(err, &pe) && pe.Class == provider.Temporary || errors.Is(err, context.DeadlineExceeded)) {
		t.Fatalf("second process got a slot while the first held it: %v", err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	got := make(chan error, 1)
	go func() {
		defer wg.Done()
		r, err := l2.Acquire(ctx, tenant, v.ID)
		if err == nil {
			r()
		}
		got <- err
	}()
	release()
	wg.Wait()
	if err := <-got; err != nil {
		t.Fatalf("after release: %v", err)
	}

	// The rate limit: one request a minute, the bucket drained.
	rate := 1
	if _, err := st.Update(ctx, tenant, v.ID, provider.AccountPatch{RatePerMinute: &rate}); err != nil {
		t.Fatal(err)
	}
	err = db.NewSystem(pool).Tx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE provider_limits SET tokens = 1, refilled_at = now() WHERE account_id = $1`, v.ID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	r, err := l1.Acquire(ctx, tenant, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	r()
	short, cancel = context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	if _, err := l2.Acquire(short, tenant, v.ID); !errors.As(err, &pe) || pe.Class != provider.Temporary {
		t.Fatalf("rate limit not held across processes: %v", err)
	}
}
