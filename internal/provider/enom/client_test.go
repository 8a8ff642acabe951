package enom_test

import (
	"context"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sslreseller/sslreseller/internal/pki"
	"github.com/sslreseller/sslreseller/internal/provider"
	"github.com/sslreseller/sslreseller/internal/provider/enom"
	"github.com/sslreseller/sslreseller/internal/provider/enom/enomsim"
)

// secretPW is the API token of the test account; it holds characters that URL encoding changes, so
// the tests see whether the encoded form leaks too.
const secretPW = "s3cret+Token/=&x"

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

type fixture struct {
	sim    *enomsim.Sim
	srv    *httptest.Server
	client *enom.Client
	rec    *recorder
	uid    string
}

// newFixture starts a simulator and a client of an account with secretPW. mod may change the
// client's configuration.
func newFixture(tb testing.TB, opts enomsim.Options, mod func(*enom.Config)) *fixture {
	tb.Helper()
	sim := enomsim.New(opts)
	srv := httptest.NewServer(sim.Handler())
	tb.Cleanup(srv.Close)
	creds := sim.AddAccount(enomsim.Account{UID: "tenant1", PW: secretPW, Balance: enomsim.DefaultBalance})
	rec := &recorder{}
	cfg := enom.Config{
		Environment: enom.EnvTest,
		Endpoint:    srv.URL,
		Credentials: enom.Credentials{UID: creds.UID, PW: creds.PW},
		Record:      rec.record,
		Timeout:     10 * time.Second,
	}
	if mod != nil {
		mod(&cfg)
	}
	c, err := enom.NewClient(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { assertNoSecrets(tb, rec.all()) })
	return &fixture{sim: sim, srv: srv, client: c, rec: rec, uid: creds.UID}
}

// assertNoSecrets checks that no recorded call holds the API token in any form.
func assertNoSecrets(tb testing.TB, calls []provider.Call) {
	tb.Helper()
	for _, c := range calls {
		for _, s := range []string{secretPW, "s3cret%2BToken", "s3cret+Token"} {
			if strings.Contains(c.Request+c.Response+c.Error, s) {
				tb.Errorf("call %s leaks the token: %+v", c.Command, c)
			}
		}
	}
}

// class returns the error's class, failing when it is not a *provider.Error.
func class(tb testing.TB, err error) provider.Class {
	tb.Helper()
	var pe *provider.Error
	if !errors.As(err, &pe) {
		tb.Fatalf("error %v (%T) is not a *provider.Error", err, err)
	}
	if strings.Contains(pe.Error(), secretPW) || strings.Contains(pe.Error(), "s3cret%2B") {
		tb.Fatalf("error leaks the token: %v", pe)
	}
	return pe.Class
}

func newCSR(tb testing.TB, names ...string) (string, crypto.Signer) {
	tb.Helper()
	key, err := pki.GenerateKey(pki.KeyECDSAP256)
	if err != nil {
		tb.Fatal(err)
	}
	csr, err := pki.CreateCSR(key, pki.Subject{Organization: "Example Ltd", Country: "GB", Locality: "London"}, names)
	if err != nil {
		tb.Fatal(err)
	}
	return string(csr), key
}

func contact() enom.Contact {
	return enom.Contact{FirstName: "Ada", LastName: "Lovelace", Organization: "Example Ltd", JobTitle: "IT",
		Address1: "1 Main St", City: "London", Province: "Greater London", PostalCode: "N1 1AA", Country: "GB",
		Phone: "020 7946 0958", Email: "ada@example.com"}
}

// order buys and configures a certificate for names and submits it with the first approver at the
// name; it returns the CertID and the CSR's key.
func (f *fixture) order(tb testing.TB, ctx context.Context, service, server string, names ...string) (string, crypto.Signer) {
	tb.Helper()
	p, err := f.client.PurchaseServices(ctx, enom.PurchaseRequest{Service: service, Years: 1})
	if err != nil {
		tb.Fatal(err)
	}
	f.configure(tb, ctx, p.CertID, service, server, names...)
	return p.CertID, f.submit(tb, ctx, p.CertID, names[0])
}

func (f *fixture) configure(tb testing.TB, ctx context.Context, certID, service, server string, names ...string) *enom.ConfigureResult {
	tb.Helper()
	csr, key := newCSR(tb, names...)
	traits, _ := enom.Traits(prodTypeOf(service), service)
	wst, err := enom.WebServerType(server, traits.ProdType)
	if err != nil {
		tb.Fatal(err)
	}
	res, err := f.client.CertConfigureCert(ctx, enom.ConfigureRequest{CertID: certID, WebServerType: wst, CSR: csr,
		Admin: contact(), Tech: contact(), Billing: contact()})
	if err != nil {
		tb.Fatal(err)
	}
	keys.Store(f.srv.URL+"/"+certID, key)
	return res
}

// keys holds the CSR keys by simulator and CertID: every simulator counts CertIDs from the same number.
var keys sync.Map

func (f *fixture) submit(tb testing.TB, ctx context.Context, certID, name string) crypto.Signer {
	tb.Helper()
	if _, err := f.client.CertPurchaseCert(ctx, enom.PurchaseCertRequest{CertID: certID, ApproverEmail: "admin@" + strings.TrimPrefix(name, "*.")}); err != nil {
		tb.Fatal(err)
	}
	k, _ := keys.Load(f.srv.URL + "/" + certID)
	key, _ := k.(crypto.Signer)
	return key
}

// prodTypeOf maps the product codes the tests use.
func prodTypeOf(code string) int {
	return map[string]int{"certificate-rapidssl-rapidssl": 23, "certificate-comodo-essential": 211, "certificate-comodo-ucc-dv": 270}[code]
}

func TestNewClient(t *testing.T) {
	t.Parallel()
	creds := enom.Credentials{UID: "u", PW: "p"}
	tests := []struct {
		name  string
		cfg   enom.Config
		url   string
		real  bool
		field string
	}{
		{"test host", enom.Config{Environment: "test", Credentials: creds}, enom.TestURL, false, ""},
		{"live host", enom.Config{Environment: "LIVE", Credentials: creds}, enom.LiveURL, true, ""},
		{"override keeps the path", enom.Config{Environment: "live", Endpoint: "http://127.0.0.1:8443/ignored", Credentials: creds},
			"http://127.0.0.1:8443/interface.asp", true, ""},
		{"no environment", enom.Config{Credentials: creds}, "", false, "environment"},
		{"no uid", enom.Config{Environment: "test", Credentials: enom.Credentials{PW: "p"}}, "", false, "uid"},
		{"no pw", enom.Config{Environment: "test", Credentials: enom.Credentials{UID: "u"}}, "", false, "pw"},
		{"bad endpoint", enom.Config{Environment: "test", Endpoint: "ftp://x", Credentials: creds}, "", false, "endpoint"},
		{"bad response type", enom.Config{Environment: "test", ResponseType: "HTML", Credentials: creds}, "", false, "response_type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := enom.NewClient(tt.cfg)
			if tt.field != "" {
				var pe *provider.Error
				if !errors.As(err, &pe) || pe.Class != provider.Invalid || pe.Field != tt.field {
					t.Fatalf("error %v, want invalid %s", err, tt.field)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.URL() != tt.url || c.IssuesRealCertificates() != tt.real {
				t.Errorf("url %s real %v", c.URL(), c.IssuesRealCertificates())
			}
		})
	}
}

func TestConnectionAndCatalogue(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, enomsim.Options{}, nil)
	bal, err := f.client.GetBalance(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if bal.Balance != enomsim.DefaultBalance || bal.Available != enomsim.DefaultBalance || bal.Currency != "USD" {
		t.Errorf("balance %+v", bal)
	}
	cat, err := f.client.GetCerts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(cat.Products) != 19 || !cat.Reseller {
		t.Fatalf("catalogue %+v", cat)
	}
	for _, p := range cat.Products {
		traits, known := enom.Traits(p.Type, p.Code)
		if !known || !p.HasResellerPrice || !p.Enabled || len(p.Years) != traits.MaxYears {
			t.Errorf("product %+v traits %+v known %v", p, traits, known)
		}
	}
	if cost, ok := cat.Products[0].Cost(2); !ok || cost != 1990 {
		t.Errorf("cost %d %v", cost, ok)
	}
	calls := f.rec.all()
	if len(calls) != 2 || calls[0].Command != "GetBalance" || calls[0].Outcome != "ok" || calls[0].HTTPStatus != 200 ||
		calls[0].Provider != "enom" || !strings.Contains(calls[0].Request, "pw="+url.QueryEscape(provider.Redacted)) ||
		!strings.Contains(calls[0].Request, "uid="+url.QueryEscape(provider.Redacted)) || !strings.Contains(calls[0].Response, "<Balance>5,000.00</Balance>") {
		t.Errorf("calls %+v", calls)
	}
}

func TestLifecycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, enomsim.Options{}, nil)
	start := time.Now().UTC()

	p, err := f.client.PurchaseServices(ctx, enom.PurchaseRequest{Service: "certificate-rapidssl-rapidssl", Years: 1})
	if err != nil {
		t.Fatal(err)
	}
	list, err := f.client.CertGetCerts(ctx, enom.CertListRequest{ProdType: 23, StatusID: 1,
		OrderDateStart: start.AddDate(0, 0, -1), OrderDateEnd: start.AddDate(0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Certs) != 1 || list.Certs[0].CertID != p.CertID || list.Certs[0].OrderID != p.OrderID ||
		list.Certs[0].Status != enom.StatusAwaitingConfiguration || list.TotalRecords != 1 {
		t.Fatalf("list %+v", list)
	}

	approvers, err := f.client.CertGetApproverEmail(ctx, p.CertID, "www.shop.example.co.uk")
	if err != nil {
		t.Fatal(err)
	}
	if len(approvers) != 10 || approvers[0].Email != "admin@www.shop.example.co.uk" || approvers[9].Email != "webmaster@example.co.uk" ||
		approvers[0].Type != "Generic" {
		t.Errorf("approvers %+v", approvers)
	}

	csr, key := newCSR(t, "shop.example.com", "www.shop.example.com")
	parsed, err := f.client.CertParseCSR(ctx, p.CertID, csr)
	if err != nil {
		t.Fatal(err)
	}
	if parsed.DomainName != "shop.example.com" || parsed.Organization != "Example Ltd" || parsed.Country != "GB" {
		t.Errorf("parsed %+v", parsed)
	}

	wst, _ := enom.WebServerType("nginx", 23)
	conf, err := f.client.CertConfigureCert(ctx, enom.ConfigureRequest{CertID: p.CertID, WebServerType: wst, CSR: csr,
		Admin: contact(), Tech: contact(), Billing: contact()})
	if err != nil {
		t.Fatal(err)
	}
	if conf.CertID != p.CertID || conf.ProdType != 23 || conf.CSR.DomainName != "shop.example.com" || len(conf.Approvers) != 10 {
		t.Errorf("configure %+v", conf)
	}
	if _, err := f.client.CertPurchaseCert(ctx, enom.PurchaseCertRequest{CertID: p.CertID, ApproverEmail: "hostmaster@example.com"}); err != nil {
		t.Fatal(err)
	}

	d, err := f.client.CertGetCertDetail(ctx, p.CertID)
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != enom.StatusPending || d.StatusText != "Processing" || d.Validation.ApproverEmail != "hostmaster@example.com" ||
		d.Admin.Phone != "+44.2079460958" || d.Admin.Province != "Greater London" || d.WebServerTypeID != 18 {
		t.Fatalf("detail %+v", d)
	}
	d, err = f.client.CertGetCertDetail(ctx, p.CertID)
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != enom.StatusIssued {
		t.Fatalf("status %s", d.Status)
	}
	crt := verify(t, f, d, "shop.example.com", key)
	if !d.ExpirationDate.Equal(crt.NotAfter) {
		t.Errorf("expiration %v, certificate %v", d.ExpirationDate, crt.NotAfter)
	}

	csr2, key2 := newCSR(t, "shop.example.com")
	if _, err := f.client.CertReissueCert(ctx, p.CertID, csr2); err != nil {
		t.Fatal(err)
	}
	d, _ = f.client.CertGetCertDetail(ctx, p.CertID)
	if d.Status != enom.StatusPending {
		t.Errorf("status after reissue %s", d.Status)
	}
	d, _ = f.client.CertGetCertDetail(ctx, p.CertID)
	verify(t, f, d, "shop.example.com", key2)

	if n := f.sim.Purchases(); n != 1 {
		t.Errorf("purchases %d", n)
	}
	for _, c := range f.rec.all() {
		if c.Outcome != "ok" {
			t.Errorf("call %s: %s %s", c.Command, c.Outcome, c.Error)
		}
	}
}

// verify checks the collected certificate against the simulator's root, the name and the key.
func verify(tb testing.TB, f *fixture, d *enom.CertDetail, name string, key crypto.Signer) *x509.Certificate {
	tb.Helper()
	if err := pki.Verify([]byte(d.CertificatePEM), []byte(d.ChainPEM), f.sim.RootPEM(), time.Now(), name); err != nil {
		tb.Fatalf("certificate does not verify: %v", err)
	}
	blk, _ := pem.Decode([]byte(d.CertificatePEM))
	crt, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		tb.Fatal(err)
	}
	pub, ok := key.Public().(interface{ Equal(crypto.PublicKey) bool })
	if !ok || !pub.Equal(crt.PublicKey) {
		tb.Error("certificate is not for the CSR's key")
	}
	return crt
}

func TestApproverChangeResendModify(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, enomsim.Options{}, nil)
	id, _ := f.order(t, ctx, "certificate-comodo-essential", "cpanel", "mail.example.org")
	d, err := f.client.CertGetCertDetail(ctx, id)
	if err != nil || d.Status != enom.StatusPending || d.StatusID != "10" || d.WebServerTypeID != 1031 {
		t.Fatalf("detail %+v %v", d, err)
	}
	got, err := f.client.CertChangeApproverEmail(ctx, id, "postmaster@example.org")
	if err != nil || got != "postmaster@example.org" {
		t.Fatalf("change: %q %v", got, err)
	}
	_, err = f.client.CertChangeApproverEmail(ctx, id, "someone@gmail.com")
	if c := class(t, err); c != provider.Invalid {
		t.Errorf("bad approver: %s", c)
	}
	var pe *provider.Error
	if errors.As(err, &pe); pe.Field != "approver_email" {
		t.Errorf("field %q", pe.Field)
	}
	got, err = f.client.CertResendApproverEmail(ctx, id)
	if err != nil || got != "postmaster@example.org" {
		t.Fatalf("resend: %q %v", got, err)
	}
	if id2, err := f.client.CertModifyOrder(ctx, id); err != nil || id2 != id {
		t.Fatalf("modify: %q %v", id2, err)
	}
	d, _ = f.client.CertGetCertDetail(ctx, id)
	if d.Status != enom.StatusAwaitingConfiguration {
		t.Errorf("after modify: %s", d.Status)
	}
	_, err = f.client.CertModifyOrder(ctx, id)
	if c := class(t, err); c != provider.Invalid {
		t.Errorf("modify twice: %s", c)
	}
	f.configure(t, ctx, id, "certificate-comodo-essential", "cpanel", "mail.example.org")
	f.submit(t, ctx, id, "mail.example.org")
	if o, _ := f.sim.Order(id); o.StatusID != 9 || o.Resends != 1 {
		t.Errorf("order %+v", o)
	}
}

func TestScenarios(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name string
		run  func(t *testing.T, f *fixture)
	}{
		{"bad credentials", func(t *testing.T, f *fixture) {
			f.sim.SetBadCredentials(f.uid, true)
			_, err := f.client.GetBalance(ctx)
			if class(t, err) != provider.Auth || !strings.Contains(err.Error(), "check the login ID") ||
				!strings.Contains(err.Error(), "test credentials work only on resellertest.enom.com") {
				t.Errorf("error %v", err)
			}
			if calls := f.rec.all(); len(calls) != 1 || calls[0].Outcome != "auth" {
				t.Errorf("calls %+v", calls)
			}
		}},
		{"ip not permitted", func(t *testing.T, f *fixture) {
			f.sim.SetIPNotPermitted(f.uid, true)
			_, err := f.client.GetBalance(ctx)
			if class(t, err) != provider.Auth || !strings.Contains(err.Error(), "register this server's public IP address") ||
				!strings.Contains(err.Error(), "(127.0.0.1)") {
				t.Errorf("error %v", err)
			}
		}},
		{"insufficient balance", func(t *testing.T, f *fixture) {
			f.sim.SetBalance(f.uid, 500)
			_, err := f.client.PurchaseServices(ctx, enom.PurchaseRequest{Service: "certificate-rapidssl-rapidssl"})
			if class(t, err) != provider.Temporary || !strings.Contains(err.Error(), "add funds") || errors.Is(err, enom.ErrOutcomeUnknown) {
				t.Errorf("error %v", err)
			}
			if f.sim.Purchases() != 0 || f.sim.Balance(f.uid) != 500 {
				t.Error("charged anyway")
			}
		}},
		{"temporary 5xx", func(t *testing.T, f *fixture) {
			f.sim.FailNext(1)
			_, err := f.client.GetCerts(ctx)
			if class(t, err) != provider.Temporary || !errors.Is(err, enom.ErrOutcomeUnknown) || !strings.Contains(err.Error(), "HTTP 503") {
				t.Errorf("error %v", err)
			}
			if calls := f.rec.all(); len(calls) != 1 || calls[0].HTTPStatus != 503 || calls[0].Outcome != "temporary" ||
				!strings.Contains(calls[0].Response, "Service Unavailable") {
				t.Errorf("calls %+v", calls)
			}
			if _, err := f.client.GetCerts(ctx); err != nil {
				t.Errorf("retry: %v", err)
			}
		}},
		{"slow answer", func(t *testing.T, f *fixture) {
			f.sim.SetDelay(2 * time.Second)
			c, _ := enom.NewClient(enom.Config{Environment: "test", Endpoint: f.srv.URL, Timeout: 100 * time.Millisecond,
				Credentials: enom.Credentials{UID: f.uid, PW: secretPW}, Record: f.rec.record})
			_, err := c.GetBalance(ctx)
			if class(t, err) != provider.Temporary || !errors.Is(err, enom.ErrOutcomeUnknown) || !strings.Contains(err.Error(), "did not answer in time") {
				t.Errorf("error %v", err)
			}
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("deadline not kept in the chain: %v", err)
			}
		}},
		{"malformed answer to a purchase", func(t *testing.T, f *fixture) {
			f.sim.MalformNext(1)
			_, err := f.client.PurchaseServices(ctx, enom.PurchaseRequest{Service: "certificate-comodo-essential"})
			if class(t, err) != provider.Temporary || !errors.Is(err, enom.ErrOutcomeUnknown) || !strings.Contains(err.Error(), "could not be read") {
				t.Fatalf("error %v", err)
			}
			// The reconciler's question: was it bought? Exactly one certificate awaits configuration.
			certs, err := f.client.ListAllCerts(ctx, enom.CertListRequest{ProdType: 211, StatusID: 1})
			if err != nil || len(certs) != 1 || f.sim.Purchases() != 1 {
				t.Errorf("found %+v, %v; purchases %d", certs, err, f.sim.Purchases())
			}
		}},
		{"reject", func(t *testing.T, f *fixture) {
			id, _ := f.order(t, ctx, "certificate-rapidssl-rapidssl", "apache", "reject.example.com")
			statuses := pollStatuses(t, f, id, 2)
			if statuses != "pending,rejected" {
				t.Errorf("statuses %s", statuses)
			}
		}},
		{"issue after n polls", func(t *testing.T, f *fixture) {
			id, _ := f.order(t, ctx, "certificate-rapidssl-rapidssl", "apache", "polls3.example.com")
			if s := pollStatuses(t, f, id, 3); s != "pending,pending,issued" {
				t.Errorf("statuses %s", s)
			}
		}},
		{"issue after n polls by method", func(t *testing.T, f *fixture) {
			f.sim.SetPollsToIssue("quick.example.com", 1)
			id, _ := f.order(t, ctx, "certificate-rapidssl-rapidssl", "apache", "quick.example.com")
			if s := pollStatuses(t, f, id, 1); s != "issued" {
				t.Errorf("statuses %s", s)
			}
		}},
		{"flaky name", func(t *testing.T, f *fixture) {
			p, _ := f.client.PurchaseServices(ctx, enom.PurchaseRequest{Service: "certificate-rapidssl-rapidssl"})
			f.configure(t, ctx, p.CertID, "certificate-rapidssl-rapidssl", "apache", "flaky.example.com")
			for i := 0; i < 2; i++ {
				_, err := f.client.CertGetCertDetail(ctx, p.CertID)
				if class(t, err) != provider.Temporary {
					t.Fatalf("request %d: %v", i+1, err)
				}
			}
			if _, err := f.client.CertGetCertDetail(ctx, p.CertID); err != nil {
				t.Errorf("third: %v", err)
			}
		}},
		{"blocked name", func(t *testing.T, f *fixture) {
			p, _ := f.client.PurchaseServices(ctx, enom.PurchaseRequest{Service: "certificate-rapidssl-rapidssl"})
			f.configure(t, ctx, p.CertID, "certificate-rapidssl-rapidssl", "apache", "blocked.example.com")
			_, err := f.client.CertPurchaseCert(ctx, enom.PurchaseCertRequest{CertID: p.CertID, ApproverEmail: "admin@blocked.example.com"})
			if class(t, err) != provider.Rejected {
				t.Errorf("error %v", err)
			}
		}},
		{"reissue not offered for comodo", func(t *testing.T, f *fixture) {
			f.sim.SetPollsToIssue("c.example.com", 0)
			id, _ := f.order(t, ctx, "certificate-comodo-essential", "iis", "c.example.com")
			csr, _ := newCSR(t, "c.example.com")
			_, err := f.client.CertReissueCert(ctx, id, csr)
			if class(t, err) != provider.Unsupported {
				t.Errorf("error %v", err)
			}
		}},
		{"unknown certificate", func(t *testing.T, f *fixture) {
			_, err := f.client.CertGetCertDetail(ctx, "123")
			if class(t, err) != provider.NotFound {
				t.Errorf("error %v", err)
			}
		}},
		{"bad csr", func(t *testing.T, f *fixture) {
			p, _ := f.client.PurchaseServices(ctx, enom.PurchaseRequest{Service: "certificate-rapidssl-rapidssl"})
			_, err := f.client.CertConfigureCert(ctx, enom.ConfigureRequest{CertID: p.CertID, WebServerType: 21,
				CSR: "-----BEGIN CERTIFICATE REQUEST-----\nQUJD\n-----END CERTIFICATE REQUEST-----", Admin: contact(), Tech: contact(), Billing: contact()})
			var pe *provider.Error
			if class(t, err) != provider.Invalid || !errors.As(err, &pe) || pe.Field != "csr" {
				t.Errorf("error %v", err)
			}
		}},
		{"multi-domain names in order", func(t *testing.T, f *fixture) {
			f.sim.SetPollsToIssue("one.example.com", 1)
			p, _ := f.client.PurchaseServices(ctx, enom.PurchaseRequest{Service: "certificate-comodo-ucc-dv"})
			csr, key := newCSR(t, "one.example.com")
			_, err := f.client.CertConfigureCert(ctx, enom.ConfigureRequest{CertID: p.CertID, WebServerType: 1002, CSR: csr,
				Admin: contact(), Tech: contact(), Billing: contact(), DomainList: []string{"two.example.net", "three.example.org"}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.client.CertPurchaseCert(ctx, enom.PurchaseCertRequest{CertID: p.CertID, ApproverEmail: "admin@example.com"}); err != nil {
				t.Fatal(err)
			}
			d, err := f.client.CertGetCertDetail(ctx, p.CertID)
			if err != nil || d.Status != enom.StatusIssued || strings.Join(d.DomainList, ",") != "one.example.com,two.example.net,three.example.org" {
				t.Fatalf("detail %+v %v", d, err)
			}
			crt := verify(t, f, d, "three.example.org", key)
			if strings.Join(crt.DNSNames, ",") != "one.example.com,two.example.net,three.example.org" {
				t.Errorf("names %v", crt.DNSNames)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.run(t, newFixture(t, enomsim.Options{}, nil))
		})
	}
}

// pollStatuses polls CertGetCertDetail n times and returns the statuses seen.
func pollStatuses(tb testing.TB, f *fixture, id string, n int) string {
	tb.Helper()
	var out []string
	for i := 0; i < n; i++ {
		d, err := f.client.CertGetCertDetail(context.Background(), id)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, string(d.Status))
	}
	return strings.Join(out, ",")
}

func TestTextFormatAndGET(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, mode := range []struct{ name, responseType, method string }{
		{"text over post", "Text", ""},
		{"xml over get", "", "GET"},
		{"text over get", "Text", "GET"},
	} {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, enomsim.Options{PollsToIssue: 1}, func(c *enom.Config) { c.ResponseType, c.Method = mode.responseType, mode.method })
			bal, err := f.client.GetBalance(ctx)
			if err != nil || bal.Balance != enomsim.DefaultBalance {
				t.Fatalf("balance %+v %v", bal, err)
			}
			cat, err := f.client.GetCerts(ctx)
			if err != nil || len(cat.Products) != 19 || cat.Products[18].Code != "certificate-comodo-ucc-ov" || len(cat.Products[0].Years) != 3 {
				t.Fatalf("catalogue %+v %v", cat, err)
			}
			p, err := f.client.PurchaseServices(ctx, enom.PurchaseRequest{Service: "certificate-rapidssl-rapidssl"})
			if err != nil {
				t.Fatal(err)
			}
			conf := f.configure(t, ctx, p.CertID, "certificate-rapidssl-rapidssl", "tomcat", "text.example.com")
			if len(conf.Approvers) != 10 || conf.CSR.DomainName != "text.example.com" {
				t.Errorf("configure %+v", conf)
			}
			key := f.submit(t, ctx, p.CertID, "text.example.com")
			d, err := f.client.CertGetCertDetail(ctx, p.CertID)
			if err != nil || d.Status != enom.StatusIssued {
				t.Fatalf("detail %+v %v", d, err)
			}
			verify(t, f, d, "text.example.com", key)
			list, err := f.client.CertGetCerts(ctx, enom.CertListRequest{})
			if err != nil || len(list.Certs) != 1 || list.Certs[0].Status != enom.StatusIssued {
				t.Errorf("list %+v %v", list, err)
			}
			f.sim.SetBadCredentials(f.uid, true)
			if _, err := f.client.GetBalance(ctx); class(t, err) != provider.Auth {
				t.Errorf("bad credentials: %v", err)
			}
		})
	}
}

func TestNoSecretInTransportErrors(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := srv.URL
	srv.Close() // nothing listens there now
	for _, method := range []string{"GET", "POST"} {
		t.Run(method, func(t *testing.T) {
			rec := &recorder{}
			c, err := enom.NewClient(enom.Config{Environment: "live", Endpoint: addr, Method: method, Record: rec.record,
				Credentials: enom.Credentials{UID: "tenant1", PW: secretPW}})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.GetBalance(context.Background())
			if class(t, err) != provider.Temporary || !errors.Is(err, enom.ErrOutcomeUnknown) || !strings.Contains(err.Error(), "could not reach Enom") {
				t.Errorf("error %v", err)
			}
			for e := err; e != nil; e = errors.Unwrap(e) {
				if strings.Contains(e.Error(), "s3cret") {
					t.Errorf("wrapped error leaks the token: %v", e)
				}
			}
			calls := rec.all()
			if len(calls) != 1 || calls[0].HTTPStatus != 0 || calls[0].Outcome != "temporary" {
				t.Errorf("calls %+v", calls)
			}
			assertNoSecrets(t, calls)
		})
	}
}

func TestEndpointAnswers404(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(srv.Close)
	c, _ := enom.NewClient(enom.Config{Environment: "test", Endpoint: srv.URL, Credentials: enom.Credentials{UID: "u", PW: secretPW}})
	_, err := c.GetBalance(context.Background())
	var pe *provider.Error
	if class(t, err) != provider.Invalid || !errors.As(err, &pe) || pe.Field != "endpoint" {
		t.Errorf("error %v", err)
	}
}

func TestLocalValidationSendsNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, enomsim.Options{}, nil)
	badPhone := contact()
	badPhone.Phone = "call me"
	tests := []struct {
		name  string
		call  func() error
		field string
	}{
		{"purchase without service", func() error { _, err := f.client.PurchaseServices(ctx, enom.PurchaseRequest{}); return err }, "product"},
		{"purchase 11 years", func() error {
			_, err := f.client.PurchaseServices(ctx, enom.PurchaseRequest{Service: "x", Years: 11})
			return err
		}, "period"},
		{"detail without id", func() error { _, err := f.client.CertGetCertDetail(ctx, " "); return err }, "cert_id"},
		{"configure with a bad phone", func() error {
			_, err := f.client.CertConfigureCert(ctx, enom.ConfigureRequest{CertID: "1", WebServerType: 21, CSR: "x",
				Admin: contact(), Tech: badPhone, Billing: contact()})
			return err
		}, "tech.phone"},
		{"configure without server type", func() error {
			_, err := f.client.CertConfigureCert(ctx, enom.ConfigureRequest{CertID: "1", CSR: "x"})
			return err
		}, "server_type"},
		{"submit without approver", func() error {
			_, err := f.client.CertPurchaseCert(ctx, enom.PurchaseCertRequest{CertID: "1"})
			return err
		}, "approver_email"},
		{"reissue without csr", func() error { _, err := f.client.CertReissueCert(ctx, "1", ""); return err }, "csr"},
		{"change approver without address", func() error { _, err := f.client.CertChangeApproverEmail(ctx, "1", ""); return err }, "approver_email"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			var pe *provider.Error
			if class(t, err) != provider.Invalid || !errors.As(err, &pe) || pe.Field != tt.field {
				t.Errorf("error %v, want invalid %s", err, tt.field)
			}
		})
	}
	if n := len(f.rec.all()); n != 0 {
		t.Errorf("%d calls sent", n)
	}
}

func TestListAllCertsPages(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, enomsim.Options{}, nil)
	const n = 260
	for i := 0; i < n; i++ {
		if _, err := f.client.PurchaseServices(ctx, enom.PurchaseRequest{Service: "certificate-rapidssl-rapidssl"}); err != nil {
			t.Fatal(err)
		}
	}
	all, err := f.client.ListAllCerts(ctx, enom.CertListRequest{StatusID: 1})
	if err != nil || len(all) != n {
		t.Fatalf("%d certificates, %v", len(all), err)
	}
	seen := map[string]bool{}
	for _, c := range all {
		seen[c.CertID] = true
	}
	if len(seen) != n {
		t.Errorf("%d distinct", len(seen))
	}
	if got := f.sim.Calls("CertGetCerts"); got != 2 {
		t.Errorf("%d pages fetched", got)
	}
}

// TestListAllCertsForeignServer talks to a minimal server that sends no TotalRecords and ignores
// StartPosition: the listing must stop instead of looping.
func TestListAllCertsForeignServer(t *testing.T) {
	t.Parallel()
	var calls int
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		calls++
		mu.Unlock()
		if r.URL.Path != "/interface.asp" || r.FormValue("command") != "CertGetCerts" {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write([]byte("<interface-response><CertGetCerts><Certs><Cert><CertID>1</CertID><CertStatusID>1</CertStatusID></Cert>" +
			"<Cert><CertID>2</CertID><CertStatus>Processing</CertStatus></Cert></Certs></CertGetCerts><ErrCount>0</ErrCount><Done>true</Done></interface-response>"))
	}))
	t.Cleanup(srv.Close)
	c, err := enom.NewClient(enom.Config{Environment: "live", Endpoint: srv.URL, Credentials: enom.Credentials{UID: "u", PW: secretPW}})
	if err != nil {
		t.Fatal(err)
	}
	all, err := c.ListAllCerts(context.Background(), enom.CertListRequest{})
	if err != nil || len(all) != 2 || all[1].Status != enom.StatusPending {
		t.Fatalf("%+v %v", all, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if calls != 1 {
		t.Errorf("%d requests", calls)
	}
}
