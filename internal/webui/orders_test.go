package webui_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/sslreseller/sslreseller/internal/app/apptest"
	"github.com/sslreseller/sslreseller/internal/pki"
)

// shop is a tenant selling sandbox certificates to two clients, set up through the API.
type shop struct {
	s        *apptest.Server
	products map[string]string // item code -> product id
	clients  map[string]string // e-mail -> client id
}

func newShop(t *testing.T, approveAfter string) *shop {
	t.Helper()
	s := apptest.New(t)
	sh := &shop{s: s, products: map[string]string{}, clients: map[string]string{}}
	var acct struct {
		ID string `json:"id"`
	}
	r := s.Call(t, "POST", "/api/v1/provider-accounts", s.AdminKey, map[string]any{
		"provider": "sandbox", "name": "Sandbox CA", "environment": "test", "settings": map[string]string{"approve_after": approveAfter}})
	if r.Status != 201 {
		t.Fatalf("create account: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &acct)
	s.Call(t, "POST", "/api/v1/provider-accounts/"+acct.ID+"/sync", s.AdminKey, nil)
	var imported struct {
		Data []struct {
			ID       string `json:"id"`
			ItemCode string `json:"item_code"`
		} `json:"data"`
	}
	s.Call(t, "POST", "/api/v1/products/import", s.AdminKey, map[string]any{"provider_account_id": acct.ID,
		"items": []string{"sandbox-dv", "sandbox-dv-multi", "sandbox-ov"}, "margin_bps": 2000, "rounding": "x.99"}).JSON(t, &imported)
	for _, p := range imported.Data {
		sh.products[p.ItemCode] = p.ID
	}
	for _, e := range []string{"ann@example.com", "bob@example.com"} {
		var c struct {
			ID string `json:"id"`
		}
		r := s.Call(t, "POST", "/api/v1/clients", s.BillingKey, map[string]any{"email": e, "first_name": strings.ToUpper(e[:1]) + e[1:3], "last_name": "Client"})
		if r.Status != 201 {
			t.Fatalf("create client: %d %s", r.Status, r.Body)
		}
		r.JSON(t, &c)
		sh.clients[e] = c.ID
		if err := s.App.Accounts.SetClientPassword(actorCtx(), s.Tenant.ID, uuid.MustParse(c.ID), "client password"); err != nil {
			t.Fatal(err)
		}
	}
	return sh
}

type orderJSON struct {
	ID           string `json:"id"`
	Status       string `json:"status"`
	ConfigureURL string `json:"configure_url"`
	StatusNote   string `json:"status_note"`
	Domains      []struct {
		Name      string `json:"name"`
		DCVMethod string `json:"dcv_method"`
	} `json:"domains"`
	Issuances []struct {
		Status string `json:"status"`
	} `json:"issuances"`
}

func (sh *shop) order(t *testing.T, client, item string) orderJSON {
	t.Helper()
	body := map[string]any{"client_id": sh.clients[client], "product_id": sh.products[item], "period_months": 12}
	if strings.HasSuffix(item, "-multi") {
		body["domains_count"] = 3
	}
	r := sh.s.Call(t, "POST", "/api/v1/orders", sh.s.BillingKey, body, "Idempotency-Key: "+uuid.NewString())
	if r.Status != 201 {
		t.Fatalf("create order: %d %s", r.Status, r.Body)
	}
	var o orderJSON
	r.JSON(t, &o)
	return o
}

func (sh *shop) get(t *testing.T, id string) orderJSON {
	t.Helper()
	var o orderJSON
	sh.s.Call(t, "GET", "/api/v1/orders/"+id, sh.s.BillingKey, nil).JSON(t, &o)
	return o
}

// waitFor waits until the order has the status and, with issued > 0, that many issued requests
// with nothing in flight.
func (sh *shop) waitFor(t *testing.T, id, status string, issued ...int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		o := sh.get(t, id)
		n, inFlight := 0, false
		for _, is := range o.Issuances {
			n += map[bool]int{true: 1}[is.Status == "issued" || is.Status == "superseded"]
			inFlight = inFlight || is.Status == "pending" || is.Status == "submitting"
		}
		if o.Status == status && (len(issued) == 0 || (n >= issued[0] && !inFlight)) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("order is %s (%s), waited for %s", o.Status, o.StatusNote, status)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// wizard is a filled-in configuration form.
func wizard(cn, method string) url.Values {
	return url.Values{"key_source": {"generate"}, "generate_key.common_name": {cn}, "generate_key.key_type": {"ecdsa-p256"},
		"dcv_method": {method}, "server_type": {"apache"},
		"contacts.admin.first_name": {"Ann"}, "contacts.admin.last_name": {"Client"}, "contacts.admin.email": {"ann@example.com"},
		"contacts.tech.first_name": {"Ann"}, "contacts.tech.last_name": {"Client"}, "contacts.tech.email": {"ann@example.com"}}
}

// TestPortalOrderAccess: the configuration link opens only its order and a broken one nothing; a
// signed-in client sees their own orders and another client's order is not found.
func TestPortalOrderAccess(t *testing.T) {
	sh := newShop(t, "1h")
	o := sh.order(t, "ann@example.com", "sandbox-dv")
	link := strings.TrimPrefix(o.ConfigureURL, sh.s.URL)

	anon := newVisitor(t, sh.s)
	p := anon.get(link)
	want(t, p, http.StatusOK, "Set up your certificate", `value="ann@example.com"`, "Make the key for me")
	noInline(t, p)
	want(t, anon.get(link[:len(link)-3]+"xyz"), http.StatusNotFound, "This link is not valid any more")
	want(t, anon.get("/t/acme/portal/certificates/"+o.ID), http.StatusSeeOther)

	bob := newVisitor(t, sh.s)
	bob.login("/t/acme/portal/login", "bob@example.com", "client password")
	want(t, bob.get("/t/acme/portal/certificates/"+o.ID), http.StatusNotFound)
	want(t, bob.post("/t/acme/portal/certificates/"+o.ID+"/configure", wizard("bob.example.com", "dns")), http.StatusNotFound)
	want(t, bob.get("/t/acme/portal/"), http.StatusOK, "No certificates yet")
	if got := sh.get(t, o.ID).Status; got != "awaiting_configuration" {
		t.Fatalf("another client's post changed the order to %s", got)
	}

	ann := newVisitor(t, sh.s)
	ann.login("/t/acme/portal/login", "ann@example.com", "client password")
	home := ann.get("/t/acme/portal/")
	want(t, home, http.StatusOK, "Ready to set up", "Set it up")
	noInline(t, home)
	want(t, ann.get("/t/acme/portal/certificates/"+o.ID), http.StatusOK, "Set up your certificate")
	want(t, ann.get("/t/acme/portal/certificates/not-an-id"), http.StatusNotFound)

	// Another tenant: the link's token and the order's id open nothing there.
	_, email, pass, _, _ := apptest.Seed(t, sh.s.App, "other", "Other Certificates")
	token := strings.TrimPrefix(link, "/t/acme/portal/o/")
	want(t, anon.get("/t/other/portal/o/"+token), http.StatusNotFound, "This link is not valid any more")
	other := newVisitor(t, sh.s)
	other.login("/t/other/admin/login", email, pass)
	want(t, other.get("/t/other/admin/orders/"+o.ID), http.StatusNotFound)
	want(t, other.post("/t/other/admin/orders/"+o.ID+"/cancel", nil), http.StatusNotFound)
	want(t, other.get("/t/other/admin/orders"), http.StatusOK, "No orders yet")
	if got := sh.get(t, o.ID).Status; got != "awaiting_configuration" {
		t.Fatalf("another tenant's staff changed the order to %s", got)
	}
}

// TestPortalWizard: the live approver list, errors on their fields with the input kept, the
// organisation fields of OV, and a submission that leaves the order pending validation with the
// instructions shown.
func TestPortalWizard(t *testing.T) {
	sh := newShop(t, "1h")
	o := sh.order(t, "ann@example.com", "sandbox-dv")
	link := strings.TrimPrefix(o.ConfigureURL, sh.s.URL)
	v := newVisitor(t, sh.s)

	p := v.get(link+"/approver-emails?field=approver_email&generate_key.common_name=www.example.com", "HX-Request", "true")
	want(t, p, http.StatusOK, `name="approver_email"`, `value="admin@example.com"`, `value="webmaster@www.example.com"`)
	if strings.Contains(p.Body, "<html") {
		t.Error("the approver list is a whole page, want a fragment")
	}
	p = v.get(link+"/approver-emails?field=domains[1].approver_email&domains[1].name=shop.example.com", "HX-Request", "true")
	want(t, p, http.StatusOK, `name="domains[1].approver_email"`, `value="admin@shop.example.com"`)
	want(t, v.get(link+"/approver-emails?field=approver_email&generate_key.common_name=not%20a%20domain"), http.StatusOK, `class="hint approver-msg"`)
	want(t, v.get(link+"/approver-emails?field=approver_email"), http.StatusOK, "Type the domain name above")

	// A pasted CSR is read as it is typed: its names and key, or what is wrong with it.
	csrKey, err := pki.GenerateKey(pki.KeyECDSAP256)
	if err != nil {
		t.Fatal(err)
	}
	csr := func(names ...string) string {
		b, err := pki.CreateCSR(csrKey, pki.Subject{CommonName: names[0]}, names)
		if err != nil {
			t.Fatal(err)
		}
		return url.QueryEscape(string(b))
	}
	want(t, v.get(link+"/csr?csr="+csr("www.example.com")), http.StatusOK, "This request is for <strong>www.example.com</strong>", "ecdsa-p256")
	want(t, v.get(link+"/csr?csr="+csr("*.example.com")), http.StatusOK, `class="csr-summary csr-bad"`, "wildcard")
	want(t, v.get(link+"/csr?csr="+csr("a.example.com", "b.example.com")), http.StatusOK, `class="csr-summary csr-bad"`)
	want(t, v.get(link+"/csr?csr=hello"), http.StatusOK, `class="csr-summary csr-bad"`)

	// An approver address the provider does not list: the message is on the approver field.
	f := wizard("www.example.com", "email")
	f.Set("approver_email", "ceo@example.com")
	f.Set("contacts.admin.job_title", "Owner")
	p = v.post(link+"/configure", f)
	want(t, p, http.StatusUnprocessableEntity, `id="f-approver-email-error"`, "ceo@example.com cannot approve www.example.com",
		`value="www.example.com"`, `value="Owner"`)
	// A wildcard on a product without wildcards: on the domain name.
	p = v.post(link+"/configure", wizard("*.example.com", "dns"))
	want(t, p, http.StatusUnprocessableEntity, `id="f-generate-key-common-name-error"`, `value="*.example.com"`)
	// No method chosen.
	p = v.post(link+"/configure", wizard("www.example.com", ""))
	want(t, p, http.StatusUnprocessableEntity, `id="f-dcv-method-error"`, "Choose how to prove control")
	if got := sh.get(t, o.ID).Status; got != "awaiting_configuration" {
		t.Fatalf("after refused forms the order is %s", got)
	}

	// OV needs the organisation: the client has none.
	ov := sh.order(t, "ann@example.com", "sandbox-ov")
	ovLink := strings.TrimPrefix(ov.ConfigureURL, sh.s.URL)
	want(t, v.get(ovLink), http.StatusOK, "Organisation", `name="contacts.organization.name"`)
	p = v.post(ovLink+"/configure", wizard("www.example.org", "dns"))
	want(t, p, http.StatusUnprocessableEntity, `id="f-contacts-organization-name-error"`, "Legal name is required for OV certificates",
		`id="f-contacts-organization-address-country-error"`)

	// A good submission: pending validation with the DNS record to add.
	p = v.post(link+"/configure", wizard("www.example.com", "dns"))
	want(t, p, http.StatusSeeOther)
	if p.Location() != link {
		t.Errorf("after configure sent to %q, want the order's page", p.Location())
	}
	p = v.get(link)
	want(t, p, http.StatusOK, "Validating your domains", "Add this DNS record", "www.example.com", `hx-trigger="every 2s"`)
	noInline(t, p)
	if got := sh.get(t, o.ID); got.Status != "pending_validation" || got.Domains[0].DCVMethod != "dns" {
		t.Fatalf("after configure: %+v", got)
	}
	// The page's poll: nothing new, then a changed status reloads the page.
	key := regexp.MustCompile(`status\?shown=([^"]+)"`).FindStringSubmatch(p.Body)
	if key == nil {
		t.Fatal("no poll on the pending page")
	}
	shown, _ := url.QueryUnescape(strings.ReplaceAll(key[1], "&#43;", "+"))
	if r := v.get(link+"/status?shown="+url.QueryEscape(shown), "HX-Request", "true"); r.Status != http.StatusNoContent || r.Header.Get("HX-Refresh") != "" {
		t.Errorf("poll without change: %d refresh=%q", r.Status, r.Header.Get("HX-Refresh"))
	}
	if r := v.get(link+"/status?shown=issued/issued/v", "HX-Request", "true"); r.Header.Get("HX-Refresh") != "true" {
		t.Errorf("poll with a change: refresh=%q", r.Header.Get("HX-Refresh"))
	}
	// Several names, one validated differently: an error about that name is on its row.
	multi := sh.order(t, "ann@example.com", "sandbox-dv-multi")
	multiLink := strings.TrimPrefix(multi.ConfigureURL, sh.s.URL)
	f = wizard("www.example.com", "dns")
	f.Set("generate_key.sans", "shop.example.com\nexample.com")
	f.Set("domains[0].name", "example.com")
	f.Set("domains[0].dcv_method", "email")
	f.Set("domains[0].approver_email", "ceo@example.com")
	p = v.post(multiLink+"/configure", f)
	want(t, p, http.StatusUnprocessableEntity, "ceo@example.com cannot approve example.com", ">shop.example.com\nexample.com</textarea>")
	row := p.Body[strings.Index(p.Body, `name="domains[0].name"`):]
	row = row[:strings.Index(row, `name="domains[1].name"`)]
	if !strings.Contains(row, "cannot approve example.com") {
		t.Errorf("the error is not on the row of example.com:\n%s", row)
	}
	f.Set("domains[0].approver_email", "admin@example.com")
	want(t, v.post(multiLink+"/configure", f), http.StatusSeeOther)
	got := sh.get(t, multi.ID)
	methods := map[string]string{}
	for _, d := range got.Domains {
		methods[d.Name] = d.DCVMethod
	}
	if methods["www.example.com"] != "dns" || methods["shop.example.com"] != "dns" || methods["example.com"] != "email" {
		t.Errorf("methods per name: %v", methods)
	}

	// The sandbox rejects names ending in reject.test: the wizard comes back with the reason and
	// the names asked for.
	rej := sh.order(t, "ann@example.com", "sandbox-dv")
	rejLink := strings.TrimPrefix(rej.ConfigureURL, sh.s.URL)
	want(t, v.post(rejLink+"/configure", wizard("www.reject.test", "dns")), http.StatusSeeOther)
	sh.waitFor(t, rej.ID, "rejected")
	want(t, v.get(rejLink), http.StatusOK, "Set up your certificate", "The certificate authority rejected the last request",
		"rejects names ending in reject.test", `value="www.reject.test"`)
	want(t, v.post(rejLink+"/configure", wizard("www.example.net", "dns")), http.StatusSeeOther)
	if got := sh.get(t, rej.ID).Status; got != "pending_validation" {
		t.Errorf("the corrected order is %s", got)
	}

	// Submitting again is refused politely.
	p = v.post(link+"/configure", wizard("www.example.com", "dns"))
	want(t, p, http.StatusSeeOther)
}

// TestAdminOrderActions: actions the status does not allow are refused with the reason and change
// nothing; allowed ones work and are on the timeline with who did them; support staff cannot
// change the order settings.
func TestAdminOrderActions(t *testing.T) {
	sh := newShop(t, "1h")
	o := sh.order(t, "ann@example.com", "sandbox-dv")
	link := strings.TrimPrefix(o.ConfigureURL, sh.s.URL)
	anon := newVisitor(t, sh.s)
	want(t, anon.post(link+"/configure", wizard("www.example.com", "email")), http.StatusUnprocessableEntity)
	f := wizard("www.example.com", "email")
	f.Set("approver_email", "admin@example.com")
	want(t, anon.post(link+"/configure", f), http.StatusSeeOther)

	staff := newVisitor(t, sh.s)
	staff.login("/t/acme/admin/login", sh.s.OwnerEmail, sh.s.OwnerPass)
	base := "/t/acme/admin/orders/" + o.ID
	p := staff.get(base)
	want(t, p, http.StatusOK, "Pending validation", "admin@example.com", "Resend approver e-mail", "Change validation method", "Cancel order")
	noInline(t, p)
	if strings.Contains(p.Body, "Revoke certificate") || strings.Contains(p.Body, `action="`+base+`/renew"`) {
		t.Error("revoke or renew offered before issue")
	}

	p = staff.post(base+"/revoke", url.Values{"reason": {"key_compromise"}})
	want(t, p, http.StatusConflict, "Revoke is not possible while the order is pending_validation", "cancel instead")
	want(t, staff.post(base+"/activate", nil), http.StatusConflict, "Activate is not possible")
	if got := sh.get(t, o.ID).Status; got != "pending_validation" {
		t.Fatalf("a refused action changed the order to %s", got)
	}

	want(t, staff.get(base+"/approver-emails?field=domains[0].approver_email&domain=www.example.com&selected=admin@example.com", "HX-Request", "true"),
		http.StatusOK, `name="domains[0].approver_email"`, `<option value="admin@example.com" selected>`)
	want(t, staff.post(base+"/resend", nil), http.StatusSeeOther)
	p = staff.post(base+"/dcv", url.Values{"domains[0].name": {"www.example.com"}, "domains[0].dcv_method": {"dns"}, "domains[0].approver_email": {""}})
	want(t, p, http.StatusSeeOther)
	if got := sh.get(t, o.ID); got.Domains[0].DCVMethod != "dns" {
		t.Errorf("after the change the method is %s", got.Domains[0].DCVMethod)
	}
	want(t, staff.post(base+"/reset", nil), http.StatusSeeOther)
	want(t, staff.post(base+"/check", url.Values{"back": {"/t/acme/admin/pending"}}), http.StatusSeeOther)
	p = staff.get(base)
	want(t, p, http.StatusOK, "Validation method changed", "Validation e-mail sent again", "Validation checks restarted", "by "+sh.s.OwnerEmail)

	// The new-order form creates one order however often it is sent.
	form := staff.get("/t/acme/admin/orders/new")
	tok := regexp.MustCompile(`name="form_token" value="([^"]+)"`).FindStringSubmatch(form.Body)
	if tok == nil {
		t.Fatal("the new-order form has no token")
	}
	nf := url.Values{"form_token": {tok[1]}, "client_id": {sh.clients["bob@example.com"]}, "product": {sh.products["sandbox-dv"] + ":12"}, "domains_count": {"1"}}
	want(t, staff.post("/t/acme/admin/orders", nf), http.StatusSeeOther)
	p = staff.post("/t/acme/admin/orders", nf)
	want(t, p, http.StatusSeeOther)
	if p.Location() != "/t/acme/admin/orders" {
		t.Errorf("the form sent again went to %q", p.Location())
	}
	var list struct {
		Data []orderJSON `json:"data"`
	}
	sh.s.Call(t, "GET", "/api/v1/orders?client_id="+sh.clients["bob@example.com"], sh.s.BillingKey, nil).JSON(t, &list)
	if len(list.Data) != 1 {
		t.Errorf("the form sent twice made %d orders", len(list.Data))
	}

	want(t, staff.post("/t/acme/admin/orders/"+uuid.NewString()+"/cancel", nil), http.StatusNotFound)
	want(t, staff.get("/t/acme/admin/orders/"+uuid.NewString()), http.StatusNotFound)
	want(t, staff.post(base+"/frobnicate", nil), http.StatusNotFound)

	addUser(t, sh.s, "sam@acme.test", "support")
	support := newVisitor(t, sh.s)
	support.login("/t/acme/admin/login", "sam@acme.test", "a good password")
	want(t, support.get("/t/acme/admin/orders/settings"), http.StatusForbidden)
	want(t, support.post("/t/acme/admin/orders/settings", url.Values{"require_activation": {"on"}}), http.StatusForbidden)
	p = support.get("/t/acme/admin/pending")
	want(t, p, http.StatusOK, "www.example.com", base+"?act=cancel#actions")
	noInline(t, p)
	want(t, support.get(base+"?act=cancel"), http.StatusOK, `<details class="action-box action-danger" open>`)
}

// TestIssuedCertificateInPortalAndAdmin: downloads in every format, the key only where the service
// holds it, reissue and revoke from the portal, renew from the admin.
func TestIssuedCertificateInPortalAndAdmin(t *testing.T) {
	sh := newShop(t, "0s")
	o := sh.order(t, "ann@example.com", "sandbox-dv")
	v := newVisitor(t, sh.s)
	v.login("/t/acme/portal/login", "ann@example.com", "client password")
	base := "/t/acme/portal/certificates/" + o.ID
	want(t, v.post(base+"/configure", wizard("www.example.com", "http")), http.StatusSeeOther)
	sh.waitFor(t, o.ID, "issued")

	p := v.get(base)
	want(t, p, http.StatusOK, "Your certificate is ready", "Install on Apache", "SSLCertificateFile", "Download PFX", "Private key", "Reissue with a new key")
	noInline(t, p)
	for format, marker := range map[string]string{"pem": "BEGIN CERTIFICATE", "chain": "BEGIN CERTIFICATE", "fullchain": "BEGIN CERTIFICATE",
		"key": "PRIVATE KEY"} {
		r := v.get(base + "/download/" + format)
		if r.Status != http.StatusOK || !strings.Contains(r.Body, marker) || !strings.Contains(r.Header.Get("Content-Disposition"), "attachment") {
			t.Errorf("download %s: %d %q", format, r.Status, r.Header.Get("Content-Disposition"))
		}
	}
	if r := v.get(base + "/download/p7b"); r.Status != http.StatusOK || r.Header.Get("Content-Type") != "application/x-pkcs7-certificates" {
		t.Errorf("p7b: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	want(t, v.get(base+"/download/exe"), http.StatusBadRequest)
	want(t, v.post(base+"/pfx", url.Values{"password": {"short"}}), http.StatusUnprocessableEntity, `id="f-password-error"`, "at least 8 characters")
	if r := v.post(base+"/pfx", url.Values{"password": {"long enough"}}); r.Status != http.StatusOK || r.Header.Get("Content-Type") != "application/x-pkcs12" {
		t.Errorf("pfx: %d %s", r.Status, r.Header.Get("Content-Type"))
	}

	// Reissue from the portal keeps the order issued.
	want(t, v.post(base+"/reissue", url.Values{"generate_key.key_type": {"rsa-2048"}}), http.StatusSeeOther)
	p = v.get(base)
	if strings.Contains(p.Body, `action="`+base+`/reissue"`) || strings.Contains(p.Body, `action="`+base+`/renew"`) {
		t.Error("reissue or renew offered while a reissue is in flight")
	}
	if !strings.Contains(p.Body, "Download PFX") {
		t.Error("during a reissue the current certificate is no longer offered")
	}
	if iss := sh.get(t, o.ID).Issuances; iss[len(iss)-1].Status == "pending" && !strings.Contains(p.Body, `hx-trigger="every 2s"`) {
		t.Error("during a reissue the page does not watch for the new certificate")
	}
	sh.waitFor(t, o.ID, "issued", 2)

	// Renew from the admin.
	staff := newVisitor(t, sh.s)
	staff.login("/t/acme/admin/login", sh.s.OwnerEmail, sh.s.OwnerPass)
	admin := "/t/acme/admin/orders/" + o.ID
	want(t, staff.get(admin), http.StatusOK, "Renew", "Revoke certificate", "Reissue", "held by us")
	want(t, staff.post(admin+"/renew", url.Values{"period_months": {"12"}}), http.StatusSeeOther)
	want(t, staff.post(admin+"/cancel", nil), http.StatusConflict, "revoked, not cancelled")

	// Revoke from the portal ends the order.
	want(t, v.post(base+"/revoke", url.Values{"reason": {"key_compromise"}}), http.StatusSeeOther)
	if got := sh.get(t, o.ID).Status; got != "revoked" {
		t.Fatalf("after revoke: %s", got)
	}
	p = v.get(base)
	want(t, p, http.StatusOK, "Revoked")
	if strings.Contains(p.Body, "Download PFX") {
		t.Error("a revoked certificate is still offered for download")
	}
}
