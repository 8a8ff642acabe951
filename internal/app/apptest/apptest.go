// Package apptest starts a whole sslreseller (HTTP server and River workers) on a loopback port
// over a fresh test database, with one tenant, an owner login and API keys, for API and browser tests.
package apptest

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"net"
	"net/http"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/sslreseller/sslreseller/internal/account"
	"github.com/sslreseller/sslreseller/internal/app"
	"github.com/sslreseller/sslreseller/internal/audit"
	"github.com/sslreseller/sslreseller/internal/platform/config"
	"github.com/sslreseller/sslreseller/internal/platform/testdb"
	"github.com/sslreseller/sslreseller/internal/tenant"
)

// Server is a running service with a seeded tenant.
type Server struct {
	App        *app.App
	URL        string // e.g. http://127.0.0.1:41234
	DB         *testdb.Database
	Tenant     *tenant.Tenant
	OwnerEmail string
	OwnerPass  string
	BillingKey string
	AdminKey   string
	Client     *http.Client
	contract   *http.Client
}

// Options adjust the server.
type Options struct {
	// Logger receives the service's logs; zaptest's when nil.
	Logger *zap.Logger
	// Now is the service's clock; time.Now when nil.
	Now func() time.Time
	// Configure changes the configuration before the service starts.
	Configure func(*config.Config)
}

// New starts a server and stops it when the test ends.
func New(tb testing.TB, opts ...Options) *Server {
	tb.Helper()
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	d := testdb.New(tb)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	cfg, err := config.Load("")
	if err != nil {
		tb.Fatal(err)
	}
	cfg.Database.URL, cfg.Database.MigrateURL, cfg.Database.MaxConns = d.AppURL, d.OwnerURL, 8
	cfg.HTTP.Addr, cfg.HTTP.BaseURL = ln.Addr().String(), base
	cfg.Crypto.Key = base64.StdEncoding.EncodeToString(key)
	cfg.Auth.Argon2MemoryKiB, cfg.Auth.Argon2Iterations = 64, 1
	cfg.Providers.AllowCustomEndpoints, cfg.Webhooks.AllowPrivateTargets = true, true
	cfg.Worker.Concurrency = 4
	cfg.Poller.FirstCheck, cfg.Poller.InitialInterval, cfg.Poller.MaxInterval = 200*time.Millisecond, 300*time.Millisecond, time.Second
	cfg.Poller.SubmitLease = 3 * time.Second
	if o.Configure != nil {
		o.Configure(cfg)
	}
	if err := cfg.Validate(); err != nil {
		tb.Fatal(err)
	}
	log := o.Logger
	if log == nil {
		log = zaptest.NewLogger(tb, zaptest.Level(zap.WarnLevel))
	}
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.New(ctx, cfg, log, app.Options{Workers: true, Now: o.Now})
	if err != nil {
		cancel()
		tb.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx, ln) }()
	tb.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			tb.Error("server did not stop within 20s")
		}
		a.Close()
	})
	s := &Server{App: a, URL: base, DB: d, Client: &http.Client{Timeout: 30 * time.Second}}
	s.Tenant, s.OwnerEmail, s.OwnerPass, s.BillingKey, s.AdminKey = Seed(tb, a, "acme", "Acme Certificates")
	return s
}

// Seed creates a tenant with an owner and two API keys (billing, admin).
func Seed(tb testing.TB, a *app.App, slug, name string) (t *tenant.Tenant, email, pass, billing, admin string) {
	tb.Helper()
	ctx := audit.WithActor(context.Background(), audit.Actor{Type: audit.ActorCLI, Label: "test"})
	t, err := a.Tenants.Create(ctx, tenant.CreateInput{Slug: slug, Name: name, Currency: "USD"})
	if err != nil {
		tb.Fatal(err)
	}
	email, pass = "owner@"+slug+".test", "correct horse battery"
	if _, err := a.Accounts.CreateUser(ctx, t.ID, account.UserInput{Email: email, Name: "Olive Owner", Role: account.RoleOwner, Password: pass}); err != nil {
		tb.Fatal(err)
	}
	_, billing, err = a.Accounts.CreateAPIKey(ctx, t.ID, "billing", account.ScopeBilling)
	if err != nil {
		tb.Fatal(err)
	}
	_, admin, err = a.Accounts.CreateAPIKey(ctx, t.ID, "admin", account.ScopeAdmin)
	if err != nil {
		tb.Fatal(err)
	}
	return t, email, pass, billing, admin
}
