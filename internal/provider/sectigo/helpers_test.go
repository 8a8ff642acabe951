package sectigo

import (
	"context"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/sslreseller/sslreseller/internal/pki"
	"github.com/sslreseller/sslreseller/internal/provider"
	"github.com/sslreseller/sslreseller/internal/provider/sectigo/sectigosim"
)

// newCSR makes a PEM CSR with a fresh ECDSA key for names (the first becomes the common name).
func newCSR(tb testing.TB, names ...string) string {
	tb.Helper()
	key, err := pki.GenerateKey(pki.KeyECDSAP256)
	if err != nil {
		tb.Fatal(err)
	}
	csr, err := pki.CreateCSR(key, pki.Subject{CommonName: names[0]}, names[1:])
	if err != nil {
		tb.Fatal(err)
	}
	return string(csr)
}

// recorder keeps the calls a client reports.
type recorder struct {
	mu    sync.Mutex
	calls []provider.Call
}

func (r *recorder) record(_ context.Context, c provider.Call) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, c)
}

func (r *recorder) all() []provider.Call {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]provider.Call(nil), r.calls...)
}

// fixture is a simulator served over real HTTP and a client of its default account.
type fixture struct {
	sim    *sectigosim.Sim
	srv    *httptest.Server
	client *Client
	rec    *recorder
	acct   sectigosim.Account
}

func newFixture(tb testing.TB, opts sectigosim.Options, mod func(*Config)) *fixture {
	tb.Helper()
	sim := sectigosim.New(opts)
	srv := httptest.NewServer(sim.Handler())
	tb.Cleanup(srv.Close)
	acct := sim.DefaultAccount()
	rec := &recorder{}
	cfg := Config{Environment: EnvironmentLive, Endpoint: srv.URL, LoginName: acct.LoginName,
		LoginPassword: acct.LoginPassword, Record: rec.record}
	if mod != nil {
		mod(&cfg)
	}
	c, err := NewClient(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return &fixture{sim: sim, srv: srv, client: c, rec: rec, acct: acct}
}

// errClass returns the class of a *provider.Error, failing the test for other errors.
func errClass(tb testing.TB, err error) provider.Class {
	tb.Helper()
	if err == nil {
		tb.Fatal("expected an error, got nil")
	}
	pe, ok := err.(*provider.Error)
	if !ok {
		tb.Fatalf("error %T %v is not a *provider.Error", err, err)
	}
	return pe.Class
}

func ctx(tb testing.TB) context.Context {
	tb.Helper()
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	tb.Cleanup(cancel)
	return c
}
