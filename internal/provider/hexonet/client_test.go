package hexonet

import (
	"context"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sslreseller/sslreseller/internal/pki"
	"github.com/sslreseller/sslreseller/internal/provider"
	"github.com/sslreseller/sslreseller/internal/provider/hexonet/hexonetsim"
)

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

// simClock is the test clock of the simulator.
type simClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *simClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// env is a simulator behind a real HTTP server and a client of its default account in OT&E.
type env struct {
	sim    *hexonetsim.Sim
	srv    *httptest.Server
	client *Client
	rec    *recorder
	clock  *simClock
	creds  hexonetsim.Credentials
}

func newEnv(tb testing.TB, opts hexonetsim.Options) *env {
	tb.Helper()
	clock := &simClock{t: time.Date(2026, time.June, 1, 10, 0, 0, 0, time.UTC)}
	if opts.Now == nil {
		opts.Now = clock.Now
	}
	sim := hexonetsim.New(opts)
	srv := httptest.NewServer(sim.Handler())
	tb.Cleanup(srv.Close)
	e := &env{sim: sim, srv: srv, rec: &recorder{}, clock: clock, creds: sim.DefaultCredentials()}
	e.client = e.clientFor(tb, EnvironmentTest, e.creds.Login, e.creds.Password)
	return e
}

func (e *env) clientFor(tb testing.TB, environment, login, password string) *Client {
	tb.Helper()
	c, err := NewClient(Config{Environment: environment, Endpoint: e.srv.URL, Login: login, Password: password, Record: e.rec.record})
	if err != nil {
		tb.Fatalf("NewClient: %v", err)
	}
	return c
}

// newCSR makes a key and a PEM CSR for names (the first is the common name).
func newCSR(tb testing.TB, names ...string) (crypto.Signer, string) {
	tb.Helper()
	key, err := pki.GenerateKey(pki.KeyECDSAP256)
	if err != nil {
		tb.Fatal(err)
	}
	csr, err := pki.CreateCSR(key, pki.Subject{CommonName: names[0]}, names[1:])
	if err != nil {
		tb.Fatal(err)
	}
	return key, string(csr)
}

// noSecrets fails when a recorded call or an error holds the password.
func noSecrets(tb testing.TB, e *env, errs ...error) {
	tb.Helper()
	for _, c := range e.rec.all() {
		for _, s := range []string{c.Request, c.Response, c.Error} {
			if strings.Contains(s, e.creds.Password) || strings.Contains(s, url.QueryEscape(e.creds.Password)) {
				tb.Errorf("call %s leaks the password: %q", c.Command, s)
			}
		}
	}
	for _, err := range errs {
		if err != nil && strings.Contains(err.Error(), e.creds.Password) {
			tb.Errorf("error leaks the password: %v", err)
		}
	}
}

func ctx(tb testing.TB) context.Context {
	tb.Helper()
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	tb.Cleanup(cancel)
	return c
}

func TestNewClient(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name               string
		cfg                Config
		wantURL, wantEnt   string
		wantField          string
		wantEnvironmentOut string
	}{
		{"test", Config{Environment: "test", Login: "u", Password: "p"}, TestURL, EntityTest, "", EnvironmentTest},
		{"live, any case", Config{Environment: " LIVE ", Login: "u", Password: "p"}, LiveURL, EntityLive, "", EnvironmentLive},
		{"override keeps the path", Config{Environment: "live", Endpoint: "http://127.0.0.1:8443/gateway/x", Login: "u", Password: "p"}, "http://127.0.0.1:8443/api/call.cgi", EntityLive, "", EnvironmentLive},
		{"no environment", Config{Login: "u", Password: "p"}, "", "", "environment", ""},
		{"unknown environment", Config{Environment: "staging", Login: "u", Password: "p"}, "", "", "environment", ""},
		{"bad endpoint", Config{Environment: "test", Endpoint: "ftp://example.com", Login: "u", Password: "p"}, "", "", "endpoint", ""},
		{"no login", Config{Environment: "test", Password: "p"}, "", "", "login", ""},
		{"no password", Config{Environment: "test", Login: "u"}, "", "", "password", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := NewClient(tt.cfg)
			if tt.wantField != "" {
				if pe := wantClass(t, err, provider.Invalid); pe.Field != tt.wantField {
					t.Errorf("field = %q, want %q", pe.Field, tt.wantField)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.URL() != tt.wantURL || c.Entity() != tt.wantEnt || c.Environment() != tt.wantEnvironmentOut {
				t.Errorf("URL, entity, environment = %s, %s, %s", c.URL(), c.Entity(), c.Environment())
			}
		})
	}
}

// captured is one request a stub server received.
type captured struct {
	path, contentType string
	form              url.Values
}

// stub serves fixed answers and keeps the requests.
func stub(tb testing.TB, status int, body string) (*httptest.Server, func() []captured) {
	tb.Helper()
	var mu sync.Mutex
	var got []captured
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		mu.Lock()
		got = append(got, captured{path: r.URL.Path, contentType: r.Header.Get("Content-Type"), form: r.PostForm})
		mu.Unlock()
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	tb.Cleanup(srv.Close)
	return srv, func() []captured {
		mu.Lock()
		defer mu.Unlock()
		return append([]captured(nil), got...)
	}
}

func TestRequestEncoding(t *testing.T) {
	t.Parallel()
	srv, requests := stub(t, 200, sampleCreate)
	c, err := NewClient(Config{Environment: "live", Endpoint: srv.URL, Login: "reseller!api", Password: "s3cret&pw"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateSSLCert(ctx(t), CreateRequest{
		Class: "comodo_essentialssl", Period: 1,
		CSR:        "-----BEGIN CERTIFICATE REQUEST-----\r\nMIIB\r\n\r\nAAAA\r\n-----END CERTIFICATE REQUEST-----\r\n",
		CommonName: "example.com", Domains: []string{"example.com", "", "www.example.com"},
		ServerSoftware: "APACHE2",
		DCV:            []DCV{{Method: "email", Email: "admin@example.com"}, {Method: ValidationDNS}},
		ApproverEmail:  "admin@example.com",
		Contacts: Contacts{
			Owner: &Contact{FirstName: "Ann", LastName: "Lee", Email: "ann@example.com", Street: "1 Main St\nFloor 2"},
			Admin: &Contact{Handle: "P-ABC1"},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	got := requests()
	if len(got) != 1 {
		t.Fatalf("%d requests", len(got))
	}
	r := got[0]
	if r.path != "/api/call.cgi" || r.contentType != "application/x-www-form-urlencoded" {
		t.Errorf("path %q, content type %q", r.path, r.contentType)
	}
	if r.form.Get("s_entity") != "54cd" || r.form.Get("s_login") != "reseller!api" || r.form.Get("s_pw") != "s3cret&pw" {
		t.Errorf("connection fields = %v", r.form)
	}
	want := strings.Join([]string{
		"COMMAND=CreateSSLCert",
		"ADMINCONTACT0=P-ABC1",
		"CSR0=-----BEGIN CERTIFICATE REQUEST-----", "CSR1=MIIB", "CSR2=AAAA", "CSR3=-----END CERTIFICATE REQUEST-----",
		"DOMAIN0=example.com", "DOMAIN1=www.example.com",
		"EMAIL=admin@example.com",
		"FIRSTNAME=Ann", "LASTNAME=Lee", "NAME=Ann Lee",
		"PERIOD=1", "SERVERSOFTWARE=APACHE2", "SSLCERTCLASS=COMODO_ESSENTIALSSL", "SSLCERTDOMAIN=example.com",
		"STREET=1 Main StFloor 2",
		"VALIDATION0=EMAIL", "VALIDATION1=DNSZONE", "VALIDATIONEMAIL0=admin@example.com",
	}, "\n")
	if got := r.form.Get("s_command"); got != want {
		t.Errorf("s_command:\n%s\nwant:\n%s", got, want)
	}
}

func TestLocalValidation(t *testing.T) {
	t.Parallel()
	srv, requests := stub(t, 200, sampleEmptyOK)
	c, err := NewClient(Config{Environment: "test", Endpoint: srv.URL, Login: "u", Password: "p"})
	if err != nil {
		t.Fatal(err)
	}
	x := ctx(t)
	tests := []struct {
		name  string
		call  func() error
		field string
	}{
		{"create without class", func() error { _, err := c.CreateSSLCert(x, CreateRequest{CSR: "x"}); return err }, "product"},
		{"create without csr", func() error { _, err := c.CreateSSLCert(x, CreateRequest{Class: "A_B"}); return err }, "csr"},
		{"create bad period", func() error {
			_, err := c.CreateSSLCert(x, CreateRequest{Class: "A_B", CSR: "x", Period: 11})
			return err
		}, "period"},
		{"create bad method", func() error {
			_, err := c.CreateSSLCert(x, CreateRequest{Class: "A_B", CSR: "x", DCV: []DCV{{Method: "FAX"}}})
			return err
		}, "dcv_method"},
		{"status without id", func() error { _, err := c.StatusSSLCert(x, " "); return err }, "reference"},
		{"parse without csr", func() error { _, err := c.ParseSSLCertCSR(x, "\n"); return err }, "csr"},
		{"approvers without class", func() error {
			_, err := c.QuerySSLCertDCVEMailAddressList(x, ApproverListRequest{Domain: "example.com"})
			return err
		}, "product"},
		{"approvers without name", func() error {
			_, err := c.QuerySSLCertDCVEMailAddressList(x, ApproverListRequest{Class: "A_B"})
			return err
		}, "names"},
		{"reissue without csr", func() error { _, err := c.ReissueSSLCert(x, ReissueRequest{ID: "1"}); return err }, "csr"},
		{"reissue without id", func() error { _, err := c.ReissueSSLCert(x, ReissueRequest{CSR: "x"}); return err }, "reference"},
		{"renew without id", func() error { _, err := c.RenewSSLCert(x, RenewRequest{}); return err }, "reference"},
		{"revoke without reason", func() error { return c.RevokeSSLCert(x, RevokeRequest{ID: "1"}) }, "reason"},
		{"resend bad type", func() error { return c.ResendSSLCertEmail(x, ResendRequest{ID: "1", Type: "Postcard"}) }, "type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if pe := wantClass(t, tt.call(), provider.Invalid); pe.Field != tt.field || pe.Command == "" {
				t.Errorf("field %q command %q, want field %q", pe.Field, pe.Command, tt.field)
			}
		})
	}
	if n := len(requests()); n != 0 {
		t.Errorf("%d requests sent for refused input", n)
	}
}

func TestStatusAccountAndRecording(t *testing.T) {
	t.Parallel()
	e := newEnv(t, hexonetsim.Options{})
	a, err := e.client.StatusAccount(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if a.Currency != "USD" || a.Balance.Minor != hexonetsim.DefaultBalance || a.Available.Minor != hexonetsim.DefaultBalance {
		t.Errorf("account = %+v", a)
	}
	calls := e.rec.all()
	if len(calls) != 1 {
		t.Fatalf("%d calls recorded, want 1", len(calls))
	}
	c := calls[0]
	if c.Provider != "hexonet" || c.Command != "StatusAccount" || c.Outcome != "ok" || c.HTTPStatus != 200 || c.Started.IsZero() || c.Error != "" {
		t.Errorf("call = %+v", c)
	}
	if !strings.Contains(c.Request, "s_pw="+url.QueryEscape(provider.Redacted)) || !strings.Contains(c.Request, "s_login="+e.creds.Login) || !strings.Contains(c.Request, "COMMAND%3DStatusAccount") {
		t.Errorf("request = %q", c.Request)
	}
	if !strings.Contains(c.Response, "PROPERTY[AMOUNT][0] = 1000.00") {
		t.Errorf("response = %q", c.Response)
	}
	noSecrets(t, e)
}

func TestAuthFailures(t *testing.T) {
	t.Parallel()
	e := newEnv(t, hexonetsim.Options{})
	live := e.sim.AddAccount(hexonetsim.Account{Login: "live.only", Password: "live-only-pw", Entity: hexonetsim.EntityLive})
	tests := []struct {
		name        string
		environment string
		login, pw   string
		says        []string
	}{
		{"wrong password", EnvironmentTest, e.creds.Login, "wrong-password", []string{"user name and password", "test mode", "IP address"}},
		{"live credentials in test mode", EnvironmentTest, live.Login, live.Password, []string{"OT&E test credentials only work in test mode"}},
		{"IP not allowed", EnvironmentTest, e.creds.Login + "+ipdenied", e.creds.Password, []string{"Register this server's public IP address", "control panel"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := e.clientFor(t, tt.environment, tt.login, tt.pw)
			_, err := c.StatusAccount(ctx(t))
			pe := wantClass(t, err, provider.Auth)
			for _, s := range tt.says {
				if !strings.Contains(pe.Message, s) {
					t.Errorf("message lacks %q: %s", s, pe.Message)
				}
			}
			if pe.Command != "StatusAccount" || strings.Contains(err.Error(), tt.pw) {
				t.Errorf("error = %v", err)
			}
		})
	}
	// The same live credentials work in live mode.
	if _, err := e.clientFor(t, EnvironmentLive, live.Login, live.Password).StatusAccount(ctx(t)); err != nil {
		t.Errorf("live credentials in live mode: %v", err)
	}
	for _, c := range e.rec.all() {
		if c.Outcome != "auth" && c.Outcome != "ok" {
			t.Errorf("outcome %q", c.Outcome)
		}
		if strings.Contains(c.Request, "wrong-password") || strings.Contains(c.Request, "live-only-pw") {
			t.Errorf("request leaks a password: %s", c.Request)
		}
	}
	e.sim.SetIPDenied(e.creds.Login, true)
	_, err := e.client.StatusUser(ctx(t))
	wantClass(t, err, provider.Auth)
}

func TestStatusUserCatalogue(t *testing.T) {
	t.Parallel()
	e := newEnv(t, hexonetsim.Options{})
	u, err := e.client.StatusUser(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	prices := map[string]Price{}
	for _, p := range u.Prices {
		if p.Period == 1 {
			prices[p.Class] = p
		}
		if !strings.HasPrefix("PRICE_CLASS_SSLCERT_"+p.Class, sslPricePrefix) || strings.Contains(p.Class, "DOMAIN") || strings.Contains(p.Class, "DNSZONE") {
			t.Errorf("non-SSL price %+v", p)
		}
	}
	if p := prices["COMODO_ESSENTIALSSL"]; p.Cost != usd(1900) {
		t.Errorf("COMODO_ESSENTIALSSL = %+v", p)
	}
	if p := prices["COMODO_UCC"]; p.Cost != usd(9900) || p.Setup != usd(1000) {
		t.Errorf("COMODO_UCC = %+v", p)
	}
	if len(prices) != 8 {
		t.Errorf("%d classes, want 8", len(prices))
	}
	for class := range prices {
		if _, ok := LookupClass(class); !ok {
			t.Errorf("simulated class %s is not in the class table", class)
		}
	}
	if u.User != e.creds.Login || u.AccountCurrency != "USD" || !u.Active {
		t.Errorf("user = %+v", u)
	}
}

func TestParseSSLCertCSRAgainstSim(t *testing.T) {
	t.Parallel()
	e := newEnv(t, hexonetsim.Options{})
	_, csr := newCSR(t, "example.com", "www.example.com")
	d, err := e.client.ParseSSLCertCSR(ctx(t), csr)
	if err != nil {
		t.Fatal(err)
	}
	if d.CommonName != "example.com" || len(d.AlternateNames) != 1 || d.AlternateNames[0] != "www.example.com" || d.IsCA {
		t.Errorf("details = %+v", d)
	}
	_, err = e.client.ParseSSLCertCSR(ctx(t), "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n")
	if pe := wantClass(t, err, provider.Invalid); pe.Field != "csr" || pe.Code != "505" {
		t.Errorf("err = %+v", pe)
	}
}

func TestApproverListAgainstSim(t *testing.T) {
	t.Parallel()
	e := newEnv(t, hexonetsim.Options{})
	list, err := e.client.QuerySSLCertDCVEMailAddressList(ctx(t), ApproverListRequest{Class: "COMODO_ESSENTIALSSL", Domain: "WWW.Example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 10 || list[0].Email != "admin@www.example.com" || list[9].Email != "webmaster@example.com" {
		t.Errorf("list = %+v", list)
	}
	for _, a := range list {
		if !a.Constructed() || a.Level != "GENERIC" {
			t.Errorf("approver %+v", a)
		}
	}
	_, csr := newCSR(t, "shop.example.org")
	byCSR, err := e.client.QuerySSLCertDCVEMailAddressList(ctx(t), ApproverListRequest{Class: "COMODO_ESSENTIALSSL", CSR: csr})
	if err != nil || byCSR[0].Email != "admin@shop.example.org" {
		t.Errorf("by CSR: %+v, %v", byCSR, err)
	}
	cert := mustCreate(t, e, "example.net")
	byID, err := e.client.QuerySSLCertDCVEMailAddressList(ctx(t), ApproverListRequest{ID: cert.ID})
	if err != nil || len(byID) != 5 || byID[0].Email != "admin@example.net" {
		t.Errorf("by ID: %+v, %v", byID, err)
	}
	_, err = e.client.QuerySSLCertDCVEMailAddressList(ctx(t), ApproverListRequest{ID: "404"})
	wantClass(t, err, provider.NotFound)
}

// mustCreate buys a COMODO_ESSENTIALSSL certificate for names with e-mail validation.
func mustCreate(tb testing.TB, e *env, names ...string) *Certificate {
	tb.Helper()
	_, csr := newCSR(tb, names...)
	c, err := e.client.CreateSSLCert(ctx(tb), CreateRequest{Class: "COMODO_ESSENTIALSSL", Period: 1, CSR: csr, DCV: []DCV{{Method: ValidationEmail, Email: "admin@" + names[0]}}})
	if err != nil {
		tb.Fatalf("CreateSSLCert: %v", err)
	}
	return c
}

// pollUntil polls StatusSSLCert until the status is want, at most n times.
func pollUntil(tb testing.TB, e *env, id string, want Status, n int) *Certificate {
	tb.Helper()
	var c *Certificate
	for range n {
		var err error
		c, err = e.client.StatusSSLCert(ctx(tb), id)
		if err != nil {
			tb.Fatalf("StatusSSLCert: %v", err)
		}
		if c.Status == want {
			return c
		}
	}
	tb.Fatalf("status after %d polls = %s (%s), want %s", n, c.Status, c.RawStatus, want)
	return nil
}

// checkIssued verifies that a certificate is for key and names and chains to the simulator's root.
func checkIssued(tb testing.TB, e *env, c *Certificate, key crypto.Signer, names ...string) {
	tb.Helper()
	b, _ := pem.Decode([]byte(c.CertificatePEM))
	if b == nil {
		tb.Fatalf("no certificate PEM: %q", c.CertificatePEM)
	}
	leaf, err := x509.ParseCertificate(b.Bytes)
	if err != nil {
		tb.Fatal(err)
	}
	if pub, ok := leaf.PublicKey.(interface{ Equal(crypto.PublicKey) bool }); !ok || !pub.Equal(key.Public()) {
		tb.Error("certificate is not for the CSR's key")
	}
	if strings.Join(leaf.DNSNames, ",") != strings.Join(names, ",") {
		tb.Errorf("names = %v, want %v", leaf.DNSNames, names)
	}
	if !c.Expires.Equal(leaf.NotAfter) {
		tb.Errorf("EXPIRATIONDATE %v, certificate notAfter %v", c.Expires, leaf.NotAfter)
	}
	if err := pki.Verify([]byte(c.CertificatePEM), []byte(c.ChainPEM), e.sim.RootPEM(), e.clock.Now().Add(time.Minute), names[0]); err != nil {
		tb.Errorf("Verify: %v", err)
	}
}

func TestLifecycleAgainstSim(t *testing.T) {
	t.Parallel()
	e := newEnv(t, hexonetsim.Options{})
	x := ctx(t)
	key, csr := newCSR(t, "example.com")
	created, err := e.client.CreateSSLCert(x, CreateRequest{
		Class: "COMODO_ESSENTIALSSL", Period: 1, CSR: csr, CommonName: "example.com", ServerSoftware: "APACHE2",
		DCV:      []DCV{{Method: ValidationEmail, Email: "hostmaster@example.com"}},
		Contacts: Contacts{Owner: &Contact{FirstName: "Ann", LastName: "Lee", Email: "ann@example.org"}, Admin: &Contact{FirstName: "Bo", Email: "bo@example.org"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if created.Status != StatusPending || created.RawStatus != "REQUESTEDCREATE" || created.ID == "" || created.CertificatePEM != "" {
		t.Errorf("created = %+v", created)
	}
	if len(created.Validations) != 1 || created.Validations[0].Email != "hostmaster@example.com" || created.Validations[0].Domain != "example.com" {
		t.Errorf("validations = %+v", created.Validations)
	}
	if created.Response.First("ADMINCONTACT0FIRSTNAME") != "Bo" {
		t.Errorf("admin contact not echoed")
	}
	if bal, _ := e.sim.Balance(hexonetsim.EntityTest, e.creds.Login); bal != hexonetsim.DefaultBalance-1900 {
		t.Errorf("balance = %d", bal)
	}

	pending := pollUntil(t, e, created.ID, StatusPending, 1)
	if pending.RawStatus != "PENDINGCREATE" {
		t.Errorf("first poll: %s", pending.RawStatus)
	}
	issued := pollUntil(t, e, created.ID, StatusIssued, 1)
	checkIssued(t, e, issued, key, "example.com")

	// Reissue with a new key under the same ID.
	key2, csr2 := newCSR(t, "example.com")
	re, err := e.client.ReissueSSLCert(x, ReissueRequest{ID: created.ID, CSR: csr2, DCV: []DCV{{Method: ValidationDNS}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(re.Validations) != 1 || re.Validations[0].Method != ValidationDNS || re.Validations[0].DNS.Type != "CNAME" || re.Domains[0] != "example.com" {
		t.Errorf("reissue = %+v", re)
	}
	reissued := pollUntil(t, e, created.ID, StatusIssued, 3)
	checkIssued(t, e, reissued, key2, "example.com")
	if reissued.CertificatePEM == issued.CertificatePEM {
		t.Error("reissue returned the old certificate")
	}

	// Native renewal: a new ID and a new purchase; the old one becomes REPLACED once the new is issued.
	renewed, err := e.client.RenewSSLCert(x, RenewRequest{ID: created.ID, Period: 1})
	if err != nil {
		t.Fatal(err)
	}
	if renewed.ID == created.ID || renewed.OldID != created.ID || renewed.RawStatus != "REQUESTEDRENEW" || renewed.OldExpires.IsZero() {
		t.Errorf("renewed = %+v", renewed)
	}
	_, err = e.client.RenewSSLCert(x, RenewRequest{ID: created.ID})
	if pe := wantClass(t, err, provider.Invalid); pe.Code != "555" {
		t.Errorf("second renewal: %v", err)
	}
	pollUntil(t, e, renewed.ID, StatusIssued, 3)
	old, err := e.client.StatusSSLCert(x, created.ID)
	if err != nil || old.Status != StatusReplaced {
		t.Errorf("old certificate: %+v, %v", old, err)
	}

	// Revoke the renewal; a second revoke and a resend are refused.
	if err := e.client.RevokeSSLCert(x, RevokeRequest{ID: renewed.ID, Reason: "key compromise"}); err != nil {
		t.Fatal(err)
	}
	revoked, err := e.client.StatusSSLCert(x, renewed.ID)
	if err != nil || revoked.Status != StatusRevoked {
		t.Errorf("after revoke: %+v, %v", revoked, err)
	}
	err = e.client.RevokeSSLCert(x, RevokeRequest{ID: renewed.ID, Reason: "again"})
	if pe := wantClass(t, err, provider.Invalid); pe.Code != "552" {
		t.Errorf("second revoke: %v", err)
	}
	err = e.client.ResendSSLCertEmail(x, ResendRequest{ID: renewed.ID})
	wantClass(t, err, provider.Invalid)

	if n := e.sim.Purchases(hexonetsim.EntityTest); n != 2 {
		t.Errorf("purchases = %d, want 2 (order and renewal; the reissue is free)", n)
	}
	noSecrets(t, e)
	for _, c := range e.rec.all() {
		if c.HTTPStatus != 200 || c.Command == "" || c.Duration < 0 {
			t.Errorf("call %+v", c)
		}
	}
}

func TestResendAgainstSim(t *testing.T) {
	t.Parallel()
	e := newEnv(t, hexonetsim.Options{})
	c := mustCreate(t, e, "example.com")
	if err := e.client.ResendSSLCertEmail(ctx(t), ResendRequest{ID: c.ID}); err != nil {
		t.Fatal(err)
	}
	if err := e.client.ResendSSLCertEmail(ctx(t), ResendRequest{ID: c.ID, Type: ResendApproverEmail, Email: "webmaster@example.com"}); err != nil {
		t.Fatal(err)
	}
	st, err := e.client.StatusSSLCert(ctx(t), c.ID)
	if err != nil || st.Validations[0].Email != "webmaster@example.com" {
		t.Errorf("after changing the approver: %+v, %v", st, err)
	}
	err = e.client.ResendSSLCertEmail(ctx(t), ResendRequest{ID: c.ID, Email: "ceo@example.com"})
	if pe := wantClass(t, err, provider.Invalid); pe.Code != "541" {
		t.Errorf("foreign approver: %+v", pe)
	}
	if o, _ := e.sim.Order(hexonetsim.EntityTest, c.ID); o.Resends != 2 {
		t.Errorf("resends = %d", o.Resends)
	}
	err = e.client.ResendSSLCertEmail(ctx(t), ResendRequest{ID: "404"})
	wantClass(t, err, provider.NotFound)
}

func TestCreateRefusalsAgainstSim(t *testing.T) {
	t.Parallel()
	e := newEnv(t, hexonetsim.Options{})
	_, csr := newCSR(t, "example.com")
	_, wild := newCSR(t, "*.example.com")
	tests := []struct {
		name  string
		req   CreateRequest
		class provider.Class
		code  string
		field string
	}{
		{"unknown class", CreateRequest{Class: "ACME_FREE", CSR: csr}, provider.Invalid, "541", "product"},
		{"damaged csr", CreateRequest{Class: "COMODO_ESSENTIALSSL", CSR: "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----"}, provider.Invalid, "505", "csr"},
		{"wildcard in plain class", CreateRequest{Class: "COMODO_ESSENTIALSSL", CSR: wild}, provider.Invalid, "541", "names"},
		{"foreign approver", CreateRequest{Class: "COMODO_ESSENTIALSSL", CSR: csr, DCV: []DCV{{Email: "info@example.com"}}}, provider.Invalid, "541", "approver_email"},
		{"period", CreateRequest{Class: "COMODO_ESSENTIALSSL", CSR: csr, Period: 5}, provider.Invalid, "541", "period"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.client.CreateSSLCert(ctx(t), tt.req)
			pe := wantClass(t, err, tt.class)
			if pe.Code != tt.code || pe.Field != tt.field {
				t.Errorf("code %q field %q, want %q %q (%v)", pe.Code, pe.Field, tt.code, tt.field, pe)
			}
		})
	}
	if n := e.sim.Purchases(""); n != 0 {
		t.Errorf("%d purchases", n)
	}
}

func TestScenariosAgainstSim(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		setup     func(e *env)
		names     []string
		class     provider.Class
		code      string
		says      string
		purchases int
	}{
		{"HTTP 503", func(e *env) { e.sim.FailNext(1) }, []string{"example.com"}, provider.Temporary, "HTTP 503", "unavailable", 0},
		{"421 try again", func(e *env) { e.sim.TemporaryErrorNext(1) }, []string{"example.com"}, provider.Temporary, "421", "retried", 0},
		{"malformed body", func(e *env) { e.sim.MalformedNext(1) }, []string{"example.com"}, provider.Temporary, "malformed", "not a valid API response", 0},
		{"insufficient balance", func(e *env) { e.sim.SetBalance(hexonetsim.EntityTest, e.creds.Login, 100) }, []string{"example.com"}, provider.Temporary, "546", "add funds", 0},
		{"nocredit name", nil, []string{"nocredit.example.com"}, provider.Temporary, "546", "credit limit", 0},
		{"unavailable name", nil, []string{"unavailable.example.com"}, provider.Temporary, "HTTP 503", "unavailable", 0},
		{"malformed name", nil, []string{"malformed.example.com"}, provider.Temporary, "malformed", "truncated", 0},
		{"lost answer", nil, []string{"lost.example.com"}, provider.Temporary, "HTTP 502", "unavailable", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, hexonetsim.Options{})
			if tt.setup != nil {
				tt.setup(e)
			}
			_, csr := newCSR(t, tt.names...)
			_, err := e.client.CreateSSLCert(ctx(t), CreateRequest{Class: "COMODO_ESSENTIALSSL", CSR: csr})
			pe := wantClass(t, err, tt.class)
			if pe.Code != tt.code || !strings.Contains(strings.ToLower(pe.Message), strings.ToLower(tt.says)) {
				t.Errorf("code %q message %q; want %q, %q", pe.Code, pe.Message, tt.code, tt.says)
			}
			if n := e.sim.Purchases(""); n != tt.purchases {
				t.Errorf("purchases = %d, want %d", n, tt.purchases)
			}
			calls := e.rec.all()
			if len(calls) != 1 || calls[0].Outcome != string(tt.class) || calls[0].Error == "" {
				t.Errorf("calls = %+v", calls)
			}
			noSecrets(t, e, err)
		})
	}
}

func TestRejectedAgainstSim(t *testing.T) {
	t.Parallel()
	e := newEnv(t, hexonetsim.Options{})
	c := mustCreate(t, e, "reject.example.com")
	got := pollUntil(t, e, c.ID, StatusRejected, 3)
	if got.StatusDetails != "Rejected by the certificate authority (simulated)" || got.CertificatePEM != "" {
		t.Errorf("rejected = %+v", got)
	}
	e.sim.Reject("other.example.com", "Domain control validation failed")
	c = mustCreate(t, e, "other.example.com")
	if got := pollUntil(t, e, c.ID, StatusRejected, 3); got.StatusDetails != "Domain control validation failed" {
		t.Errorf("details %q", got.StatusDetails)
	}
}

func TestPollsToIssueAgainstSim(t *testing.T) {
	t.Parallel()
	e := newEnv(t, hexonetsim.Options{PollsToIssue: 4})
	c := mustCreate(t, e, "example.com")
	for i := 1; i <= 3; i++ {
		st, err := e.client.StatusSSLCert(ctx(t), c.ID)
		if err != nil || st.Status != StatusPending {
			t.Fatalf("poll %d: %+v, %v", i, st, err)
		}
	}
	pollUntil(t, e, c.ID, StatusIssued, 1)
	now := mustCreate(t, e, "polls0.example.com")
	if now.Status != StatusIssued || now.CertificatePEM == "" {
		t.Errorf("polls0: %+v", now)
	}
}

func TestTimeoutAndNetworkErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t, hexonetsim.Options{SlowDelay: 2 * time.Second})
	slow, err := NewClient(Config{Environment: "test", Endpoint: e.srv.URL, Login: e.creds.Login, Password: e.creds.Password,
		HTTPClient: &http.Client{Timeout: 200 * time.Millisecond}, Record: e.rec.record})
	if err != nil {
		t.Fatal(err)
	}
	e.sim.SetDelay(2 * time.Second)
	_, err = slow.StatusAccount(ctx(t))
	if pe := wantClass(t, err, provider.Temporary); !strings.Contains(pe.Message, "did not answer in time") {
		t.Errorf("timeout message %q", pe.Message)
	}
	e.sim.SetDelay(0)

	_, csr := newCSR(t, "slow.example.com")
	short, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err = e.client.CreateSSLCert(short, CreateRequest{Class: "COMODO_ESSENTIALSSL", CSR: csr})
	wantClass(t, err, provider.Temporary)

	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	c, err := NewClient(Config{Environment: "test", Endpoint: closed.URL, Login: "u", Password: "secret-pw-1"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.StatusAccount(ctx(t))
	if pe := wantClass(t, err, provider.Temporary); !strings.Contains(pe.Message, "could not be reached") || strings.Contains(err.Error(), "secret-pw-1") {
		t.Errorf("network error %v", err)
	}
}

func TestHTTPStatuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status int
		class  provider.Class
		says   string
	}{
		{500, provider.Temporary, "unavailable"},
		{502, provider.Temporary, "unavailable"},
		{429, provider.Temporary, "rate limit"},
		{401, provider.Auth, "refused access"},
		{403, provider.Auth, "IP address"},
		{404, provider.Temporary, "endpoint URL"},
		{418, provider.Temporary, "HTTP status 418"},
	}
	for _, tt := range tests {
		t.Run(http.StatusText(tt.status), func(t *testing.T) {
			t.Parallel()
			srv, _ := stub(t, tt.status, "<html>error</html>")
			rec := &recorder{}
			c, err := NewClient(Config{Environment: "live", Endpoint: srv.URL, Login: "u", Password: "p4ssword", Record: rec.record})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.StatusAccount(ctx(t))
			pe := wantClass(t, err, tt.class)
			if !strings.Contains(pe.Message, tt.says) {
				t.Errorf("message %q lacks %q", pe.Message, tt.says)
			}
			calls := rec.all()
			if len(calls) != 1 || calls[0].HTTPStatus != tt.status || calls[0].Response != "<html>error</html>" {
				t.Errorf("calls = %+v", calls)
			}
		})
	}
}

func TestRecordedResponseIsRedacted(t *testing.T) {
	t.Parallel()
	body := `[RESPONSE]
CODE = 200
DESCRIPTION = Command completed successfully; echo p4ssw0rd-xyz
PROPERTY[SSLCERTID][0] = 9
PROPERTY[STATUS][0] = ACTIVE
PROPERTY[PEM][0] = -----BEGIN RSA PRIVATE KEY-----
PROPERTY[PEM][1] = MIIEpAIBAAKCAQEA
PROPERTY[PEM][2] = -----END RSA PRIVATE KEY-----
PROPERTY[CRT][0] = -----BEGIN CERTIFICATE-----
PROPERTY[CRT][1] = MIIB
PROPERTY[CRT][2] = -----END CERTIFICATE-----
EOF
`
	srv, _ := stub(t, 200, body)
	rec := &recorder{}
	c, err := NewClient(Config{Environment: "test", Endpoint: srv.URL, Login: "u", Password: "p4ssw0rd-xyz", Record: rec.record})
	if err != nil {
		t.Fatal(err)
	}
	cert, err := c.StatusSSLCert(ctx(t), "9")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(cert.PrivateKeyPEM, "MIIEpAIBAAKCAQEA") {
		t.Errorf("the caller must still get the key: %q", cert.PrivateKeyPEM)
	}
	logged := rec.all()[0]
	for _, secret := range []string{"p4ssw0rd-xyz", "MIIEpAIBAAKCAQEA", "PRIVATE KEY"} {
		if strings.Contains(logged.Response, secret) || strings.Contains(logged.Request, secret) {
			t.Errorf("call log holds %q:\n%s\n%s", secret, logged.Request, logged.Response)
		}
	}
	if !strings.Contains(logged.Response, "PROPERTY[CRT][1] = MIIB") || !strings.Contains(logged.Response, "PROPERTY[PEM][1] = "+provider.Redacted) {
		t.Errorf("response log = %s", logged.Response)
	}
}

func TestExactlyOnceReconciliation(t *testing.T) {
	t.Parallel()
	e := newEnv(t, hexonetsim.Options{})
	started := e.clock.Now()
	_, csr := newCSR(t, "lost.example.com")
	_, err := e.client.CreateSSLCert(ctx(t), CreateRequest{Class: "COMODO_ESSENTIALSSL", CSR: csr})
	wantClass(t, err, provider.Temporary)
	// Before retrying, the reconciler looks for the order by name and time.
	list, err := e.client.QuerySSLCertList(ctx(t), ListRequest{CommonName: "LOST.example.com", CreatedFrom: started.Add(-time.Minute), CreatedTo: started.Add(time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	if list.Count != 1 || len(list.Certificates) != 1 {
		t.Fatalf("list = %+v", list)
	}
	found := list.Certificates[0]
	if found.CommonName != "lost.example.com" || found.Status != StatusPending || found.Class != "COMODO_ESSENTIALSSL" || !found.Created.Equal(started) || found.User != e.creds.Login {
		t.Errorf("found = %+v", found)
	}
	if n := e.sim.Purchases(""); n != 1 {
		t.Errorf("purchases = %d, want exactly 1", n)
	}
	reqs := e.sim.Requests()
	last := reqs[len(reqs)-1]
	if last.Command != "QuerySSLCertList" || last.Attributes["WIDE"] != "1" || last.Attributes["SSLCERTCN"] != "lost.example.com" ||
		last.Attributes["MINCREATEDDATE"] != "2026-06-01 09:59:00" || last.Attributes["MAXCREATEDDATE"] != "2026-06-01 10:01:00" {
		t.Errorf("list request = %+v", last)
	}
	none, err := e.client.QuerySSLCertList(ctx(t), ListRequest{CommonName: "never.example.com"})
	if err != nil || none.Count != 0 || len(none.Certificates) != 0 {
		t.Errorf("empty list: %+v, %v", none, err)
	}
}

func TestListPagingAgainstSim(t *testing.T) {
	t.Parallel()
	e := newEnv(t, hexonetsim.Options{})
	var ids []string
	for _, n := range []string{"a.example.com", "b.example.com", "c.example.com"} {
		ids = append(ids, mustCreate(t, e, n).ID)
	}
	page, err := e.client.QuerySSLCertList(ctx(t), ListRequest{First: 1, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != 3 || page.Count != 1 || page.First != 1 || page.Limit != 1 || page.Certificates[0].ID != ids[1] {
		t.Errorf("page = %+v", page)
	}
	byID, err := e.client.QuerySSLCertList(ctx(t), ListRequest{ID: ids[2], Class: "comodo_essentialssl", Status: "requestedcreate"})
	if err != nil || len(byID.Certificates) != 1 || byID.Certificates[0].ID != ids[2] {
		t.Errorf("by ID: %+v, %v", byID, err)
	}
	// The live entity has its own data set.
	live := e.clientFor(t, EnvironmentLive, e.creds.Login, e.creds.Password)
	l, err := live.QuerySSLCertList(ctx(t), ListRequest{})
	if err != nil || l.Total != 0 {
		t.Errorf("live list: %+v, %v", l, err)
	}
	_, err = live.StatusSSLCert(ctx(t), ids[0])
	wantClass(t, err, provider.NotFound)
}

func TestConcurrentCalls(t *testing.T) {
	t.Parallel()
	e := newEnv(t, hexonetsim.Options{})
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 8 {
		wg.Go(func() {
			_, csr := newCSR(t, "example.com")
			c, err := e.client.CreateSSLCert(ctx(t), CreateRequest{Class: "COMODO_POSITIVESSL", CSR: csr})
			if err != nil {
				errs <- err
				return
			}
			if _, err := e.client.StatusSSLCert(ctx(t), c.ID); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := len(e.rec.all()); n != 16 {
		t.Errorf("%d calls recorded, want 16", n)
	}
	if n := e.sim.Purchases(""); n != 8 {
		t.Errorf("%d purchases, want 8", n)
	}
}
