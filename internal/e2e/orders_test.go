package e2e

import (
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/google/uuid"
	"software.sslmate.com/src/go-pkcs12"

	"github.com/sslreseller/sslreseller/internal/app/apptest"
	"github.com/sslreseller/sslreseller/internal/platform/config"
)

// orderShop is a tenant selling sandbox certificates, set up through the API as a billing system
// and an admin would.
type orderShop struct {
	s        *apptest.Server
	account  string
	products map[string]string // item code -> product id
	client   string
}

func newOrderShop(t *testing.T, approveAfter string, opts ...apptest.Options) *orderShop {
	t.Helper()
	s := apptest.New(t, opts...)
	sh := &orderShop{s: s, products: map[string]string{}}
	var acct struct {
		ID string `json:"id"`
	}
	r := s.Call(t, "POST", "/api/v1/provider-accounts", s.AdminKey, map[string]any{
		"provider": "sandbox", "name": "Sandbox CA", "environment": "test", "settings": map[string]string{"approve_after": approveAfter}})
	if r.Status != 201 {
		t.Fatalf("create sandbox account: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &acct)
	sh.account = acct.ID
	if r := s.Call(t, "POST", "/api/v1/provider-accounts/"+acct.ID+"/sync", s.AdminKey, nil); r.Status != 200 {
		t.Fatalf("sync: %d %s", r.Status, r.Body)
	}
	var imported struct {
		Data []struct {
			ID       string `json:"id"`
			ItemCode string `json:"item_code"`
		} `json:"data"`
	}
	r = s.Call(t, "POST", "/api/v1/products/import", s.AdminKey, map[string]any{"provider_account_id": acct.ID,
		"items": []string{"sandbox-dv", "sandbox-dv-multi", "sandbox-ov"}, "margin_bps": 2000, "rounding": "x.99"})
	if r.Status >= 300 {
		t.Fatalf("import: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &imported)
	for _, p := range imported.Data {
		sh.products[p.ItemCode] = p.ID
	}
	var c struct {
		ID string `json:"id"`
	}
	r = s.Call(t, "POST", "/api/v1/clients", s.BillingKey, map[string]any{"email": "bea@example.com", "first_name": "Bea", "last_name": "Buyer",
		"organization": "Example Ltd", "phone": "+44 20 7946 0000",
		"address": map[string]string{"line1": "1 High St", "city": "London", "postal_code": "N1 1AA", "country": "GB"}})
	if r.Status != 201 {
		t.Fatalf("create client: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &c)
	sh.client = c.ID
	return sh
}

type apiOrder struct {
	ID           string `json:"id"`
	Status       string `json:"status"`
	ConfigureURL string `json:"configure_url"`
	RefundDue    bool   `json:"refund_due"`
}

// order creates an order through the API as the billing system does.
func (sh *orderShop) order(t *testing.T, item string) apiOrder {
	t.Helper()
	body := map[string]any{"client_id": sh.client, "product_id": sh.products[item], "period_months": 12, "billing_reference": "INV-" + item}
	if strings.HasSuffix(item, "-multi") {
		body["domains_count"] = 3
	}
	r := sh.s.Call(t, "POST", "/api/v1/orders", sh.s.BillingKey, body, "Idempotency-Key: "+uuid.NewString())
	if r.Status != 201 {
		t.Fatalf("create order: %d %s", r.Status, r.Body)
	}
	var o apiOrder
	r.JSON(t, &o)
	return o
}

func (sh *orderShop) get(t *testing.T, id string) apiOrder {
	t.Helper()
	var o apiOrder
	sh.s.Call(t, "GET", "/api/v1/orders/"+id, sh.s.BillingKey, nil).JSON(t, &o)
	return o
}

// rootPEM is the sandbox CA's root certificate.
func (sh *orderShop) rootPEM(t *testing.T) []byte {
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

// waitText waits until the element's text contains want, reloading the page's data as the page
// itself does (the certificate page polls and reloads when the status changes).
func (b *browser) waitText(sel, want string, within time.Duration) string {
	b.t.Helper()
	deadline := time.Now().Add(within)
	for {
		got := ""
		if v, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel), chromedp.AtLeast(0))); err == nil {
			got = v
		}
		if strings.Contains(got, want) {
			return got
		}
		if time.Now().After(deadline) {
			b.shot("failed-wait-" + want)
			b.t.Fatalf("%s shows %q, waited %s for %q", sel, got, within, want)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// TestClientConfiguresAndDownloadsPFX: a billing system orders a certificate for a client; the
// client follows the configuration link, first pastes a broken CSR (the form comes back with the
// message on the CSR and everything typed kept), then lets the service make the key, picks e-mail
// validation from the approver addresses the provider lists live, submits, sees the validation
// pending, then issued, and downloads a PFX that verifies against the sandbox root.
func TestClientConfiguresAndDownloadsPFX(t *testing.T) {
	sh := newOrderShop(t, "2s")
	o := sh.order(t, "sandbox-dv")
	if o.Status != "awaiting_configuration" || !strings.HasPrefix(o.ConfigureURL, sh.s.URL+"/t/acme/portal/o/") {
		t.Fatalf("new order: %+v", o)
	}
	b := newBrowser(t, sh.s.URL, "orders-portal")
	link := strings.TrimPrefix(o.ConfigureURL, sh.s.URL)
	b.visit(link, "#wizard", "wizard")
	if got := b.text("h1"); got != "Set up your certificate" {
		t.Errorf("wizard heading %q", got)
	}
	// Contacts are prefilled from the client.
	if v := run(b, "read admin e-mail", chromedp.Value(chromedp.CSS("#f-contacts-admin-email"))); v != "bea@example.com" {
		t.Errorf("admin contact e-mail prefilled as %q", v)
	}

	// A CSR that is not one: the message is on the CSR field, the rest of the form is kept.
	b.do("paste a broken CSR",
		chromedp.Click(chromedp.CSS("#ks-csr")),
		chromedp.WaitVisible(chromedp.CSS("#f-csr")),
		chromedp.SetValue(chromedp.CSS("#f-csr"), "-----BEGIN CERTIFICATE REQUEST-----\nnot base64\n-----END CERTIFICATE REQUEST-----"),
		chromedp.Click(chromedp.CSS("#dcv-dns")),
		fill("#f-contacts-admin-job-title", "Head of IT"),
		chromedp.SetValue(chromedp.CSS("#f-server-type"), "nginx"))
	if !run(b, "read the DCV choice", chromedp.Evaluate[bool](`document.querySelector("#dcv-dns").checked`)) {
		t.Fatal("clicking DNS record did not choose it")
	}
	b.do("submit with the broken CSR",
		chromedp.Click(chromedp.CSS("#wizard-submit")),
		chromedp.WaitVisible(chromedp.CSS("#f-csr-error")))
	b.shot("wizard-bad-csr")
	if got := b.text("#f-csr-error"); !strings.Contains(got, "certificate request") {
		t.Errorf("CSR error %q", got)
	}
	for sel, want := range map[string]string{"#f-contacts-admin-job-title": "Head of IT", "#f-server-type": "nginx"} {
		if v := run(b, "read "+sel, chromedp.Value(chromedp.CSS(sel))); v != want {
			t.Errorf("after the refusal %s is %q, want %q (kept)", sel, v, want)
		}
	}
	if !strings.Contains(run(b, "read CSR", chromedp.Value(chromedp.CSS("#f-csr"))), "not base64") {
		t.Error("after the refusal the CSR typed is gone")
	}
	if !run(b, "read the DCV choice", chromedp.Evaluate[bool](`document.querySelector("#dcv-dns").checked`)) {
		t.Error("after the refusal the DCV method chosen is gone")
	}
	// Typing in the CSR box reads it live.
	b.do("type in the CSR box", chromedp.SendKeys(chromedp.CSS("#f-csr"), " "))
	b.waitText("#csr-summary", "certificate request", 10*time.Second)
	if got := sh.get(t, o.ID).Status; got != "awaiting_configuration" {
		t.Fatalf("after a refused CSR the order is %s", got)
	}

	// Let the service make the key; choose e-mail validation: the approver list loads live.
	b.do("generate a key and choose e-mail validation",
		chromedp.Click(chromedp.CSS("#ks-generate")),
		chromedp.WaitVisible(chromedp.CSS("#f-generate-key-common-name")),
		chromedp.Click(chromedp.CSS("#dcv-email")),
		fill("#f-generate-key-common-name", "www.example.com"),
		chromedp.WaitVisible(chromedp.CSS("select#f-approver-email")))
	b.shot("wizard-approvers")
	opts := b.text("select#f-approver-email")
	if !strings.Contains(opts, "admin@example.com") || !strings.Contains(opts, "hostmaster@www.example.com") {
		t.Errorf("approver addresses: %q", opts)
	}
	b.do("choose the approver and submit",
		chromedp.SetValue(chromedp.CSS("select#f-approver-email"), "admin@example.com"),
		chromedp.Click(chromedp.CSS("#wizard-submit")),
		chromedp.WaitVisible(chromedp.CSS("#cert-status")))
	b.shot("certificate-pending")
	if got := b.text("#cert-status"); got != "Validating your domains" {
		t.Errorf("after submitting the status reads %q, want the pending validation", got)
	}
	if got := b.text("main"); !strings.Contains(got, "admin@example.com") {
		t.Errorf("the pending page does not say where the approval e-mail went: %q", got)
	}

	// The sandbox approves after 2s; the page notices by itself.
	b.waitText("#cert-status", "Issued", 45*time.Second)
	b.do("wait for the downloads", chromedp.WaitVisible(chromedp.CSS("#downloads")))
	b.shot("certificate-issued")
	if got := b.text(".install-steps"); !strings.Contains(got, "ssl_certificate") {
		t.Errorf("nginx install steps: %q", got)
	}

	// A short password is refused next to the field.
	b.do("ask for a PFX with a short password",
		chromedp.SetValue(chromedp.CSS("#f-password"), "short"),
		chromedp.Click(chromedp.CSS("#pfx-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#f-password-error")))
	b.shot("certificate-pfx-short-password")

	dir := t.TempDir()
	if _, err := chromedp.CallBrowser(b.ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir}); err != nil {
		t.Fatalf("allow downloads: %v", err)
	}
	const password = "pfx password 1"
	b.do("download the PFX",
		chromedp.SetValue(chromedp.CSS("#f-password"), password),
		chromedp.Click(chromedp.CSS("#pfx-form button[type=submit]")))
	pfx := waitDownload(t, dir, ".pfx")

	key, cert, cas, err := pkcs12.DecodeChain(pfx, password)
	if err != nil {
		t.Fatalf("decode the PFX: %v", err)
	}
	if key == nil || cert.Subject.CommonName != "www.example.com" {
		t.Fatalf("PFX certificate for %q", cert.Subject.CommonName)
	}
	roots := x509.NewCertPool()
	rootBlock, _ := pem.Decode(sh.rootPEM(t))
	root, err := x509.ParseCertificate(rootBlock.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	roots.AddCert(root)
	inter := x509.NewCertPool()
	for _, c := range cas {
		inter.AddCert(c)
	}
	if _, err := cert.Verify(x509.VerifyOptions{DNSName: "www.example.com", Roots: roots, Intermediates: inter}); err != nil {
		t.Fatalf("the PFX's certificate does not verify against the sandbox root: %v", err)
	}

	// The client asks for the certificate by e-mail: the issued e-mail goes out a second time.
	b.do("e-mail it to me", chromedp.Click(chromedp.CSS("#email-form button")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	if got := b.text(".flash"); !strings.Contains(got, "on its way") {
		t.Errorf("e-mail flash: %q", got)
	}
	oid := uuid.MustParse(o.ID)
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		list, err := sh.s.App.Mail.List(t.Context(), sh.s.Tenant.ID, &oid, uuid.Nil, 50)
		if err != nil {
			t.Fatal(err)
		}
		issued := 0
		for _, m := range list {
			if m.Template == "issued" && m.Status == "kept" && m.Attachment == "www.example.com.fullchain.pem" {
				issued++
			}
		}
		if issued == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d issued e-mails with the certificate, want 2", issued)
		}
	}

	// Signed in, the client sees the certificate in "My certificates".
	if err := sh.s.App.Accounts.SetClientPassword(t.Context(), sh.s.Tenant.ID, uuid.MustParse(sh.client), "client password"); err != nil {
		t.Fatal(err)
	}
	b.visit("/t/acme/portal/login", "form", "portal-login")
	b.do("sign in", fill("#f-email", "bea@example.com"), fill("#f-password", "client password"),
		chromedp.Click(chromedp.CSS("button[type=submit]")), chromedp.WaitVisible(chromedp.CSS(".cert-list")))
	b.shot("portal-my-certificates")
	if got := b.text(".cert-list"); !strings.Contains(got, "www.example.com") || !strings.Contains(got, "Issued") {
		t.Errorf("my certificates: %q", got)
	}
	b.do("open the certificate", chromedp.Click(chromedp.CSS(".cert-item")), chromedp.WaitVisible(chromedp.CSS("#downloads")))
	b.shot("portal-certificate")

	// Staff see the issued order with what can be done after issue.
	b.visit("/t/acme/admin/login", "form", "staff-login")
	b.do("staff sign in", fill("#f-email", sh.s.OwnerEmail), fill("#f-password", sh.s.OwnerPass),
		chromedp.Click(chromedp.CSS("button[type=submit]")), chromedp.WaitVisible(chromedp.CSS(".stats")))
	b.visit("/t/acme/admin/orders/"+o.ID, "#timeline", "admin-order-issued")
	if got := b.text(".order-side"); !strings.Contains(got, "Renew") || !strings.Contains(got, "Reissue") || !strings.Contains(got, "Revoke certificate") {
		t.Errorf("actions after issue: %q", got)
	}
	if got := b.text("#timeline"); !strings.Contains(got, "bea@example.com (configuration link)") {
		t.Errorf("the timeline does not name the client's link: %q", got)
	}
}

// waitDownload waits for a finished download whose name ends in ext.
func waitDownload(t *testing.T, dir, ext string) []byte {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		files, _ := filepath.Glob(filepath.Join(dir, "*"+ext))
		for _, f := range files {
			if b, err := os.ReadFile(f); err == nil && len(b) > 0 {
				return b
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	entries, _ := os.ReadDir(dir)
	t.Fatalf("no %s file was downloaded into %s (%d entries)", ext, dir, len(entries))
	return nil
}

// TestStaffFollowOrdersAndCancel: staff find an order in the list, read its page and timeline
// (state changes and provider calls), see it on the pending validations page, check it now, cancel
// it with a refund note; then they make orders wait for activation, create an order for a client
// in the admin and activate it.
func TestStaffFollowOrdersAndCancel(t *testing.T) {
	sh := newOrderShop(t, "1h") // validation stays pending
	pending := sh.order(t, "sandbox-dv")
	r := sh.s.Call(t, "POST", "/api/v1/orders/"+pending.ID+"/configure", sh.s.BillingKey, map[string]any{
		"generate_key": map[string]any{"common_name": "shop.example.com"}, "dcv_method": "dns", "server_type": "nginx"})
	if r.Status != 202 {
		t.Fatalf("configure: %d %s", r.Status, r.Body)
	}
	waiting := sh.order(t, "sandbox-dv-multi")

	b := newBrowser(t, sh.s.URL, "orders-admin")
	b.visit("/t/acme/admin/login", "form", "staff-login")
	b.do("sign in", fill("#f-email", sh.s.OwnerEmail), fill("#f-password", sh.s.OwnerPass),
		chromedp.Click(chromedp.CSS("button[type=submit]")), chromedp.WaitVisible(chromedp.CSS(".stats")))

	b.visit("/t/acme/admin/orders", "#orders-table table", "orders-list")
	list := b.text("#orders-table")
	for _, want := range []string{"shop.example.com", "Pending validation", "Awaiting configuration", "Bea Buyer", "Not configured yet"} {
		if !strings.Contains(list, want) {
			t.Errorf("orders list lacks %q: %q", want, list)
		}
	}
	b.do("filter by status",
		chromedp.SetValue(chromedp.CSS("select[name=status]"), "pending_validation"),
		chromedp.Submit(chromedp.CSS("form.order-filters")),
		chromedp.WaitVisible(chromedp.CSS("#orders-table table")))
	b.shot("orders-filtered")
	if got := b.text("#orders-table"); !strings.Contains(got, "shop.example.com") || strings.Contains(got, "Not configured yet") {
		t.Errorf("filtered by pending validation: %q", got)
	}

	b.visit("/t/acme/admin/orders/"+pending.ID, "#timeline", "order-pending")
	if got := b.text("#order-status"); got != "Pending validation" {
		t.Errorf("order status %q", got)
	}
	if got := b.text("#domains"); !strings.Contains(got, "shop.example.com") || !strings.Contains(got, "DNS record") {
		t.Errorf("domain validation: %q", got)
	}
	tl := b.text("#timeline")
	for _, want := range []string{"Order created", "Awaiting configuration", "Pending validation", "Sandbox"} {
		if !strings.Contains(tl, want) {
			t.Errorf("timeline lacks %q: %q", want, tl)
		}
	}
	if n := run(b, "count provider calls", chromedp.Evaluate[int](`document.querySelectorAll("#timeline .tl-call").length`)); n == 0 {
		t.Error("the timeline shows no provider call")
	}

	b.do("check now", chromedp.Click(chromedp.CSS(`form[action$="/check"] button`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	b.shot("order-checked")
	if got := b.text(".flash"); !strings.Contains(got, "Checked with the provider") {
		t.Errorf("check now: %q", got)
	}

	// The change-validation form loads the approver addresses when it opens.
	b.do("open the change of validation",
		chromedp.Click(chromedp.CSS("#dcv-box > summary")),
		chromedp.SetValue(chromedp.CSS(`select[name="domains[0].dcv_method"]`), "email"),
		chromedp.WaitVisible(chromedp.CSS(`select[name="domains[0].approver_email"]`)))
	b.shot("order-change-dcv")
	if got := b.text(`select[name="domains[0].approver_email"]`); !strings.Contains(got, "admin@example.com") {
		t.Errorf("approvers in the change form: %q", got)
	}

	b.visit("/t/acme/admin/pending", ".pending-card", "pending-validations")
	pv := b.text(".pending-list")
	if !strings.Contains(pv, "shop.example.com") || !strings.Contains(pv, "CNAME") && !strings.Contains(pv, "TXT") {
		t.Errorf("pending validations: %q", pv)
	}
	if strings.Contains(pv, waiting.ID[len(waiting.ID)-8:]) {
		t.Error("an order that was never submitted is on the pending validations page")
	}

	// Cancel from the order page: the refund note is shown and the API says refund_due.
	b.visit("/t/acme/admin/orders/"+pending.ID, "#timeline", "order-before-cancel")
	b.do("cancel the order",
		chromedp.Click(chromedp.CSS(".action-danger summary")),
		fill("#cancel-reason", "client changed their mind"),
		chromedp.Click(chromedp.CSS(`form[action$="/cancel"] button`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	b.shot("order-cancelled")
	if got := b.text("#order-status"); got != "Cancelled" {
		t.Errorf("after cancel the status reads %q", got)
	}
	if got := b.text(".flash"); !strings.Contains(got, "Refund USD 9.99") {
		t.Errorf("cancel flash: %q", got)
	}
	if got := b.text("#timeline"); !strings.Contains(got, sh.s.OwnerEmail) || !strings.Contains(got, "client changed their mind") {
		t.Errorf("the timeline does not name who cancelled and why: %q", got)
	}
	if o := sh.get(t, pending.ID); o.Status != "cancelled" || !o.RefundDue {
		t.Errorf("after cancel the API says %+v", o)
	}
	b.visit("/t/acme/admin/pending", ".empty", "pending-validations-empty")

	// Orders wait for activation from now on; staff create one and activate it.
	b.visit("/t/acme/admin/orders/settings", "form", "order-settings")
	b.do("require activation", chromedp.Click(chromedp.CSS("#f-require-activation")),
		chromedp.Click(chromedp.CSS(".form-actions button[type=submit]")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	b.visit("/t/acme/admin/orders/new", "form", "order-new")
	b.do("search for nobody", fill(`input[name="client_q"]`, "nobody here"))
	b.waitText("#f-client-id", "No client matches", 10*time.Second)
	b.do("search for Bea", fill(`input[name="client_q"]`, "bea"))
	b.waitText("#f-client-id", "Bea Buyer", 10*time.Second)
	b.do("create without a product",
		chromedp.SetValue(chromedp.CSS("#f-client-id"), sh.client),
		chromedp.Click(chromedp.CSS(".form-actions button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#f-product-error")))
	b.shot("order-new-missing-product")
	b.do("create the order",
		chromedp.SetValue(chromedp.CSS("#f-product"), sh.products["sandbox-dv"]+":12"),
		fill("#f-billing-reference", "INV-UI-1"),
		chromedp.Click(chromedp.CSS(".form-actions button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#order-status")))
	b.shot("order-awaiting-activation")
	if got := b.text("#order-status"); got != "Awaiting activation" {
		t.Fatalf("a staff-created order with activation required is %q", got)
	}
	if got := b.text("main"); !strings.Contains(got, "INV-UI-1") {
		t.Errorf("billing reference not shown: %q", got)
	}
	b.do("activate", chromedp.Click(chromedp.CSS(`form[action$="/activate"] button`)),
		chromedp.WaitNotPresent(chromedp.CSS(`form[action$="/activate"]`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	b.shot("order-activated")
	if got := b.text("#order-status"); got != "Awaiting configuration" {
		t.Errorf("after activation the status reads %q", got)
	}
	if got := b.text(".config-link"); !strings.Contains(got, "/portal/o/") {
		t.Errorf("the configuration link is not shown: %q", got)
	}

	// The multi-name order's wizard: more names, and a per-name method with its own live list.
	b.visit(strings.TrimPrefix(waiting.ConfigureURL, sh.s.URL), "#wizard", "wizard-multi")
	b.do("override the method of one name",
		chromedp.Click(chromedp.CSS(".overrides summary")),
		chromedp.SetValue(chromedp.CSS(`select[name="domains[0].dcv_method"]`), "email"),
		fill("#row-name-0", "shop.example.com"),
		chromedp.WaitVisible(chromedp.CSS(`select[name="domains[0].approver_email"]`)))
	b.shot("wizard-multi-overrides")
	if got := b.text(`select[name="domains[0].approver_email"]`); !strings.Contains(got, "admin@shop.example.com") {
		t.Errorf("approvers of the overridden name: %q", got)
	}

	// An OV order's wizard asks for the organisation, prefilled from the client.
	ov := sh.order(t, "sandbox-ov")
	if r := sh.s.Call(t, "POST", "/api/v1/orders/"+ov.ID+"/activate", sh.s.BillingKey, nil); r.Status != 200 {
		t.Fatalf("activate: %d %s", r.Status, r.Body)
	}
	b.visit(strings.TrimPrefix(ov.ConfigureURL, sh.s.URL), "#f-contacts-organization-name", "wizard-ov")
	if v := run(b, "read organisation", chromedp.Value(chromedp.CSS("#f-contacts-organization-name"))); v != "Example Ltd" {
		t.Errorf("organisation prefilled as %q", v)
	}
}

// staffSignIn signs the browser in as the tenant's owner.
func (b *browser) staffSignIn(s *apptest.Server) {
	b.t.Helper()
	b.visit("/t/acme/admin/login", "form", "staff-login")
	b.do("staff sign in", fill("#f-email", s.OwnerEmail), fill("#f-password", s.OwnerPass),
		chromedp.Click(chromedp.CSS("button[type=submit]")), chromedp.WaitVisible(chromedp.CSS(".stats")))
}

// TestStaffResolveNeedsAttention: validation stuck past the maximum pending age flags the order;
// staff see it flagged on the pending validations page and on the order, and reset the checks to
// put it back to pending validation.
func TestStaffResolveNeedsAttention(t *testing.T) {
	sh := newOrderShop(t, "1h", apptest.Options{Configure: func(c *config.Config) { c.Poller.MaxPendingAge = 2 * time.Second }})
	o := sh.order(t, "sandbox-dv")
	r := sh.s.Call(t, "POST", "/api/v1/orders/"+o.ID+"/configure", sh.s.BillingKey, map[string]any{
		"generate_key": map[string]any{"common_name": "stuck.example.com"}, "dcv_method": "http"})
	if r.Status != 202 {
		t.Fatalf("configure: %d %s", r.Status, r.Body)
	}
	deadline := time.Now().Add(30 * time.Second)
	for sh.get(t, o.ID).Status != "needs_attention" {
		if time.Now().After(deadline) {
			t.Fatalf("the stuck order is %s, want needs_attention", sh.get(t, o.ID).Status)
		}
		time.Sleep(200 * time.Millisecond)
	}

	b := newBrowser(t, sh.s.URL, "orders-attention")
	b.staffSignIn(sh.s)
	b.visit("/t/acme/admin/pending", ".pending-card", "pending-flagged")
	if got := b.text(".pending-card"); !strings.Contains(got, "Needs attention") || !strings.Contains(got, "stuck.example.com") {
		t.Errorf("pending validations: %q", got)
	}
	b.visit("/t/acme/admin/orders/"+o.ID, "#timeline", "order-needs-attention")
	if got := b.text("#order-status"); got != "Needs attention" {
		t.Errorf("status %q", got)
	}
	if got := b.text(".status-panel"); !strings.Contains(got, "Check now") && !strings.Contains(got, "reset") {
		t.Errorf("the explanation does not say what to do: %q", got)
	}
	b.do("reset the checks", chromedp.Click(chromedp.CSS(`form[action$="/reset"] button`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	b.shot("order-reset")
	if got := b.text("#order-status"); got != "Pending validation" {
		t.Errorf("after reset the status reads %q", got)
	}
}
