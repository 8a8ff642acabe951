package sectigo

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sslreseller/sslreseller/internal/pki"
	"github.com/sslreseller/sslreseller/internal/provider"
	"github.com/sslreseller/sslreseller/internal/provider/sectigo/sectigosim"
)

// formats runs a test for both response formats.
func formats(t *testing.T, run func(t *testing.T, newline bool)) {
	for _, nl := range []bool{false, true} {
		name := "urlencoded"
		if nl {
			name = "newline"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			run(t, nl)
		})
	}
}

func withFormat(newline bool) func(*Config) { return func(c *Config) { c.NewlineFormat = newline } }

// apply places a DV order for names with the CNAME method.
func apply(tb testing.TB, c *Client, product int, names ...string) (*ApplyResult, string) {
	tb.Helper()
	csr := newCSR(tb, names...)
	res, err := c.AutoApplySSL(ctx(tb), ApplyRequest{Product: product, Days: 365, CSR: csr, DCVMethod: DCVCNAME})
	if err != nil {
		tb.Fatalf("AutoApplySSL: %v", err)
	}
	return res, csr
}

// pollUntil calls CollectSSL until the status is not pending, at most n times.
func pollUntil(tb testing.TB, c *Client, order string, n int) (*CollectResult, int) {
	tb.Helper()
	for i := 1; i <= n; i++ {
		res, err := c.CollectSSL(ctx(tb), CollectRequest{OrderNumber: order, WithCertificate: true})
		if err != nil {
			tb.Fatalf("CollectSSL: %v", err)
		}
		if res.Status != StatusPending {
			return res, i
		}
	}
	tb.Fatalf("order %s still pending after %d polls", order, n)
	return nil, 0
}

// verifyIssued checks a collected certificate: it chains to the simulator root, is for the CSR's key,
// carries names in order and lasts no longer than the industry maximum.
func verifyIssued(tb testing.TB, sim *sectigosim.Sim, res *CollectResult, csr string, names ...string) *x509.Certificate {
	tb.Helper()
	if res.Status != StatusIssued || res.CertificatePEM == "" {
		tb.Fatalf("not issued: %+v", res)
	}
	if err := pki.Verify([]byte(res.CertificatePEM), []byte(res.ChainPEM), sim.RootPEM(), time.Now(), names[0]); err != nil {
		tb.Fatalf("verify: %v", err)
	}
	certs, err := pki.ParseCertificatesPEM([]byte(res.CertificatePEM))
	if err != nil {
		tb.Fatal(err)
	}
	cert := certs[0]
	info, err := pki.ParseCSR([]byte(csr))
	if err != nil {
		tb.Fatal(err)
	}
	spki, _ := x509.MarshalPKIXPublicKey(cert.PublicKey)
	if string(spki) != string(info.Request.RawSubjectPublicKeyInfo) {
		tb.Error("the certificate is not for the CSR's key")
	}
	if diff := cmp.Diff(names, cert.DNSNames); diff != "" {
		tb.Errorf("names (-want +got):\n%s", diff)
	}
	if cert.NotAfter.Sub(cert.NotBefore) > pki.MaxValidity(cert.NotBefore) {
		tb.Errorf("validity %s exceeds the maximum", cert.NotAfter.Sub(cert.NotBefore))
	}
	if !res.NotAfter.IsZero() && !res.NotAfter.Equal(cert.NotAfter.UTC()) {
		tb.Errorf("reported notAfter %v, certificate %v", res.NotAfter, cert.NotAfter)
	}
	return cert
}

func TestNewClient(t *testing.T) {
	t.Parallel()
	ok := Config{Environment: EnvironmentLive, LoginName: "u", LoginPassword: "p4ssw0rd"}
	tests := []struct {
		name  string
		mod   func(*Config)
		field string
		url   string
	}{
		{name: "live", url: "https://secure.trust-provider.com/products/!AutoApplySSL"},
		{name: "test uses the same host", mod: func(c *Config) { c.Environment = EnvironmentTest }, url: "https://secure.trust-provider.com/products/!AutoApplySSL"},
		{name: "override keeps the path", mod: func(c *Config) { c.Endpoint = "http://127.0.0.1:8443/gateway/x" }, url: "http://127.0.0.1:8443/products/!AutoApplySSL"},
		{name: "bad environment", mod: func(c *Config) { c.Environment = "sandbox" }, field: "environment"},
		{name: "no login", mod: func(c *Config) { c.LoginName = " " }, field: "login_name"},
		{name: "no password", mod: func(c *Config) { c.LoginPassword = "" }, field: "login_password"},
		{name: "bad endpoint", mod: func(c *Config) { c.Endpoint = "ftp://example.com" }, field: "endpoint"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := ok
			if tt.mod != nil {
				tt.mod(&cfg)
			}
			c, err := NewClient(cfg)
			if tt.field != "" {
				if errClass(t, err) != provider.Invalid || err.(*provider.Error).Field != tt.field {
					t.Fatalf("got %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := c.URL(cmdApply); got != tt.url {
				t.Errorf("URL = %q, want %q", got, tt.url)
			}
			if c.Test() != (cfg.Environment == EnvironmentTest) {
				t.Error("Test() is wrong")
			}
		})
	}
	if c, _ := NewClient(ok); c.URL(cmdCollect) != "https://secure.trust-provider.com/products/download/CollectSSL" {
		t.Errorf("CollectSSL URL %q", c.URL(cmdCollect))
	}
}

func TestLifecycle(t *testing.T) {
	t.Parallel()
	formats(t, func(t *testing.T, newline bool) {
		f := newFixture(t, sectigosim.Options{}, withFormat(newline))
		before := f.sim.Balance(f.acct.LoginName)
		res, csr := apply(t, f.client, 287, "shop.example.com")
		if !res.Paid || res.Test || res.TotalCostMinor != 1000 || res.UniqueValue == "" || res.CertificateID == "" || len(res.OrderNumber) < 7 {
			t.Fatalf("apply result %+v", res)
		}
		if got := f.sim.Balance(f.acct.LoginName); got != before-1000 {
			t.Errorf("balance %d, want %d", got, before-1000)
		}
		got, polls := pollUntil(t, f.client, res.OrderNumber, 5)
		if polls != sectigosim.DefaultIssueAfterPolls {
			t.Errorf("issued after %d polls, want %d", polls, sectigosim.DefaultIssueAfterPolls)
		}
		first := verifyIssued(t, f.sim, got, csr, "shop.example.com", "www.shop.example.com")

		// Reissue with the same CSR: validation is reused, it issues at the next poll.
		rep, err := f.client.AutoReplaceSSL(ctx(t), ReplaceRequest{OrderNumber: res.OrderNumber, CSR: csr, DCVMethod: DCVHTTP})
		if err != nil {
			t.Fatal(err)
		}
		if rep.CertificateID == "" || rep.CertificateID == res.CertificateID {
			t.Errorf("replace result %+v", rep)
		}
		got, polls = pollUntil(t, f.client, res.OrderNumber, 3)
		second := verifyIssued(t, f.sim, got, csr, "shop.example.com", "www.shop.example.com")
		if polls != 1 || second.SerialNumber.Cmp(first.SerialNumber) == 0 {
			t.Errorf("reissue: %d polls, serials %s %s", polls, first.SerialNumber, second.SerialNumber)
		}
		o, _ := f.sim.Order(res.OrderNumber)
		if len(o.Certificates) != 2 || o.Certificates[0].State != sectigosim.StateReplaced {
			t.Errorf("order after reissue %+v", o)
		}

		// Revoke, then collect reports it, then revoking again is harmless.
		rv, err := f.client.AutoRevokeSSL(ctx(t), RevokeRequest{OrderNumber: res.OrderNumber, Reason: "key compromise"})
		if err != nil || rv.AlreadyRevoked {
			t.Fatalf("revoke: %+v %v", rv, err)
		}
		got, err = f.client.CollectSSL(ctx(t), CollectRequest{OrderNumber: res.OrderNumber})
		if err != nil || got.Status != StatusRevoked {
			t.Fatalf("collect after revoke: %+v %v", got, err)
		}
		rv, err = f.client.AutoRevokeSSL(ctx(t), RevokeRequest{OrderNumber: res.OrderNumber, Reason: "again"})
		if err != nil || !rv.AlreadyRevoked {
			t.Fatalf("second revoke: %+v %v", rv, err)
		}
		if _, err := f.client.AutoReplaceSSL(ctx(t), ReplaceRequest{OrderNumber: res.OrderNumber, CSR: csr}); errClass(t, err) != provider.Rejected {
			t.Errorf("reissue of a revoked order: %v", err)
		}
	})
}

func TestCancelAndRefund(t *testing.T) {
	t.Parallel()
	formats(t, func(t *testing.T, newline bool) {
		f := newFixture(t, sectigosim.Options{}, withFormat(newline))
		before := f.sim.Balance(f.acct.LoginName)
		res, _ := apply(t, f.client, 289, "*.example.com")
		if f.sim.Balance(f.acct.LoginName) != before-6000 {
			t.Fatalf("balance not debited: %d", f.sim.Balance(f.acct.LoginName))
		}
		r, err := f.client.AutoRefund(ctx(t), res.OrderNumber, RefundWantAnotherType)
		if err != nil || r.AlreadyCancelled || r.AlreadyRefunded {
			t.Fatalf("refund: %+v %v", r, err)
		}
		if f.sim.Balance(f.acct.LoginName) != before {
			t.Errorf("balance not credited: %d, want %d", f.sim.Balance(f.acct.LoginName), before)
		}
		got, err := f.client.CollectSSL(ctx(t), CollectRequest{OrderNumber: res.OrderNumber})
		if err != nil || got.Status != StatusCancelled {
			t.Fatalf("collect after refund: %+v %v", got, err)
		}
		r, err = f.client.AutoRefund(ctx(t), res.OrderNumber, 0)
		if err != nil || !r.AlreadyRefunded {
			t.Fatalf("second refund: %+v %v", r, err)
		}
	})
}

func TestPayLaterAndAuthorize(t *testing.T) {
	t.Parallel()
	formats(t, func(t *testing.T, newline bool) {
		f := newFixture(t, sectigosim.Options{IssueAfterPolls: 1}, withFormat(newline))
		if err := f.sim.SetPayLater(f.acct.LoginName, true); err != nil {
			t.Fatal(err)
		}
		before := f.sim.Balance(f.acct.LoginName)
		res, csr := apply(t, f.client, 287, "paylater.example.com")
		if res.Paid || f.sim.Balance(f.acct.LoginName) != before {
			t.Fatalf("order should be unpaid: %+v", res)
		}
		got, err := f.client.CollectSSL(ctx(t), CollectRequest{OrderNumber: res.OrderNumber})
		if err != nil || got.Status != StatusPending {
			t.Fatalf("unpaid order: %+v %v", got, err)
		}
		if !newline && StatusOf(got.RawStatus) != StatusPending {
			t.Errorf("raw status %q", got.RawStatus)
		}
		if err := f.client.AutoAuthorize(ctx(t), res.OrderNumber); err != nil {
			t.Fatal(err)
		}
		if f.sim.Balance(f.acct.LoginName) != before-1000 {
			t.Errorf("authorize did not debit")
		}
		got, _ = pollUntil(t, f.client, res.OrderNumber, 2)
		verifyIssued(t, f.sim, got, csr, "paylater.example.com", "www.paylater.example.com")
	})
}

func TestEmailValidation(t *testing.T) {
	t.Parallel()
	f := newFixture(t, sectigosim.Options{}, nil)
	list, err := f.client.GetDCVEmailAddressList(ctx(t), "*.www.Example.co.uk")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"admin@example.co.uk", "administrator@example.co.uk", "hostmaster@example.co.uk", "postmaster@example.co.uk", "webmaster@example.co.uk",
		"admin@www.example.co.uk", "administrator@www.example.co.uk", "hostmaster@www.example.co.uk", "postmaster@www.example.co.uk", "webmaster@www.example.co.uk"}
	if diff := cmp.Diff(want, list.Addresses); diff != "" || list.Domain != "www.example.co.uk" || len(list.WhoisEmails) != 0 {
		t.Errorf("list %+v (-want +got):\n%s", list, diff)
	}
	if _, err := f.client.GetDCVEmailAddressList(ctx(t), "not a domain"); errClass(t, err) != provider.Invalid {
		t.Errorf("bad domain: %v", err)
	}

	csr := newCSR(t, "mail.example.com")
	_, err = f.client.AutoApplySSL(ctx(t), ApplyRequest{Product: 287, Days: 365, CSR: csr, DCVMethod: DCVEmail, DCVEmailAddress: "someone@example.com"})
	if errClass(t, err) != provider.Invalid || err.(*provider.Error).Field != "approver_email" {
		t.Fatalf("approver outside the list: %v", err)
	}
	res, err := f.client.AutoApplySSL(ctx(t), ApplyRequest{Product: 287, Days: 365, CSR: csr, DCVMethod: DCVEmail, DCVEmailAddress: "Admin@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.client.ResendDCVEmail(ctx(t), ResendDCVRequest{OrderNumber: res.OrderNumber}); err != nil {
		t.Fatal(err)
	}
	if err := f.client.ResendDCVEmail(ctx(t), ResendDCVRequest{OrderNumber: res.OrderNumber, DCVEmailAddress: "webmaster@mail.example.com"}); err != nil {
		t.Fatal(err)
	}
	if o, _ := f.sim.Order(res.OrderNumber); o.Resends != 2 {
		t.Errorf("resends %d", o.Resends)
	}
	// Switch to a CNAME record (AutoUpdateDCV refuses responseFormat: the client must not send it).
	if err := f.client.AutoUpdateDCV(ctx(t), UpdateDCVRequest{OrderNumber: res.OrderNumber, NewMethod: DCVCNAME}); err != nil {
		t.Fatal(err)
	}
	if o, _ := f.sim.Order(res.OrderNumber); o.Certificates[0].DCVMethod != "CNAME_CSR_HASH" {
		t.Errorf("method %q", o.Certificates[0].DCVMethod)
	}
	if err := f.client.ResendDCVEmail(ctx(t), ResendDCVRequest{OrderNumber: res.OrderNumber}); errClass(t, err) != provider.Invalid {
		t.Errorf("resend for a CNAME order: %v", err)
	}
	err = f.client.AutoUpdateDCV(ctx(t), UpdateDCVRequest{OrderNumber: res.OrderNumber, NewMethod: DCVEmail, NewDCVEmailAddress: "root@elsewhere.org"})
	if errClass(t, err) != provider.Invalid {
		t.Errorf("update to a foreign approver: %v", err)
	}
	if err := f.client.AutoUpdateDCV(ctx(t), UpdateDCVRequest{OrderNumber: res.OrderNumber, NewMethod: DCVEmail, NewDCVEmailAddress: "postmaster@example.com"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.client.AutoApplySSL(ctx(t), ApplyRequest{Product: 287, Days: 365, CSR: csr, DCVMethod: DCVEmail}); errClass(t, err) != provider.Invalid {
		t.Errorf("EMAIL without an address must be refused before sending: %v", err)
	}
}

func TestMultiDomainAndOV(t *testing.T) {
	t.Parallel()
	f := newFixture(t, sectigosim.Options{IssueAfterPolls: 1}, nil)
	names := []string{"a.example.com", "b.example.com", "c.example.org", "d.example.net"}
	csr := newCSR(t, names...)
	res, err := f.client.AutoApplySSL(ctx(t), ApplyRequest{Product: 279, Days: 365, CSR: csr, DCVMethod: DCVHTTP,
		DomainNames: names, PrimaryDomainName: "b.example.com", ForeignOrderNumber: "iss-42"})
	if err != nil {
		t.Fatal(err)
	}
	if res.TotalCostMinor != 3000+1000 {
		t.Errorf("cost %d", res.TotalCostMinor)
	}
	got, _ := pollUntil(t, f.client, res.OrderNumber, 2)
	verifyIssued(t, f.sim, got, csr, "b.example.com", "a.example.com", "c.example.org", "d.example.net")

	ovCSR := newCSR(t, "corp.example.com")
	_, err = f.client.AutoApplySSL(ctx(t), ApplyRequest{Product: 316, Days: 365, CSR: ovCSR, DCVMethod: DCVCNAME})
	if errClass(t, err) != provider.Invalid || err.(*provider.Error).Field != "organization.name" {
		t.Fatalf("OV without organisation: %v", err)
	}
	_, err = f.client.AutoApplySSL(ctx(t), ApplyRequest{Product: 316, Days: 365, CSR: ovCSR, DCVMethod: DCVCNAME,
		Organization: Organization{Name: "Example Ltd", Country: "Britain"}})
	if errClass(t, err) != provider.Invalid || err.(*provider.Error).Field != "organization.country" {
		t.Fatalf("OV with a bad country: %v", err)
	}
	res, err = f.client.AutoApplySSL(ctx(t), ApplyRequest{Product: 316, Days: 730, CSR: ovCSR, DCVMethod: DCVCNAME,
		Organization: Organization{Name: "Example Ltd", City: "Leeds", Country: "gb"}, Contact: Contact{Email: "it@example.com", FirstName: "Ada", LastName: "L", Telephone: "+44.1130000000"}})
	if err != nil {
		t.Fatal(err)
	}
	got, _ = pollUntil(t, f.client, res.OrderNumber, 2)
	cert := verifyIssued(t, f.sim, got, ovCSR, "corp.example.com", "www.corp.example.com")
	if len(cert.Subject.Organization) == 0 || cert.Subject.Organization[0] != "Example Ltd" {
		t.Errorf("subject %v", cert.Subject)
	}

	wild := newCSR(t, "www.example.com")
	if _, err := f.client.AutoApplySSL(ctx(t), ApplyRequest{Product: 289, Days: 365, CSR: wild, DCVMethod: DCVCNAME}); errClass(t, err) != provider.Invalid {
		t.Errorf("wildcard product without a wildcard: %v", err)
	}
	if _, err := f.client.AutoApplySSL(ctx(t), ApplyRequest{Product: 287, Days: 365, CSR: newCSR(t, "*.example.com"), DCVMethod: DCVCNAME}); errClass(t, err) != provider.Invalid {
		t.Errorf("wildcard CSR on a single-name product: %v", err)
	}
	if _, err := f.client.AutoApplySSL(ctx(t), ApplyRequest{Product: 287, Days: 5000, CSR: wild, DCVMethod: DCVCNAME}); errClass(t, err) != provider.Invalid || err.(*provider.Error).Field != "period" {
		t.Errorf("impossible term: %v", err)
	}
	if _, err := f.client.AutoApplySSL(ctx(t), ApplyRequest{Product: 99999, Days: 365, CSR: wild, DCVMethod: DCVCNAME}); errClass(t, err) != provider.Invalid || err.(*provider.Error).Field != "product" {
		t.Errorf("unknown product: %v", err)
	}
}

func TestDecodeCSR(t *testing.T) {
	t.Parallel()
	f := newFixture(t, sectigosim.Options{}, nil)
	got, err := f.client.DecodeCSR(ctx(t), dcvCSR)
	if err != nil {
		t.Fatal(err)
	}
	if got.CommonName != "www.example.com" || got.KeySize != 256 || got.MD5 != strings.ToUpper(dcvMD5) ||
		!cmp.Equal(got.DNSNames, []string{"www.example.com", "example.com"}) || got.SHA1 == "" {
		t.Errorf("decoded %+v", got)
	}
	key, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "weak.example.com"}}, key)
	if err != nil {
		t.Fatal(err)
	}
	weak := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}))
	got, err = f.client.DecodeCSR(ctx(t), weak)
	if errClass(t, err) != provider.Invalid || err.(*provider.Error).Field != "csr" || got == nil || got.Problems[0].Code != -13 {
		t.Errorf("weak key: %+v %v", got, err)
	}
	if _, err := f.client.DecodeCSR(ctx(t), "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n"); errClass(t, err) != provider.Invalid {
		t.Errorf("damaged: %v", err)
	}
	for _, c := range f.rec.all() {
		if c.Command == cmdDecode && strings.Contains(c.Request, "login") {
			t.Errorf("DecodeCSR sent the login: %s", c.Request)
		}
	}
}

func TestIssueAfterPolls(t *testing.T) {
	t.Parallel()
	f := newFixture(t, sectigosim.Options{IssueAfterPolls: 3}, nil)
	res, _ := apply(t, f.client, 287, "default.example.com")
	if _, polls := pollUntil(t, f.client, res.OrderNumber, 6); polls != 3 {
		t.Errorf("default: %d polls", polls)
	}
	res, _ = apply(t, f.client, 287, "polls5.example.com")
	if _, polls := pollUntil(t, f.client, res.OrderNumber, 8); polls != 5 {
		t.Errorf("polls5: %d polls", polls)
	}
	f.sim.SetIssueAfter("quick.example.com", 1)
	res, _ = apply(t, f.client, 287, "quick.example.com")
	if _, polls := pollUntil(t, f.client, res.OrderNumber, 3); polls != 1 {
		t.Errorf("SetIssueAfter: %d polls", polls)
	}
	res, _ = apply(t, f.client, 287, "pending.example.com")
	for i := 0; i < 6; i++ {
		got, err := f.client.CollectSSL(ctx(t), CollectRequest{OrderNumber: res.OrderNumber})
		if err != nil || got.Status != StatusPending {
			t.Fatalf("pending.: %+v %v", got, err)
		}
	}
	if err := f.sim.Issue(res.OrderNumber); err != nil {
		t.Fatal(err)
	}
	if _, polls := pollUntil(t, f.client, res.OrderNumber, 2); polls != 1 {
		t.Errorf("forced issue after %d polls", polls)
	}
	// issuing.: one -26 answer, reported as pending, before the certificate.
	res, _ = apply(t, f.client, 287, "issuing.example.com")
	var codes []int
	for i := 0; i < 5; i++ {
		got, err := f.client.CollectSSL(ctx(t), CollectRequest{OrderNumber: res.OrderNumber, WithCertificate: true})
		if err != nil {
			t.Fatal(err)
		}
		codes = append(codes, got.Code)
		if got.Status == StatusIssued {
			break
		}
	}
	if diff := cmp.Diff([]int{0, 0, -26, 2}, codes); diff != "" {
		t.Errorf("issuing. codes (-want +got):\n%s", diff)
	}
}

func TestReject(t *testing.T) {
	t.Parallel()
	formats(t, func(t *testing.T, newline bool) {
		f := newFixture(t, sectigosim.Options{}, withFormat(newline))
		res, _ := apply(t, f.client, 287, "reject.example.com")
		got, polls := pollUntil(t, f.client, res.OrderNumber, 4)
		if got.Status != StatusRejected || polls != 2 || !strings.Contains(got.Message, "rejected") {
			t.Errorf("reject.: %+v after %d", got, polls)
		}
		f.sim.SetReject("caa.example.com", "CAA record forbids Sectigo")
		res, _ = apply(t, f.client, 287, "caa.example.com")
		got, _ = pollUntil(t, f.client, res.OrderNumber, 4)
		if got.Status != StatusRejected || !strings.Contains(got.Message, "CAA") {
			t.Errorf("SetReject: %+v", got)
		}
		res, _ = apply(t, f.client, 287, "later.example.com")
		if err := f.sim.Reject(res.OrderNumber, "Fraud check"); err != nil {
			t.Fatal(err)
		}
		got, _ = pollUntil(t, f.client, res.OrderNumber, 1)
		if got.Status != StatusRejected {
			t.Errorf("Reject: %+v", got)
		}
	})
}

func TestAuthFailures(t *testing.T) {
	t.Parallel()
	f := newFixture(t, sectigosim.Options{}, nil)
	check := func(t *testing.T, c *Client) {
		t.Helper()
		err := c.TestConnection(ctx(t))
		if errClass(t, err) != provider.Auth {
			t.Fatalf("TestConnection: %v", err)
		}
		msg := err.Error()
		for _, want := range []string{"login name and password", "public IP address", "allow-list", "test orders"} {
			if !strings.Contains(msg, want) {
				t.Errorf("message %q lacks %q", msg, want)
			}
		}
		if _, err := c.AutoApplySSL(ctx(t), ApplyRequest{Product: 287, Days: 365, CSR: dcvCSR, DCVMethod: DCVCNAME}); errClass(t, err) != provider.Auth {
			t.Errorf("apply: %v", err)
		}
		if _, err := c.CollectSSL(ctx(t), CollectRequest{OrderNumber: "1234567"}); errClass(t, err) != provider.Auth {
			t.Errorf("collect: %v", err)
		}
	}
	t.Run("bad password", func(t *testing.T) {
		t.Parallel()
		c, _ := NewClient(Config{Environment: EnvironmentLive, Endpoint: f.srv.URL, LoginName: f.acct.LoginName, LoginPassword: "wrong-password"})
		check(t, c)
	})
	t.Run("ipblocked account", func(t *testing.T) {
		t.Parallel()
		c, _ := NewClient(Config{Environment: EnvironmentLive, Endpoint: f.srv.URL, LoginName: "ipblocked-" + f.acct.LoginName, LoginPassword: f.acct.LoginPassword})
		check(t, c)
	})
	t.Run("SetIPBlocked", func(t *testing.T) {
		t.Parallel()
		a := f.sim.AddAccount(sectigosim.Account{})
		if err := f.sim.SetIPBlocked(a.LoginName, true); err != nil {
			t.Fatal(err)
		}
		c, _ := NewClient(Config{Environment: EnvironmentLive, Endpoint: f.srv.URL, LoginName: a.LoginName, LoginPassword: a.LoginPassword})
		check(t, c)
	})
	t.Run("good credentials", func(t *testing.T) {
		t.Parallel()
		if err := f.client.TestConnection(ctx(t)); err != nil {
			t.Fatal(err)
		}
	})
}

func TestInsufficientBalance(t *testing.T) {
	t.Parallel()
	f := newFixture(t, sectigosim.Options{}, nil)
	if err := f.sim.SetBalance(f.acct.LoginName, 999); err != nil {
		t.Fatal(err)
	}
	_, err := f.client.AutoApplySSL(ctx(t), ApplyRequest{Product: 287, Days: 365, CSR: newCSR(t, "poor.example.com"), DCVMethod: DCVCNAME})
	if errClass(t, err) != provider.Temporary || !strings.Contains(err.Error(), "top up") {
		t.Fatalf("got %v", err)
	}
	if f.sim.Purchases("") != 0 || f.sim.Balance(f.acct.LoginName) != 999 {
		t.Error("a refused order was placed or billed")
	}
	if err := f.sim.SetBalance(f.acct.LoginName, 100000); err != nil {
		t.Fatal(err)
	}
	_, err = f.client.AutoApplySSL(ctx(t), ApplyRequest{Product: 287, Days: 365, CSR: newCSR(t, "nocredit.example.com"), DCVMethod: DCVCNAME})
	if errClass(t, err) != provider.Temporary || f.sim.Purchases("") != 0 {
		t.Fatalf("nocredit.: %v", err)
	}
}

func TestTemporaryFailures(t *testing.T) {
	t.Parallel()
	t.Run("5xx", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, sectigosim.Options{}, nil)
		f.sim.FailNext(2, http.StatusBadGateway)
		for i := 0; i < 2; i++ {
			err := f.client.TestConnection(ctx(t))
			if errClass(t, err) != provider.Temporary || err.(*provider.Error).Code != "HTTP 502" {
				t.Fatalf("attempt %d: %v", i, err)
			}
		}
		if err := f.client.TestConnection(ctx(t)); err != nil {
			t.Fatalf("after the failures: %v", err)
		}
		calls := f.rec.all()
		if len(calls) != 3 || calls[0].HTTPStatus != 502 || calls[0].Outcome != string(provider.Temporary) || calls[2].Outcome != "ok" {
			t.Errorf("calls %+v", calls)
		}
	})
	t.Run("unavailable. places nothing the first time", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, sectigosim.Options{}, nil)
		csr := newCSR(t, "unavailable.example.com")
		req := ApplyRequest{Product: 287, Days: 365, CSR: csr, DCVMethod: DCVCNAME, ForeignOrderNumber: "iss-1"}
		if _, err := f.client.AutoApplySSL(ctx(t), req); errClass(t, err) != provider.Temporary {
			t.Fatalf("first: %v", err)
		}
		if found, err := f.client.FindOrders(ctx(t), "iss-1", "", time.Time{}, time.Time{}); err != nil || len(found) != 0 {
			t.Fatalf("find after 503: %+v %v", found, err)
		}
		if _, err := f.client.AutoApplySSL(ctx(t), req); err != nil {
			t.Fatalf("retry: %v", err)
		}
		if f.sim.Purchases("") != 1 {
			t.Errorf("purchases %d", f.sim.Purchases(""))
		}
	})
	t.Run("malformed", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, sectigosim.Options{}, nil)
		f.sim.MalformNext(1)
		err := f.client.TestConnection(ctx(t))
		if errClass(t, err) != provider.Temporary || !strings.Contains(err.Error(), "could not be read") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, sectigosim.Options{}, func(c *Config) { c.HTTPClient = &http.Client{Timeout: 100 * time.Millisecond} })
		f.sim.SetDelay(time.Second)
		err := f.client.TestConnection(ctx(t))
		if errClass(t, err) != provider.Temporary || !strings.Contains(err.Error(), "in time") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("slow. honours the context", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, sectigosim.Options{SlowDelay: 2 * time.Second}, nil)
		c, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := f.client.AutoApplySSL(c, ApplyRequest{Product: 287, Days: 365, CSR: newCSR(t, "slow.example.com"), DCVMethod: DCVCNAME})
		if errClass(t, err) != provider.Temporary || time.Since(start) > time.Second {
			t.Fatalf("got %v after %s", err, time.Since(start))
		}
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("the cause should be the deadline: %v", err)
		}
	})
	t.Run("connection refused", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(http.NotFoundHandler())
		url := srv.URL
		srv.Close()
		c, _ := NewClient(Config{Environment: EnvironmentLive, Endpoint: url, LoginName: "u", LoginPassword: "secret-pass"})
		err := c.TestConnection(ctx(t))
		if errClass(t, err) != provider.Temporary || strings.Contains(err.Error(), "secret-pass") {
			t.Fatalf("got %v", err)
		}
	})
}

// TestExactlyOnceRecovery: when the answer to an order is lost or unreadable, the order exists at
// Sectigo and is found by the service's reference, so it is never bought twice.
func TestExactlyOnceRecovery(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"lost.example.com", "malformed.example.com"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, sectigosim.Options{}, nil)
			started := time.Now().Add(-time.Minute)
			ref := "iss-" + strings.Split(name, ".")[0]
			_, err := f.client.AutoApplySSL(ctx(t), ApplyRequest{Product: 287, Days: 365, CSR: newCSR(t, name), DCVMethod: DCVCNAME, ForeignOrderNumber: ref})
			if errClass(t, err) != provider.Temporary {
				t.Fatalf("apply: %v", err)
			}
			found, err := f.client.FindOrders(ctx(t), ref, "", started, time.Now().Add(time.Minute))
			if err != nil {
				t.Fatal(err)
			}
			orders := f.sim.Orders()
			if len(found) != 1 || len(orders) != 1 || found[0].OrderNumber != orders[0].OrderNumber || found[0].ForeignOrderNumber != ref {
				t.Fatalf("found %+v, sim has %+v", found, orders)
			}
			if found[0].Certificates[0].Status != StatusPending || found[0].Certificates[0].Domain != name {
				t.Errorf("certificate %+v", found[0].Certificates[0])
			}
			// Without a reference: by name and date.
			byName, err := f.client.FindOrders(ctx(t), "", name, started, time.Now().Add(time.Minute))
			if err != nil || len(byName) != 1 {
				t.Fatalf("by name: %+v %v", byName, err)
			}
			if none, err := f.client.FindOrders(ctx(t), "iss-other", "", started, time.Now()); err != nil || len(none) != 0 {
				t.Errorf("unknown reference: %+v %v", none, err)
			}
			if f.sim.Purchases(f.acct.LoginName) != 1 {
				t.Errorf("purchases %d", f.sim.Purchases(f.acct.LoginName))
			}
		})
	}
}

func TestReport(t *testing.T) {
	t.Parallel()
	f := newFixture(t, sectigosim.Options{IssueAfterPolls: 1}, nil)
	var numbers []string
	for i := 0; i < 3; i++ {
		res, _ := apply(t, f.client, 287, fmt.Sprintf("r%d.example.com", i))
		numbers = append(numbers, res.OrderNumber)
	}
	pollUntil(t, f.client, numbers[0], 1)
	rep, err := f.client.WebHostReport(ctx(t), ReportRequest{FQDN: "r%.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if rep.NoOfResults != 3 || len(rep.Orders) != 3 || rep.Orders[0].Certificates[0].Status != StatusIssued ||
		rep.Orders[0].Certificates[0].SerialNumber == "" || rep.Orders[1].Certificates[0].Status != StatusPending {
		t.Errorf("report %+v", rep)
	}
	rep, err = f.client.WebHostReport(ctx(t), ReportRequest{OrderNumbers: numbers[1:], FirstResult: 2, LastResult: 2})
	if err != nil || rep.NoOfResults != 2 || len(rep.Orders) != 1 || rep.Orders[0].OrderNumber != numbers[2] {
		t.Errorf("paged report %+v %v", rep, err)
	}
	rep, err = f.client.WebHostReport(ctx(t), ReportRequest{PlacedFrom: time.Now().Add(time.Hour)})
	if err != nil || rep.NoOfResults != 0 {
		t.Errorf("future window %+v %v", rep, err)
	}
}

func TestTestEnvironment(t *testing.T) {
	t.Parallel()
	f := newFixture(t, sectigosim.Options{IssueAfterPolls: 1}, func(c *Config) { c.Environment = EnvironmentTest })
	before := f.sim.Balance(f.acct.LoginName)
	res, _ := apply(t, f.client, 287, "trial.example.com")
	if !res.Test || f.sim.Balance(f.acct.LoginName) != before {
		t.Fatalf("test order %+v billed: %d", res, f.sim.Balance(f.acct.LoginName))
	}
	if o, _ := f.sim.Order(res.OrderNumber); !o.Test {
		t.Error("the simulator did not see test=Y")
	}
	for i := 0; i < 4; i++ {
		got, err := f.client.CollectSSL(ctx(t), CollectRequest{OrderNumber: res.OrderNumber})
		if err != nil || got.Status != StatusPending {
			t.Fatalf("test orders never issue: %+v %v", got, err)
		}
	}
	for _, c := range f.rec.all() {
		if c.Command == cmdApply && !strings.Contains(c.Request, "test=Y") {
			t.Errorf("no test=Y in %s", c.Request)
		}
	}
}

func TestRecordingAndRedaction(t *testing.T) {
	t.Parallel()
	f := newFixture(t, sectigosim.Options{IssueAfterPolls: 1}, nil)
	res, _ := apply(t, f.client, 287, "log.example.com")
	pollUntil(t, f.client, res.OrderNumber, 1)
	_ = f.client.AutoUpdateDCV(ctx(t), UpdateDCVRequest{OrderNumber: "0", NewMethod: DCVHTTP})
	calls := f.rec.all()
	if len(calls) != 3 {
		t.Fatalf("%d calls recorded, want one per exchange", len(calls))
	}
	for _, c := range calls {
		if strings.Contains(c.Request+c.Response+c.Error, f.acct.LoginPassword) {
			t.Errorf("%s leaked the password", c.Command)
		}
		if !strings.Contains(c.Request, "loginPassword="+provider.Redacted) || c.Provider != ProviderName || c.Duration <= 0 || c.Started.IsZero() {
			t.Errorf("call %+v", c)
		}
	}
	if calls[0].Command != cmdApply || calls[1].Command != cmdCollect || calls[1].HTTPStatus != 200 || !strings.Contains(calls[1].Response, "certificate=") {
		t.Errorf("calls %+v", calls[:2])
	}
	if calls[2].Outcome != string(provider.Invalid) || calls[2].Error == "" || strings.Contains(calls[2].Request, "responseFormat") {
		t.Errorf("failed call %+v", calls[2])
	}
}

func TestCollectLimiterInClient(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: time.Now()}
	lim := NewCollectLimiter(LiveCollectInterval, clock.now)
	f := newFixture(t, sectigosim.Options{}, func(c *Config) { c.CollectLimiter = lim })
	res, _ := apply(t, f.client, 287, "limit.example.com")
	if _, err := f.client.CollectSSL(ctx(t), CollectRequest{OrderNumber: res.OrderNumber}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.client.CollectSSL(ctx(t), CollectRequest{OrderNumber: res.OrderNumber}); errClass(t, err) != provider.Temporary {
		t.Fatalf("second poll: %v", err)
	}
	if n := f.sim.Requests("CollectSSL"); n != 1 {
		t.Errorf("%d CollectSSL requests reached Sectigo", n)
	}
	clock.advance(LiveCollectInterval)
	if _, err := f.client.CollectSSL(ctx(t), CollectRequest{OrderNumber: res.OrderNumber}); err != nil {
		t.Fatal(err)
	}
}

func TestEndpointProblems(t *testing.T) {
	t.Parallel()
	t.Run("redirect", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(http.RedirectHandler("https://secure.trust-provider.com/products/!WebHostReport", http.StatusMovedPermanently))
		t.Cleanup(srv.Close)
		c, _ := NewClient(Config{Environment: EnvironmentLive, Endpoint: srv.URL, LoginName: "u", LoginPassword: "p4ssw0rd"})
		err := c.TestConnection(ctx(t))
		if errClass(t, err) != provider.Invalid || err.(*provider.Error).Field != "endpoint" {
			t.Fatalf("got %v", err)
		}
	})
	for _, tt := range []struct {
		status int
		body   string
		class  provider.Class
	}{
		{http.StatusNotFound, "404 page not found", provider.Invalid},
		{http.StatusForbidden, "Forbidden", provider.Auth},
		{http.StatusForbidden, "Requests are not permitted from this IP address", provider.Auth},
		{http.StatusBadRequest, "errorCode=-4&errorMessage=The+value+of+the+%27fqdn%27+argument+is+invalid%21", provider.Invalid},
		{http.StatusTeapot, "short and stout", provider.Temporary},
	} {
		t.Run(fmt.Sprint("HTTP ", tt.status, " ", tt.body), func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			}))
			t.Cleanup(srv.Close)
			c, _ := NewClient(Config{Environment: EnvironmentLive, Endpoint: srv.URL, LoginName: "u", LoginPassword: "p4ssw0rd"})
			if err := c.TestConnection(ctx(t)); errClass(t, err) != tt.class {
				t.Errorf("got %v, want %s", err, tt.class)
			}
		})
	}
	t.Run("plain http refused", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, sectigosim.Options{RequireHTTPS: true}, nil)
		err := f.client.TestConnection(ctx(t))
		if errClass(t, err) != provider.Invalid || err.(*provider.Error).Field != "endpoint" {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("https simulator", func(t *testing.T) {
		t.Parallel()
		sim := sectigosim.New(sectigosim.Options{RequireHTTPS: true})
		srv := httptest.NewTLSServer(sim.Handler())
		t.Cleanup(srv.Close)
		a := sim.DefaultAccount()
		c, _ := NewClient(Config{Environment: EnvironmentLive, Endpoint: srv.URL, LoginName: a.LoginName, LoginPassword: a.LoginPassword, HTTPClient: srv.Client()})
		if err := c.TestConnection(ctx(t)); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("unknown order", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, sectigosim.Options{}, nil)
		if _, err := f.client.CollectSSL(ctx(t), CollectRequest{OrderNumber: "1000"}); errClass(t, err) != provider.NotFound {
			t.Fatalf("got %v", err)
		}
		if _, err := f.client.CollectSSL(ctx(t), CollectRequest{}); errClass(t, err) != provider.Invalid {
			t.Fatalf("no reference: %v", err)
		}
	})
}
