package httpapi_test

import (
	"crypto/x509"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/sslreseller/sslreseller/internal/app/apptest"
	"github.com/sslreseller/sslreseller/internal/pki"
)

type orderView struct {
	ID           string `json:"id"`
	Status       string `json:"status"`
	ConfigureURL string `json:"configure_url"`
	RefundDue    bool   `json:"refund_due"`
	Price        amount `json:"price"`
	StatusNote   string `json:"status_note"`
	Term         struct {
		StartsAt *time.Time `json:"starts_at"`
		EndsAt   *time.Time `json:"ends_at"`
	} `json:"term"`
	NextReissueAt *time.Time `json:"next_reissue_at"`
	Certificate   *struct {
		CommonName string    `json:"common_name"`
		SANs       []string  `json:"sans"`
		Serial     string    `json:"serial"`
		NotBefore  time.Time `json:"not_before"`
		NotAfter   time.Time `json:"not_after"`
	} `json:"certificate"`
	Domains []struct {
		Name          string  `json:"name"`
		DCVMethod     string  `json:"dcv_method"`
		ApproverEmail *string `json:"approver_email"`
		DCVStatus     string  `json:"dcv_status"`
		Instructions  *struct {
			RecordName  string `json:"record_name"`
			RecordValue string `json:"record_value"`
			FilePath    string `json:"file_path"`
		} `json:"instructions"`
	} `json:"domains"`
	Issuances []struct {
		ID     string  `json:"id"`
		Kind   string  `json:"kind"`
		Status string  `json:"status"`
		Serial *string `json:"serial"`
	} `json:"issuances"`
}

type shop struct {
	s        *apptest.Server
	account  string
	products map[string]product // by item code
	client   string
}

func newShop(t *testing.T) *shop {
	t.Helper()
	return shopWith(t, apptest.New(t))
}

func shopWith(t *testing.T, s *apptest.Server) *shop {
	t.Helper()
	acct, _ := setupSandbox(t, s)
	var imported struct {
		Data []product `json:"data"`
	}
	r := s.Call(t, "POST", "/api/v1/products/import", s.AdminKey, map[string]any{"provider_account_id": acct,
		"items": []string{"sandbox-dv", "sandbox-dv-wildcard", "sandbox-dv-multi", "sandbox-ov"}, "margin_bps": 2000, "rounding": "x.99"})
	r.JSON(t, &imported)
	sh := &shop{s: s, account: acct, products: map[string]product{}}
	for _, p := range imported.Data {
		sh.products[p.ItemCode] = p
	}
	var c client
	s.Call(t, "POST", "/api/v1/clients", s.BillingKey, map[string]any{"email": "buyer@example.com", "first_name": "Bea", "last_name": "Buyer",
		"organization": "Example Ltd", "phone": "+44 20 7946 0000",
		"address": map[string]string{"line1": "1 High St", "city": "London", "postal_code": "N1 1AA", "country": "GB"}}).JSON(t, &c)
	sh.client = c.ID
	return sh
}

func (sh *shop) order(t *testing.T, item string, months int, extra ...string) orderView {
	t.Helper()
	body := map[string]any{"client_id": sh.client, "product_id": sh.products[item].ID, "period_months": months, "billing_reference": "INV-" + item}
	r := sh.s.Call(t, "POST", "/api/v1/orders", sh.s.BillingKey, body, "Idempotency-Key: "+uuid.NewString())
	if r.Status != 201 {
		t.Fatalf("create order: %d %s", r.Status, r.Body)
	}
	var o orderView
	r.JSON(t, &o)
	return o
}

func (sh *shop) get(t *testing.T, id string) orderView {
	t.Helper()
	var o orderView
	sh.s.Call(t, "GET", "/api/v1/orders/"+id, sh.s.BillingKey, nil).JSON(t, &o)
	return o
}

// waitFor polls the order until it has the status (the sandbox approves after 1s).
func (sh *shop) waitFor(t *testing.T, id, status string, cond ...func(orderView) bool) orderView {
	t.Helper()
	deadline := time.Now().Add(45 * time.Second)
	for {
		o := sh.get(t, id)
		ok := o.Status == status
		for _, c := range cond {
			ok = ok && c(o)
		}
		if ok {
			return o
		}
		if time.Now().After(deadline) {
			t.Fatalf("order %s is %s (%s), waited for %s", id, o.Status, o.StatusNote, status)
		}
		time.Sleep(150 * time.Millisecond)
	}
}

func (sh *shop) root(t *testing.T) []byte {
	t.Helper()
	p, _, err := sh.s.App.Providers.Open(t.Context(), sh.s.Tenant.ID, uuid.MustParse(sh.account))
	if err != nil {
		t.Fatal(err)
	}
	r, ok := p.(interface{ RootPEM() []byte })
	if !ok {
		t.Fatal("the sandbox adapter does not expose its root")
	}
	return r.RootPEM()
}

func TestOrderLifecycleThroughTheAPI(t *testing.T) {
	sh := newShop(t)
	s := sh.s
	key := s.BillingKey

	wantProblem(t, s.Call(t, "POST", "/api/v1/orders", key, map[string]any{"client_id": sh.client, "product_id": sh.products["sandbox-dv"].ID, "period_months": 12}), 400, "invalid_request", "Idempotency-Key")
	o := sh.order(t, "sandbox-dv", 24)
	if o.Status != "awaiting_configuration" || !strings.Contains(o.ConfigureURL, "/t/acme/portal/o/") || o.Price.AmountMinor != sh.products["sandbox-dv"].price(24, "USD") {
		t.Fatalf("new order: %+v", o)
	}

	var appr struct {
		Emails []string `json:"emails"`
	}
	s.Call(t, "GET", "/api/v1/orders/"+o.ID+"/approver-emails?domain=www.example.com", key, nil).JSON(t, &appr)
	if !containsAll(appr.Emails, "admin@example.com", "webmaster@www.example.com") {
		t.Fatalf("approver e-mails: %v", appr.Emails)
	}
	wantProblem(t, s.Call(t, "POST", "/api/v1/orders/"+o.ID+"/configure", key, map[string]any{
		"generate_key": map[string]any{"common_name": "www.example.com"}, "dcv_method": "email", "approver_email": "ceo@example.com"}), 400, "invalid_request", "approver_email")

	r := s.Call(t, "POST", "/api/v1/orders/"+o.ID+"/configure", key, map[string]any{
		"generate_key": map[string]any{"key_type": "ecdsa-p256", "common_name": "www.example.com"}, "dcv_method": "dns", "server_type": "nginx"})
	if r.Status != 202 {
		t.Fatalf("configure: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &o)
	if o.Status != "pending_validation" || len(o.Domains) != 1 || o.Domains[0].Instructions == nil || o.Domains[0].Instructions.RecordName == "" {
		t.Fatalf("after configure: %+v", o)
	}
	o = sh.waitFor(t, o.ID, "issued")
	if o.Certificate == nil || o.Certificate.CommonName != "www.example.com" || o.Term.StartsAt == nil || o.Term.EndsAt == nil {
		t.Fatalf("issued: %+v", o)
	}
	if got := o.Certificate.NotAfter.Sub(o.Certificate.NotBefore); got > 201*24*time.Hour {
		t.Fatalf("a certificate issued in 2026 lives %s, more than 200 days", got)
	}
	if o.Term.EndsAt.Sub(*o.Term.StartsAt) < 700*24*time.Hour || o.NextReissueAt == nil || !o.NextReissueAt.Before(o.Certificate.NotAfter) {
		t.Fatalf("a 24-month term needs a planned reissue: %+v", o)
	}

	root := sh.root(t)
	certPEM := download(t, s, o.ID, "pem")
	chainPEM := download(t, s, o.ID, "chain")
	if err := pki.Verify(certPEM, chainPEM, root, time.Now(), "www.example.com"); err != nil {
		t.Fatalf("the certificate does not verify against the sandbox root: %v", err)
	}
	block, _ := pem.Decode(certPEM)
	leaf, _ := x509.ParseCertificate(block.Bytes)
	if pki.SerialHex(leaf.SerialNumber) != o.Certificate.Serial || strings.ContainsAny(o.Certificate.Serial, ":ABCDEF") {
		t.Fatalf("serial %q vs certificate %s", o.Certificate.Serial, pki.SerialHex(leaf.SerialNumber))
	}
	full := download(t, s, o.ID, "fullchain")
	p7b := download(t, s, o.ID, "p7b")
	pfx := s.Call(t, "POST", "/api/v1/orders/"+o.ID+"/certificate/export", key, map[string]any{"format": "pfx", "password": "correct horse"})
	if pfx.Status != 200 || pfx.Header.Get("Content-Type") != "application/x-pkcs12" {
		t.Fatalf("pfx: %d %s", pfx.Status, pfx.Body)
	}
	wantProblem(t, s.Call(t, "POST", "/api/v1/orders/"+o.ID+"/certificate/export", key, map[string]any{"format": "pfx", "password": "x"}), 400, "invalid_request", "password")
	withOpenSSL(t, func(run func(args ...string) string, dir string) {
		write := func(name string, b []byte) string {
			p := filepath.Join(dir, name)
			if err := os.WriteFile(p, b, 0o600); err != nil {
				t.Fatal(err)
			}
			return p
		}
		if out := run("x509", "-in", write("cert.pem", certPEM), "-noout", "-serial"); !strings.Contains(strings.ToLower(out), o.Certificate.Serial) {
			t.Errorf("openssl x509 serial: %s", out)
		}
		if out := run("verify", "-CAfile", write("root.pem", root), "-untrusted", write("chain.pem", chainPEM), write("leaf.pem", certPEM)); !strings.Contains(out, "OK") {
			t.Errorf("openssl verify: %s", out)
		}
		if out := run("pkcs7", "-inform", "DER", "-in", write("c.p7b", p7b), "-print_certs", "-noout"); strings.Count(out, "subject=") != 2 {
			t.Errorf("openssl pkcs7: %s", out)
		}
		if out := run("pkcs12", "-in", write("c.pfx", pfx.Body), "-info", "-nokeys", "-passin", "pass:correct horse"); !strings.Contains(out, "BEGIN CERTIFICATE") {
			t.Errorf("openssl pkcs12: %s", out)
		}
		if out := run("crl2pkcs7", "-nocrl", "-certfile", write("full.pem", full)); !strings.Contains(out, "PKCS7") {
			t.Errorf("fullchain: %s", out)
		}
	})

	// Reissue with a new generated key: the order stays issued and serves the new certificate.
	r = s.Call(t, "POST", "/api/v1/orders/"+o.ID+"/reissue", key, map[string]any{"generate_key": map[string]any{"key_type": "rsa-2048"}})
	if r.Status != 202 {
		t.Fatalf("reissue: %d %s", r.Status, r.Body)
	}
	first := o.Certificate.Serial
	o = sh.waitFor(t, o.ID, "issued", func(v orderView) bool { return v.Certificate != nil && v.Certificate.Serial != first })
	if len(o.Issuances) != 2 || o.Issuances[0].Status != "superseded" || o.Issuances[1].Kind != "reissue" {
		t.Fatalf("after reissue: %+v", o.Issuances)
	}

	// Renew extends the term.
	wantProblem(t, s.Call(t, "POST", "/api/v1/orders/"+o.ID+"/renew", key, map[string]any{"period_months": 12}), 400, "invalid_request", "Idempotency-Key")
	ends := *o.Term.EndsAt
	r = s.Call(t, "POST", "/api/v1/orders/"+o.ID+"/renew", key, map[string]any{"period_months": 12}, "Idempotency-Key: renew-1")
	if r.Status != 202 {
		t.Fatalf("renew: %d %s", r.Status, r.Body)
	}
	o = sh.waitFor(t, o.ID, "issued", func(v orderView) bool { return v.Term.EndsAt.After(ends) })
	if got := o.Term.EndsAt.Sub(ends); got < 360*24*time.Hour || got > 367*24*time.Hour {
		t.Fatalf("renewal extended the term by %s", got)
	}

	// Revoke ends the order; afterwards nothing but reading is possible.
	wantProblem(t, s.Call(t, "POST", "/api/v1/orders/"+o.ID+"/revoke", key, map[string]any{"reason": "stolen"}), 400, "invalid_request", "reason")
	r = s.Call(t, "POST", "/api/v1/orders/"+o.ID+"/revoke", key, map[string]any{"reason": "key_compromise"})
	r.JSON(t, &o)
	if r.Status != 200 || o.Status != "revoked" {
		t.Fatalf("revoke: %d %s", r.Status, r.Body)
	}
	p := wantProblem(t, s.Call(t, "POST", "/api/v1/orders/"+o.ID+"/renew", key, map[string]any{"period_months": 12}, "Idempotency-Key: renew-2"), 409, "conflict", "")
	if !strings.Contains(p.Detail, "revoked") {
		t.Fatalf("the conflict does not name the status: %s", p.Detail)
	}
}

func TestOrderCancelRejectAndBadInput(t *testing.T) {
	sh := newShop(t)
	s := sh.s
	key := s.BillingKey

	// Cancel before issue sets refund_due.
	o := sh.order(t, "sandbox-dv", 12)
	wantProblem(t, s.Call(t, "POST", "/api/v1/orders/"+o.ID+"/revoke", key, nil), 409, "conflict", "")
	r := s.Call(t, "POST", "/api/v1/orders/"+o.ID+"/cancel", key, map[string]any{"reason": "client changed their mind"})
	r.JSON(t, &o)
	if r.Status != 200 || o.Status != "cancelled" || !o.RefundDue {
		t.Fatalf("cancel: %d %s", r.Status, r.Body)
	}
	wantProblem(t, s.Call(t, "POST", "/api/v1/orders/"+o.ID+"/configure", key, map[string]any{"generate_key": map[string]any{"common_name": "a.example.com"}, "dcv_method": "dns"}), 409, "conflict", "")

	// The CA rejects; the client fixes the names and the order is issued.
	o = sh.order(t, "sandbox-dv", 12)
	s.Call(t, "POST", "/api/v1/orders/"+o.ID+"/configure", key, map[string]any{"generate_key": map[string]any{"common_name": "shop.reject.test"}, "dcv_method": "dns"})
	o = sh.waitFor(t, o.ID, "rejected")
	if !strings.Contains(o.StatusNote, "reject.test") {
		t.Fatalf("rejection reason: %q", o.StatusNote)
	}
	r = s.Call(t, "POST", "/api/v1/orders/"+o.ID+"/configure", key, map[string]any{"generate_key": map[string]any{"common_name": "shop.example.com"}, "dcv_method": "http"})
	if r.Status != 202 {
		t.Fatalf("configure again: %d %s", r.Status, r.Body)
	}
	sh.waitFor(t, o.ID, "issued")

	// Bad configurations change nothing.
	o = sh.order(t, "sandbox-dv", 12)
	weak := weakCSR(t)
	cases := []struct {
		name  string
		body  any
		field string
	}{
		{"malformed CSR", map[string]any{"csr": "-----BEGIN CERTIFICATE REQUEST-----\nnope\n-----END CERTIFICATE REQUEST-----", "dcv_method": "dns"}, "csr"},
		{"weak key", map[string]any{"csr": weak, "dcv_method": "dns"}, "csr"},
		{"wildcard on a single-name product", map[string]any{"generate_key": map[string]any{"common_name": "*.example.com"}, "dcv_method": "dns"}, "generate_key.sans"},
		{"too many names", map[string]any{"generate_key": map[string]any{"common_name": "a.example.com", "sans": []string{"b.example.com"}}, "dcv_method": "dns"}, "generate_key.sans"},
		{"no DCV method", map[string]any{"generate_key": map[string]any{"common_name": "a.example.com"}}, "dcv_method"},
		{"bad key type", map[string]any{"generate_key": map[string]any{"key_type": "dsa-1024", "common_name": "a.example.com"}, "dcv_method": "dns"}, "generate_key.key_type"},
		{"bad server type", map[string]any{"generate_key": map[string]any{"common_name": "a.example.com"}, "dcv_method": "dns", "server_type": "lighttpd"}, "server_type"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wantProblem(t, s.Call(t, "POST", "/api/v1/orders/"+o.ID+"/configure", key, tc.body), 400, "invalid_request", tc.field)
		})
	}
	if got := sh.get(t, o.ID); got.Status != "awaiting_configuration" || len(got.Issuances) != 0 {
		t.Fatalf("bad input changed the order: %+v", got)
	}
	// OV needs the organisation: a client without one must give it.
	var bare client
	s.Call(t, "POST", "/api/v1/clients", key, map[string]any{"email": "solo@example.com", "first_name": "Solo", "last_name": "Trader"}).JSON(t, &bare)
	r = s.Call(t, "POST", "/api/v1/orders", key, map[string]any{"client_id": bare.ID, "product_id": sh.products["sandbox-ov"].ID, "period_months": 12}, "Idempotency-Key: ov-1")
	var ov orderView
	r.JSON(t, &ov)
	wantProblem(t, s.Call(t, "POST", "/api/v1/orders/"+ov.ID+"/configure", key, map[string]any{"generate_key": map[string]any{"common_name": "ov.example.com"}, "dcv_method": "dns"}),
		400, "invalid_request", "contacts.organization.name")

	// Unknown, malformed and foreign orders are not found; a reused idempotency key with another body conflicts.
	wantProblem(t, s.Call(t, "GET", "/api/v1/orders/"+uuid.NewString(), key, nil), 404, "not_found", "")
	_, _, _, otherKey, _ := apptest.Seed(t, s.App, "other", "Other")
	wantProblem(t, s.Call(t, "GET", "/api/v1/orders/"+o.ID, otherKey, nil), 404, "not_found", "")
	wantProblem(t, s.Call(t, "POST", "/api/v1/orders/"+o.ID+"/cancel", otherKey, nil), 404, "not_found", "")
	body := map[string]any{"client_id": sh.client, "product_id": sh.products["sandbox-dv"].ID, "period_months": 12}
	if r := s.Call(t, "POST", "/api/v1/orders", key, body, "Idempotency-Key: same"); r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	body["period_months"] = 24
	wantProblem(t, s.Call(t, "POST", "/api/v1/orders", key, body, "Idempotency-Key: same"), 409, "idempotency_conflict", "")
	body["period_months"] = 36
	wantProblem(t, s.Call(t, "POST", "/api/v1/orders", key, body, "Idempotency-Key: other"), 400, "invalid_request", "period_months")
	var l struct {
		Data []orderView `json:"data"`
	}
	s.Call(t, "GET", "/api/v1/orders?status=cancelled", key, nil).JSON(t, &l)
	if len(l.Data) != 1 {
		t.Fatalf("cancelled orders: %d", len(l.Data))
	}
	wantProblem(t, s.Call(t, "GET", "/api/v1/orders?status=lost", key, nil), 400, "invalid_request", "status")
}

func weakCSR(t *testing.T) string {
	t.Helper()
	withOpenSSL(t, func(func(args ...string) string, string) {})
	dir := t.TempDir()
	out, err := exec.Command("openssl", "req", "-new", "-newkey", "rsa:1024", "-nodes", "-keyout", filepath.Join(dir, "k"), "-subj", "/CN=weak.example.com").Output()
	if err != nil {
		t.Skipf("openssl cannot make a 1024-bit request: %v", err)
	}
	return string(out)
}

func containsAll(list []string, want ...string) bool {
	for _, w := range want {
		found := false
		for _, l := range list {
			found = found || l == w
		}
		if !found {
			return false
		}
	}
	return true
}

func download(t *testing.T, s *apptest.Server, id, format string) []byte {
	t.Helper()
	r := s.Call(t, "GET", "/api/v1/orders/"+id+"/certificate?format="+format, s.BillingKey, nil)
	if r.Status != 200 {
		t.Fatalf("download %s: %d %s", format, r.Status, r.Body)
	}
	return r.Body
}

// withOpenSSL runs checks with the openssl command; without it the test fails under CI and skips
// elsewhere.
func withOpenSSL(t *testing.T, fn func(run func(args ...string) string, dir string)) {
	t.Helper()
	if _, err := exec.LookPath("openssl"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("openssl is not installed")
		}
		t.Skip("openssl is not installed")
	}
	dir := t.TempDir()
	fn(func(args ...string) string {
		out, err := exec.Command("openssl", args...).CombinedOutput()
		if err != nil {
			t.Errorf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}, dir)
}
