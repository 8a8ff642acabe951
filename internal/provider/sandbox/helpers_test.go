package sandbox

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/sslreseller/sslreseller/internal/pki"
	"github.com/sslreseller/sslreseller/internal/provider"
)

// at is a UTC time.
func at(y int, m time.Month, d, hh, mm, ss int) time.Time {
	return time.Date(y, m, d, hh, mm, ss, 0, time.UTC)
}

// today is the date the tests start on: issuance on it is capped at 200 days.
var today = at(2026, time.November, 22, 9, 0, 0)

// clock is an injected clock tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// recorder keeps the calls an adapter reports.
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

// fixture is an adapter of a fresh sandbox account whose CA was made at the fixture's start.
type fixture struct {
	a     *Adapter
	clock *clock
	rec   *recorder
	state []byte
}

// newFixture makes an account at now with settings (nil: the defaults) and its adapter.
func newFixture(tb testing.TB, now time.Time, settings map[string]string) *fixture {
	tb.Helper()
	acct := provider.Account{Provider: Name, Name: "Test Reseller", Environment: provider.EnvTest, Settings: settings}
	state, err := Init(context.Background(), acct, now)
	if err != nil {
		tb.Fatal(err)
	}
	acct.State = state
	f := &fixture{clock: &clock{t: now}, rec: &recorder{}, state: state}
	if f.a, err = New(acct, provider.Deps{Now: f.clock.Now, Record: f.rec.record}); err != nil {
		tb.Fatal(err)
	}
	return f
}

// newCSR makes a PEM CSR with a fresh key of keyType for names (the first is the common name).
func newCSR(tb testing.TB, keyType string, names ...string) []byte {
	tb.Helper()
	key, err := pki.GenerateKey(keyType)
	if err != nil {
		tb.Fatal(err)
	}
	csr, err := pki.CreateCSR(key, pki.Subject{CommonName: names[0]}, names[1:])
	if err != nil {
		tb.Fatal(err)
	}
	return csr
}

// rawCSR makes a CSR with a template of our own, for requests pki.CreateCSR would not make.
func rawCSR(tb testing.TB, bits int, tmpl *x509.CertificateRequest) []byte {
	tb.Helper()
	key, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		tb.Fatal(err)
	}
	der, err := x509.CreateCertificateRequest(rand.Reader, tmpl, key)
	if err != nil {
		tb.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der})
}

// weakCSR is a CSR with a 1024-bit RSA key.
func weakCSR(tb testing.TB, name string) []byte {
	tb.Helper()
	return rawCSR(tb, 1024, &x509.CertificateRequest{Subject: pkix.Name{CommonName: name}, DNSNames: []string{name}})
}

// ipCSR is a CSR that asks for an IP address too.
func ipCSR(tb testing.TB, name string) []byte {
	tb.Helper()
	return rawCSR(tb, 2048, &x509.CertificateRequest{Subject: pkix.Name{CommonName: name}, DNSNames: []string{name},
		IPAddresses: []net.IP{net.ParseIP("192.0.2.10")}})
}

// request is a 24-month request for item and names with a fresh ECDSA key, validated by DNS.
func request(tb testing.TB, ref, item string, names ...string) provider.Request {
	tb.Helper()
	r := provider.Request{Ref: ref, Item: item, PeriodMonths: 24, CSR: newCSR(tb, pki.KeyECDSAP256, names...),
		CommonName: names[0], Names: names}
	for _, n := range names {
		r.DCV = append(r.DCV, provider.DomainDCV{Name: n, Method: provider.DCVDNS})
	}
	return r
}

// withOrg adds an organisation for OV and EV.
func withOrg(r provider.Request) provider.Request {
	r.Contacts.Organization = provider.Organization{Name: "Example Trading Ltd", Country: "gb", City: "London",
		Line1: "1 High Street", Phone: "+44.2071234567"}
	return r
}

// wantProviderError fails unless err is a *provider.Error of class (and field, when not empty).
func wantProviderError(tb testing.TB, err error, class provider.Class, field string) *provider.Error {
	tb.Helper()
	var pe *provider.Error
	if !errors.As(err, &pe) {
		tb.Fatalf("error %v (%T), want a *provider.Error of class %s", err, err, class)
	}
	if pe.Class != class || pe.Field != field {
		tb.Fatalf("error %q: class %s field %q, want class %s field %q", pe.Error(), pe.Class, pe.Field, class, field)
	}
	if pe.Message == "" {
		tb.Fatal("error without a message")
	}
	return pe
}

// issuedCert polls until issued and returns the status and the parsed leaf.
func issuedCert(tb testing.TB, f *fixture, q provider.StatusQuery) (*provider.Status, *x509.Certificate) {
	tb.Helper()
	st, err := f.a.Status(context.Background(), q)
	if err != nil {
		tb.Fatal(err)
	}
	if st.State != provider.StateIssued {
		tb.Fatalf("state %s (%s), want issued", st.State, st.Raw)
	}
	certs, err := pki.ParseCertificatesPEM(st.CertPEM)
	if err != nil {
		tb.Fatal(err)
	}
	if len(certs) != 1 {
		tb.Fatalf("CertPEM holds %d certificates, want the leaf alone", len(certs))
	}
	return st, certs[0]
}
