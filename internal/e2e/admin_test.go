package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/sslreseller/sslreseller/internal/account"
	"github.com/sslreseller/sslreseller/internal/app/apptest"
	"github.com/sslreseller/sslreseller/internal/audit"
)

// TestOwnerAddsClientAndUsesAPIKey is the newcomer's first visit: sign in as the owner, add a client
// (after a typo in the e-mail), create an API key in the UI and call the API with it.
func TestOwnerAddsClientAndUsesAPIKey(t *testing.T) {
	s := apptest.New(t)
	b := newBrowser(t, s.URL, "admin")

	b.visit("/", ".landing", "landing")

	// A wrong password gets the generic answer next to the form.
	b.visit("/t/acme/admin/login", "form", "staff-login")
	b.do("sign in with a wrong password",
		fill("#f-email", s.OwnerEmail), fill("#f-password", "not the password"),
		chromedp.Click(chromedp.CSS("button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".alert-error")))
	b.shot("staff-login-wrong-password")
	if got := b.text(".alert-error"); !strings.Contains(got, "do not match") {
		t.Errorf("wrong password: alert %q", got)
	}

	b.do("sign in",
		fill("#f-email", s.OwnerEmail), fill("#f-password", s.OwnerPass),
		chromedp.Click(chromedp.CSS("button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".stats")))
	b.shot("dashboard")
	if got := b.text(".topbar"); !strings.Contains(got, "Acme Certificates") || !strings.Contains(got, "Olive Owner") {
		t.Errorf("top bar %q: want the tenant's name and the user", got)
	}

	b.visit("/t/acme/admin/clients", ".empty", "clients-empty")
	b.do("open the client form", chromedp.Click(chromedp.CSS(".page-actions a")), chromedp.WaitVisible(chromedp.CSS("#f-first-name")))
	b.shot("client-new")

	// A bad e-mail is named next to its field and nothing is created.
	b.do("submit a bad e-mail",
		fill("#f-first-name", "Ada"), fill("#f-last-name", "Lovelace"), fill("#f-email", "ada-at-example"),
		fill("#f-organization", "Analytical Engines Ltd"), fill("#f-address-country", "gb"),
		chromedp.Click(chromedp.CSS(".form-actions button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#f-email-error")))
	b.shot("client-new-bad-email")
	if got := b.text("#f-email-error"); !strings.Contains(got, "not an e-mail address") {
		t.Errorf("e-mail error %q", got)
	}
	if v := run(b, "read first name", chromedp.Value(chromedp.CSS("#f-first-name"))); v != "Ada" {
		t.Errorf("the form lost the first name: %q", v)
	}
	if list, _, err := s.App.Accounts.ListClients(context.Background(), s.Tenant.ID, account.ClientFilter{}, account.Page{}); err != nil || len(list) != 0 {
		t.Fatalf("after a rejected form: %d clients, %v", len(list), err)
	}

	b.do("fix the e-mail",
		fill("#f-email", "ada@example.com"),
		chromedp.Click(chromedp.CSS(".form-actions button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	b.shot("clients-after-create")
	if got := b.text("#clients-table"); !strings.Contains(got, "ada@example.com") || !strings.Contains(got, "Ada Lovelace") {
		t.Fatalf("the new client is not listed: %q", got)
	}

	// Live search narrows the table without a page load.
	b.do("search for nobody",
		chromedp.SendKeys(chromedp.CSS("input[name=q]"), "nobody-matches"),
		chromedp.WaitVisible(chromedp.CSS("#clients-table .empty")))
	b.shot("clients-search-empty")
	if p := b.path(); !strings.Contains(p, "q=nobody-matches") {
		t.Errorf("search did not update the address: %s", p)
	}
	b.do("search for Ada",
		fill("input[name=q]", "lovelace"),
		chromedp.WaitVisible(chromedp.CSS("#clients-table table")))

	b.do("open the client", chromedp.Click(chromedp.CSS("#clients-table .row-title")), chromedp.WaitVisible(chromedp.CSS("#f-email")))
	b.shot("client-edit")
	b.do("change the phone",
		fill("#f-phone", "+44 20 7946 0000"),
		chromedp.Click(chromedp.CSS(".form-actions button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".flash")))

	// API key: created in the UI, shown once, accepted by the API.
	b.visit("/t/acme/admin/api-keys", "table", "api-keys")
	b.do("open the key form", chromedp.Click(chromedp.CSS(".page-actions a")), chromedp.WaitVisible(chromedp.CSS("#f-name")))
	b.shot("api-key-new")
	b.do("create a key",
		fill("#f-name", "WHMCS production"),
		chromedp.Click(chromedp.CSS(".form-actions button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#api-key-secret")))
	b.shot("api-key-created")
	key := b.text("#api-key-secret")
	if !strings.HasPrefix(key, "sslr_") {
		t.Fatalf("displayed key %q", key)
	}
	clients := getClients(t, s, key)
	if len(clients) != 1 || clients[0].Email != "ada@example.com" || clients[0].Phone != "+44 20 7946 0000" {
		t.Fatalf("GET /api/v1/clients with the new key: %+v", clients)
	}

	b.visit("/t/acme/admin/api-keys", "table", "api-keys-with-new")
	b.do("open revoke", chromedp.Click(chromedp.CSS("tbody tr:first-child .btn-danger-text")), chromedp.WaitVisible(chromedp.CSS(".confirm")))
	b.shot("api-key-revoke")
	b.do("revoke", chromedp.Click(chromedp.CSS(".confirm .btn-danger")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	b.shot("api-keys-after-revoke")
	if status := apiStatus(t, s, key); status != http.StatusUnauthorized {
		t.Errorf("revoked key: status %d, want 401", status)
	}

	// Staff: the owner adds a support user.
	b.visit("/t/acme/admin/staff", "table", "staff")
	b.do("open the staff form", chromedp.Click(chromedp.CSS(".page-actions a")), chromedp.WaitVisible(chromedp.CSS("#f-email")))
	b.shot("staff-new")
	b.do("add a support user",
		fill("#f-name", "Sam Support"), fill("#f-email", "sam@acme.test"), fill("#f-password", "short"),
		chromedp.Click(chromedp.CSS(".form-actions button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#f-password-error")))
	b.shot("staff-new-short-password")
	b.do("add a support user with a good password",
		fill("#f-password", "a long enough password"),
		chromedp.Click(chromedp.CSS(".form-actions button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	b.shot("staff-after-create")
	if got := b.text("table"); !strings.Contains(got, "sam@acme.test") {
		t.Errorf("the new staff user is not listed: %q", got)
	}
	b.do("open Sam", chromedp.Click(chromedp.CSS("tbody tr:last-child .cell-actions a")), chromedp.WaitVisible(chromedp.CSS("#f-role")))
	b.shot("staff-edit")
	b.do("make Sam an admin",
		chromedp.SetValue(chromedp.CSS("#f-role"), "admin"),
		chromedp.Click(chromedp.CSS(".form-actions button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	if got := b.text("tbody tr:last-child"); !strings.Contains(strings.ToLower(got), "admin") {
		t.Errorf("Sam's row after the change: %q", got)
	}

	// Error pages.
	b.visit("/t/acme/admin/no-such-page", ".error-card", "not-found")
	b.visit("/t/nobody/admin/login", ".error-card", "unknown-tenant")

	b.visit("/t/acme/admin", ".stats", "dashboard-after")
	b.do("sign out", chromedp.Click(chromedp.CSS(".topbar form button")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	b.shot("signed-out")
	if p := b.path(); p != "/t/acme/admin/login" {
		t.Errorf("after sign-out: %s", p)
	}
}

// TestSupportSeesReadOnlyPages shows what a support user sees: lists without the controls, and a
// 403 page for what their role may not do.
func TestSupportSeesReadOnlyPages(t *testing.T) {
	s := apptest.New(t)
	ctx := audit.WithActor(context.Background(), audit.Actor{Type: audit.ActorCLI, Label: "test"})
	if _, err := s.App.Accounts.CreateUser(ctx, s.Tenant.ID, account.UserInput{Email: "sam@acme.test", Name: "Sam Support",
		Role: account.RoleSupport, Password: "support password"}); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, s.URL, "support")
	b.visit("/t/acme/admin/api-keys", "form", "support-login")
	b.do("sign in",
		fill("#f-email", "sam@acme.test"), fill("#f-password", "support password"),
		chromedp.Click(chromedp.CSS("button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("table")))
	b.shot("support-api-keys")
	if p := b.path(); p != "/t/acme/admin/api-keys" {
		t.Errorf("sign-in did not return to the page asked for: %s", p)
	}
	if n := len(run(b, "find create buttons", chromedp.Nodes(chromedp.CSSAll(".page-actions a"), chromedp.AtLeast(0)))); n != 0 {
		t.Errorf("support sees %d create buttons", n)
	}
	b.visit("/t/acme/admin/api-keys/new", ".error-card", "support-forbidden")
	if got := b.text(".error-code"); got != "403" {
		t.Errorf("support on the key form: %s, want 403", got)
	}
	b.visit("/t/acme/admin/staff", "table", "support-staff")
}

type apiClient struct {
	ID    string `json:"id"`
	Email string `json:"email"`
	Phone string `json:"phone"`
}

func getClients(t *testing.T, s *apptest.Server, key string) []apiClient {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.URL+"/api/v1/clients", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := s.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/v1/clients: %s", res.Status)
	}
	var body struct {
		Data []apiClient `json:"data"`
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	return body.Data
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
