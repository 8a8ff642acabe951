package webui_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/sslreseller/sslreseller/internal/account"
	"github.com/sslreseller/sslreseller/internal/app/apptest"
	"github.com/sslreseller/sslreseller/internal/tenant"
)

func TestRoutingAndStatic(t *testing.T) {
	s := apptest.New(t)
	v := newVisitor(t, s)

	landing := v.get("/")
	want(t, landing, http.StatusOK, "Operator sign-in", `href="/operator/login"`)
	noInline(t, landing)

	want(t, v.get("/t/nobody/admin/login"), http.StatusNotFound, "There is no reseller at this address")
	want(t, v.get("/t/acme/admin/no-such-page"), http.StatusNotFound, "Page not found")
	want(t, v.get("/no-such-page"), http.StatusNotFound, "Page not found")
	// Without a tenant host name, /admin is nobody's.
	want(t, v.get("/admin/login"), http.StatusNotFound, "There is no reseller at this address")

	if p := v.get("/t/acme/admin"); p.Status != http.StatusSeeOther || p.Location() != "/t/acme/admin/login?next=%2Ft%2Facme%2Fadmin" {
		t.Errorf("admin without a session: %d %q", p.Status, p.Location())
	}
	if p := v.get("/t/acme"); p.Status != http.StatusSeeOther || p.Location() != "/t/acme/portal" {
		t.Errorf("/t/acme: %d %q", p.Status, p.Location())
	}
	login := v.get("/t/acme/admin/login")
	want(t, login, http.StatusOK, "Sign in to Acme Certificates", `action="/t/acme/admin/login"`)
	noInline(t, login)
	want(t, v.get("/t/acme/admin/logout"), http.StatusMethodNotAllowed)
	want(t, v.get("/t/acme/portal/login"), http.StatusOK, "Your certificates", `action="/t/acme/portal/login"`)
	want(t, v.get("/operator/login"), http.StatusOK, "Operator sign-in")

	// Static files: versioned URLs are immutable, others revalidate by ETag; no directory listings.
	m := regexp.MustCompile(`/static/app\.css\?v=([0-9a-f]+)`).FindStringSubmatch(landing.Body)
	if m == nil {
		t.Fatal("no versioned stylesheet link on the landing page")
	}
	css := v.get(m[0])
	want(t, css, http.StatusOK, ".btn-primary")
	if cc := css.Header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
		t.Errorf("versioned asset Cache-Control %q", cc)
	}
	if ct := css.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/css") {
		t.Errorf("stylesheet Content-Type %q", ct)
	}
	plain := v.get("/static/app.css")
	if cc := plain.Header.Get("Cache-Control"); cc != "public, max-age=3600" || plain.Header.Get("ETag") != `"`+m[1]+`"` {
		t.Errorf("unversioned asset: Cache-Control %q ETag %q", cc, plain.Header.Get("ETag"))
	}
	want(t, v.get("/static/app.css", "If-None-Match", `"`+m[1]+`"`), http.StatusNotModified)
	want(t, v.get("/static/vendor/htmx.min.js"), http.StatusOK, "htmx")
	for _, p := range []string{"/static/", "/static/vendor/", "/static/nope.css"} {
		want(t, v.get(p), http.StatusNotFound)
	}
}

func TestHostNameRouting(t *testing.T) {
	s := apptest.New(t)
	tn, err := s.App.Tenants.Create(actorCtx(), tenant.CreateInput{Slug: "globex", Name: "Globex Certificates", Currency: "EUR",
		HostNames: []string{"certs.globex.test"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.App.Accounts.CreateUser(actorCtx(), tn.ID, account.UserInput{Email: "hank@globex.test", Role: account.RoleOwner,
		Password: "globex password"}); err != nil {
		t.Fatal(err)
	}
	v := newVisitor(t, s)
	v.host = "certs.globex.test:443"
	if p := v.get("/"); p.Status != http.StatusSeeOther || p.Location() != "/portal" {
		t.Errorf("/ on the tenant's host: %d %q", p.Status, p.Location())
	}
	login := v.get("/admin/login")
	want(t, login, http.StatusOK, "Sign in to Globex Certificates", `action="/admin/login"`)
	if strings.Contains(login.Body, "/t/globex") {
		t.Error("links on the tenant's own host carry the /t/ prefix")
	}
	v.login("/admin/login", "hank@globex.test", "globex password")
	dash := v.get("/admin")
	want(t, dash, http.StatusOK, "Globex Certificates", `href="/admin/clients"`)
	want(t, v.get("/admin/staff/new"), http.StatusOK, "://certs.globex.test:443/admin/login")
	want(t, v.get("/portal/login"), http.StatusOK, `action="/portal/login"`)
}

func TestSessionsStayInTheirTenant(t *testing.T) {
	s := apptest.New(t)
	tn, err := s.App.Tenants.Create(actorCtx(), tenant.CreateInput{Slug: "globex", Name: "Globex Certificates"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.App.Accounts.CreateClient(actorCtx(), tn.ID, account.ClientInput{Email: "c@globex.test", FirstName: "G", LastName: "C"})
	if err != nil {
		t.Fatal(err)
	}
	v := newVisitor(t, s)
	v.login("/t/acme/admin/login", s.OwnerEmail, s.OwnerPass)
	want(t, v.get("/t/acme/admin/clients"), http.StatusOK)
	for _, path := range []string{"/t/globex/admin", "/t/globex/admin/clients", "/t/globex/admin/clients/" + c.ID.String()} {
		p := v.get(path)
		if p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location(), "/t/globex/admin/login") {
			t.Errorf("acme's owner at %s: %d %q", path, p.Status, p.Location())
		}
	}
	// Another tenant's client id is answered like a missing one.
	want(t, v.get("/t/acme/admin/clients/"+c.ID.String()), http.StatusNotFound)
	want(t, v.get("/t/acme/admin/clients/not-a-uuid"), http.StatusNotFound)
	// A staff session is not a portal session.
	if p := v.get("/t/acme/portal"); p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location(), "/t/acme/portal/login") {
		t.Errorf("staff session in the portal: %d %q", p.Status, p.Location())
	}
}

func TestSignInAndOut(t *testing.T) {
	s := apptest.New(t)
	v := newVisitor(t, s)
	p := v.post("/t/acme/admin/login", url.Values{"email": {s.OwnerEmail}, "password": {s.OwnerPass},
		"next": {"/t/acme/admin/api-keys"}})
	if p.Status != http.StatusSeeOther || p.Location() != "/t/acme/admin/api-keys" {
		t.Fatalf("sign in with next: %d %q", p.Status, p.Location())
	}
	cookie := p.Header.Get("Set-Cookie")
	if !strings.Contains(cookie, "HttpOnly") || !strings.Contains(cookie, "SameSite=Lax") {
		t.Errorf("session cookie %q", cookie)
	}
	old := sessionCookie(t, v)
	// An outside "next" is ignored.
	v2 := newVisitor(t, s)
	if p := v2.post("/t/acme/admin/login", url.Values{"email": {s.OwnerEmail}, "password": {s.OwnerPass},
		"next": {"https://evil.example/"}}); p.Location() != "/t/acme/admin" {
		t.Errorf("sign in with an outside next: %q", p.Location())
	}
	// Signed in, the sign-in page leads on.
	if p := v.get("/t/acme/admin/login"); p.Status != http.StatusSeeOther || p.Location() != "/t/acme/admin" {
		t.Errorf("sign-in page while signed in: %d %q", p.Status, p.Location())
	}
	out := v.post("/t/acme/admin/logout", url.Values{})
	if out.Status != http.StatusSeeOther || out.Location() != "/t/acme/admin/login" {
		t.Fatalf("sign out: %d %q", out.Status, out.Location())
	}
	want(t, v.get("/t/acme/admin/login"), http.StatusOK, "You have signed out.")
	// The token of the ended session opens nothing.
	v3 := newVisitor(t, s)
	u, _ := url.Parse(s.URL)
	v3.c.Jar.SetCookies(u, []*http.Cookie{{Name: "sslr_session", Value: old}})
	if p := v3.get("/t/acme/admin"); p.Status != http.StatusSeeOther {
		t.Errorf("old session token after sign-out: %d", p.Status)
	}
}

func sessionCookie(t *testing.T, v *visitor) string {
	t.Helper()
	u, _ := url.Parse(v.s.URL)
	for _, c := range v.c.Jar.Cookies(u) {
		if c.Name == "sslr_session" {
			return c.Value
		}
	}
	t.Fatal("no session cookie")
	return ""
}

func TestLoginRateLimit(t *testing.T) {
	s := apptest.New(t)
	v := newVisitor(t, s)
	limit := s.App.Config.Auth.LoginAttempts
	bad := url.Values{"email": {s.OwnerEmail}, "password": {"wrong password"}}
	for i := range limit {
		p := v.post("/t/acme/admin/login", bad)
		if i == 0 {
			want(t, p, http.StatusUnauthorized, "That e-mail address and password do not match an account.")
		}
		if p.Status != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d", i+1, p.Status)
		}
	}
	// An unknown e-mail gets the same answer as a wrong password.
	unknown := v.post("/t/acme/admin/login", url.Values{"email": {"nobody@acme.test"}, "password": {"wrong password"}})
	want(t, unknown, http.StatusUnauthorized, "That e-mail address and password do not match an account.")

	over := v.post("/t/acme/admin/login", url.Values{"email": {s.OwnerEmail}, "password": {s.OwnerPass}})
	want(t, over, http.StatusTooManyRequests, "Too many failed sign-in attempts")
	if over.Header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	// Other places to sign in keep their own counts.
	want(t, v.post("/t/acme/portal/login", bad), http.StatusUnauthorized)
}

func TestCrossOriginPostRefused(t *testing.T) {
	s := apptest.New(t)
	v := newVisitor(t, s)
	p := v.post("/t/acme/admin/login", url.Values{"email": {s.OwnerEmail}, "password": {s.OwnerPass}},
		"Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site")
	want(t, p, http.StatusForbidden, "sent from another site")
	// The same form from the page itself is fine.
	p = v.post("/t/acme/admin/login", url.Values{"email": {s.OwnerEmail}, "password": {s.OwnerPass}}, "Sec-Fetch-Site", "same-origin")
	if p.Status != http.StatusSeeOther {
		t.Errorf("same-origin sign-in: %d", p.Status)
	}
}

func TestSuspendedTenant(t *testing.T) {
	s := apptest.New(t)
	conn, err := pgx.Connect(context.Background(), s.DB.OwnerURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), `UPDATE tenants SET status = 'suspended' WHERE slug = 'acme'`); err != nil {
		t.Fatal(err)
	}
	v := newVisitor(t, s)
	want(t, v.get("/t/acme/admin/login"), http.StatusForbidden, "Acme Certificates is suspended")
	want(t, v.get("/t/acme/portal/login"), http.StatusForbidden, "is suspended")
	want(t, v.post("/t/acme/admin/login", url.Values{"email": {s.OwnerEmail}, "password": {s.OwnerPass}}), http.StatusForbidden)
}

func TestClientForms(t *testing.T) {
	s := apptest.New(t)
	v := newVisitor(t, s)
	v.login("/t/acme/admin/login", s.OwnerEmail, s.OwnerPass)

	empty := v.get("/t/acme/admin/clients")
	want(t, empty, http.StatusOK, "No clients yet")
	noInline(t, empty)

	f := clientForm("ada-at-example")
	f.Set("first_name", "")
	bad := v.post("/t/acme/admin/clients", f)
	want(t, bad, http.StatusUnprocessableEntity, `id="f-email-error"`, "is not an e-mail address", `id="f-first-name-error"`,
		"First name is required.", `value="Lovelace"`)
	if list, _, _ := s.App.Accounts.ListClients(context.Background(), s.Tenant.ID, account.ClientFilter{}, account.Page{}); len(list) != 0 {
		t.Fatalf("a rejected form created %d clients", len(list))
	}

	ok := v.post("/t/acme/admin/clients", clientForm("ada@example.com"))
	if ok.Status != http.StatusSeeOther || ok.Location() != "/t/acme/admin/clients" {
		t.Fatalf("create: %d %q\n%s", ok.Status, ok.Location(), ok.Body)
	}
	list := v.get("/t/acme/admin/clients")
	want(t, list, http.StatusOK, "Client Ada Lovelace was added.", "ada@example.com")
	edit := link(t, list, "Ada Lovelace")
	if !strings.HasPrefix(edit, "/t/acme/admin/clients/") {
		t.Fatalf("edit link %q", edit)
	}
	want(t, v.get(edit), http.StatusOK, `value="ada@example.com"`, "Save changes")

	f = clientForm("ada@example.com")
	f.Set("address.country", "XX")
	want(t, v.post(edit, f), http.StatusUnprocessableEntity, `id="f-address-country-error"`, "ISO 3166")
	f.Set("address.country", "fr")
	f.Set("phone", "+33 1 23 45 67 89")
	if p := v.post(edit, f); p.Status != http.StatusSeeOther {
		t.Fatalf("update: %d\n%s", p.Status, p.Body)
	}
	cs, _, _ := s.App.Accounts.ListClients(context.Background(), s.Tenant.ID, account.ClientFilter{}, account.Page{})
	if len(cs) != 1 || cs[0].Address.Country != "FR" || cs[0].Phone != "+33 1 23 45 67 89" {
		t.Errorf("after update: %+v", cs)
	}

	// A second client with the same e-mail is refused next to the field.
	want(t, v.post("/t/acme/admin/clients", clientForm("ada@example.com")), http.StatusUnprocessableEntity,
		`id="f-email-error"`, "is used by another client")
}

func TestClientListPagingAndSearch(t *testing.T) {
	s := apptest.New(t)
	for i := range 30 {
		if _, err := s.App.Accounts.CreateClient(actorCtx(), s.Tenant.ID, account.ClientInput{
			Email: fmt.Sprintf("c%02d@example.com", i), FirstName: "Client", LastName: fmt.Sprintf("Number%02d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	v := newVisitor(t, s)
	v.login("/t/acme/admin/login", s.OwnerEmail, s.OwnerPass)
	rows := func(p page) int { return strings.Count(p.Body, `class="row-title"`) }

	first := v.get("/t/acme/admin/clients")
	want(t, first, http.StatusOK, "c29@example.com")
	if n := rows(first); n != 25 {
		t.Fatalf("first page: %d rows", n)
	}
	older := link(t, first, "Older")
	if older == "" || link(t, first, "Newer") != "" {
		t.Fatalf("first page links: older %q newer %q", older, link(t, first, "Newer"))
	}
	second := v.get(older)
	want(t, second, http.StatusOK, "c00@example.com")
	if n := rows(second); n != 5 {
		t.Errorf("second page: %d rows", n)
	}
	if link(t, second, "Older") != "" {
		t.Error("the last page links to an older one")
	}
	if newer := link(t, second, "Newer"); newer != "/t/acme/admin/clients" {
		t.Errorf("newer from the second page: %q", newer)
	}

	// htmx asks for the table only.
	part := v.get("/t/acme/admin/clients?q=number07", "HX-Request", "true", "HX-Target", "clients-table")
	want(t, part, http.StatusOK, "c07@example.com")
	if strings.Contains(part.Body, "<html") || rows(part) != 1 {
		t.Errorf("partial: whole page or wrong rows (%d)", rows(part))
	}
	// History restore gets the whole page.
	full := v.get("/t/acme/admin/clients?q=number07", "HX-Request", "true", "HX-History-Restore-Request", "true")
	want(t, full, http.StatusOK, "<html")
	want(t, v.get("/t/acme/admin/clients?q=nothing-like-this"), http.StatusOK, "No clients match")
	want(t, v.get("/t/acme/admin/clients?cursor=garbage"), http.StatusBadRequest, "cursor")
}

func TestAPIKeysInTheUI(t *testing.T) {
	s := apptest.New(t)
	v := newVisitor(t, s)
	v.login("/t/acme/admin/login", s.OwnerEmail, s.OwnerPass)
	want(t, v.post("/t/acme/admin/api-keys", url.Values{"name": {""}, "scope": {"root"}}), http.StatusUnprocessableEntity,
		`id="f-name-error"`, "Scope must be billing or admin.")

	created := v.post("/t/acme/admin/api-keys", url.Values{"name": {"WHMCS"}, "scope": {"admin"}})
	want(t, created, http.StatusCreated, "will not be shown again")
	if cc := created.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("key page Cache-Control %q", cc)
	}
	key := regexp.MustCompile(`sslr_[a-z0-9]{12}_[a-z0-9]{40}`).FindString(created.Body)
	if key == "" {
		t.Fatal("no key on the page")
	}
	if st := apiStatus(t, s, key); st != http.StatusOK {
		t.Fatalf("new key: %d", st)
	}
	list := v.get("/t/acme/admin/api-keys")
	want(t, list, http.StatusOK, "WHMCS", key[:17])
	if strings.Contains(list.Body, key) {
		t.Error("the list shows the whole key")
	}
	revoke := link(t, list, "Revoke")
	want(t, v.get(revoke), http.StatusOK, "Revoke “WHMCS”?")
	if p := v.post(revoke, url.Values{}); p.Status != http.StatusSeeOther {
		t.Fatalf("revoke: %d", p.Status)
	}
	if st := apiStatus(t, s, key); st != http.StatusUnauthorized {
		t.Errorf("revoked key: %d", st)
	}
	want(t, v.get("/t/acme/admin/api-keys/0190a0a0-0000-7000-8000-000000000000/revoke"), http.StatusNotFound)
}

func apiStatus(t *testing.T, s *apptest.Server, key string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.URL+"/api/v1/clients", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := s.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

func TestRoles(t *testing.T) {
	s := apptest.New(t)
	addUser(t, s, "support@acme.test", account.RoleSupport)
	addUser(t, s, "admin@acme.test", account.RoleAdmin)

	sup := newVisitor(t, s)
	sup.login("/t/acme/admin/login", "support@acme.test", "a good password")
	keys := sup.get("/t/acme/admin/api-keys")
	want(t, keys, http.StatusOK, "only owners and admins can create or revoke them")
	if strings.Contains(keys.Body, "/api-keys/new") || strings.Contains(keys.Body, "/revoke") {
		t.Error("support sees key controls")
	}
	want(t, sup.get("/t/acme/admin/api-keys/new"), http.StatusForbidden, "Only owners and admins")
	want(t, sup.post("/t/acme/admin/api-keys", url.Values{"name": {"x"}, "scope": {"billing"}}), http.StatusForbidden)
	if ks, _ := s.App.Accounts.ListAPIKeys(context.Background(), s.Tenant.ID); len(ks) != 2 {
		t.Errorf("support created a key: %d keys", len(ks))
	}
	staff := sup.get("/t/acme/admin/staff")
	want(t, staff, http.StatusOK, "Only owners can add staff users")
	if strings.Contains(staff.Body, "/staff/new") {
		t.Error("support sees the add-staff button")
	}
	want(t, sup.post("/t/acme/admin/staff", url.Values{"email": {"x@acme.test"}, "role": {"owner"}, "password": {"0123456789ab"}}), http.StatusForbidden)
	// Support still works with clients.
	if p := sup.post("/t/acme/admin/clients", clientForm("s@example.com")); p.Status != http.StatusSeeOther {
		t.Errorf("support adds a client: %d", p.Status)
	}

	adm := newVisitor(t, s)
	adm.login("/t/acme/admin/login", "admin@acme.test", "a good password")
	want(t, adm.post("/t/acme/admin/api-keys", url.Values{"name": {"admin's key"}, "scope": {"billing"}}), http.StatusCreated)
	want(t, adm.get("/t/acme/admin/staff/new"), http.StatusForbidden)

	own := newVisitor(t, s)
	own.login("/t/acme/admin/login", s.OwnerEmail, s.OwnerPass)
	want(t, own.post("/t/acme/admin/staff", url.Values{"email": {"new@acme.test"}, "name": {"New"}, "role": {"admin"}, "password": {"short"}}),
		http.StatusUnprocessableEntity, "Initial password must be at least 10 characters.")
	if p := own.post("/t/acme/admin/staff", url.Values{"email": {"new@acme.test"}, "name": {"New"}, "role": {"admin"}, "password": {"a good password"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("owner adds staff: %d", p.Status)
	}
	// The last owner cannot demote themselves: the reason is shown on the form.
	users, _ := s.App.Accounts.ListUsers(context.Background(), s.Tenant.ID)
	var ownerID string
	for _, u := range users {
		if u.Role == account.RoleOwner {
			ownerID = u.ID.String()
		}
	}
	want(t, own.post("/t/acme/admin/staff/"+ownerID, url.Values{"role": {"admin"}}), http.StatusUnprocessableEntity, "last active owner")
	// Disabling a user ends their access at the next request.
	var supID string
	for _, u := range users {
		if u.Email == "support@acme.test" {
			supID = u.ID.String()
		}
	}
	if p := own.post("/t/acme/admin/staff/"+supID, url.Values{"role": {"support"}, "disabled": {"on"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("disable: %d", p.Status)
	}
	if p := sup.get("/t/acme/admin/clients"); p.Status != http.StatusSeeOther {
		t.Errorf("disabled user: %d", p.Status)
	}
}

func TestOperatorCreatesTenant(t *testing.T) {
	s := apptest.New(t)
	if _, err := s.App.Accounts.CreateOperator(actorCtx(), "ops@platform.test", "operator password"); err != nil {
		t.Fatal(err)
	}
	v := newVisitor(t, s)
	if p := v.get("/operator"); p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location(), "/operator/login") {
		t.Fatalf("operator pages without a session: %d %q", p.Status, p.Location())
	}
	// A tenant's owner is not an operator.
	staff := newVisitor(t, s)
	staff.login("/t/acme/admin/login", s.OwnerEmail, s.OwnerPass)
	if p := staff.get("/operator"); p.Status != http.StatusSeeOther {
		t.Errorf("staff on operator pages: %d", p.Status)
	}

	v.login("/operator/login", "ops@platform.test", "operator password")
	want(t, v.get("/operator"), http.StatusOK, "Acme Certificates", "/t/acme")
	form := url.Values{"name": {"Globex"}, "slug": {"Admin"}, "currency": {"usd"}, "host_names": {"certs.globex.test\nnot a host"},
		"owner_name": {"Hank"}, "owner_email": {"hank"}, "owner_password": {"short"}}
	bad := v.post("/operator/tenants", form)
	want(t, bad, http.StatusUnprocessableEntity, `id="f-slug-error"`, `id="f-host-names-error"`, `id="f-owner-email-error"`,
		`id="f-owner-password-error"`, `value="Globex"`)
	if ts, _ := s.App.Tenants.List(context.Background()); len(ts) != 1 {
		t.Fatalf("a rejected form created a tenant: %d tenants", len(ts))
	}
	form.Set("slug", "globex")
	form.Set("host_names", "certs.globex.test")
	form.Set("owner_email", "hank@globex.test")
	form.Set("owner_password", "globex password")
	if p := v.post("/operator/tenants", form); p.Status != http.StatusSeeOther || p.Location() != "/operator" {
		t.Fatalf("create tenant: %d %q\n%s", p.Status, p.Location(), p.Body)
	}
	want(t, v.get("/operator"), http.StatusOK, "Tenant Globex was created.", "certs.globex.test")
	// Taken slug: named next to the field.
	want(t, v.post("/operator/tenants", form), http.StatusUnprocessableEntity, `id="f-slug-error"`, "already exists")

	owner := newVisitor(t, s)
	owner.login("/t/globex/admin/login", "hank@globex.test", "globex password")
	want(t, owner.get("/t/globex/admin"), http.StatusOK, "Globex")
}

func TestPortalSignIn(t *testing.T) {
	s := apptest.New(t)
	c, err := s.App.Accounts.CreateClient(actorCtx(), s.Tenant.ID, account.ClientInput{Email: "grace@example.com", FirstName: "Grace", LastName: "Hopper"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.App.Accounts.SetClientPassword(actorCtx(), s.Tenant.ID, c.ID, "client password"); err != nil {
		t.Fatal(err)
	}
	v := newVisitor(t, s)
	want(t, v.post("/t/acme/portal/login", url.Values{"email": {"grace@example.com"}, "password": {"wrong"}}), http.StatusUnauthorized)
	v.login("/t/acme/portal/login", "grace@example.com", "client password")
	home := v.get("/t/acme/portal")
	want(t, home, http.StatusOK, "My certificates", "No certificates yet", "Grace Hopper")
	noInline(t, home)
	// A client session opens no admin page.
	if p := v.get("/t/acme/admin"); p.Status != http.StatusSeeOther {
		t.Errorf("client in the admin: %d", p.Status)
	}
}
