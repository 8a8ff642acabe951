package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/sslreseller/sslreseller/internal/app/apptest"
	"github.com/sslreseller/sslreseller/internal/audit"
)

// TestOperatorCreatesTenant: an operator creates a tenant with its owner, and the owner can sign in
// to the new tenant at once.
func TestOperatorCreatesTenant(t *testing.T) {
	s := apptest.New(t)
	ctx := audit.WithActor(context.Background(), audit.Actor{Type: audit.ActorCLI, Label: "test"})
	if _, err := s.App.Accounts.CreateOperator(ctx, "ops@platform.test", "operator password"); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, s.URL, "operator")
	b.visit("/operator", "form", "operator-login")
	b.do("sign in",
		fill("#f-email", "ops@platform.test"), fill("#f-password", "operator password"),
		chromedp.Click(chromedp.CSS("button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("table")))
	b.shot("tenants")

	b.do("open the tenant form", chromedp.Click(chromedp.CSS(".page-actions a")), chromedp.WaitVisible(chromedp.CSS("#f-slug")))
	b.shot("tenant-new")
	b.do("submit a bad slug",
		fill("#f-name", "Globex Certificates"), fill("#f-slug", "Globex!"),
		fill("#f-host-names", "certs.globex.test"),
		fill("#f-owner-name", "Hank Scorpio"), fill("#f-owner-email", "hank@globex.test"), fill("#f-owner-password", "globex owner password"),
		chromedp.Click(chromedp.CSS(".form-actions button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#f-slug-error")))
	b.shot("tenant-new-bad-slug")
	b.do("fix the slug",
		fill("#f-slug", "globex"), fill("#f-owner-password", "globex owner password"),
		chromedp.Click(chromedp.CSS(".form-actions button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	b.shot("tenants-after-create")
	if got := b.text("table"); !strings.Contains(got, "Globex Certificates") || !strings.Contains(got, "certs.globex.test") {
		t.Fatalf("the new tenant is not listed: %q", got)
	}

	// The new owner signs in to the new tenant.
	b.visit("/t/globex/admin/login", "form", "new-tenant-login")
	b.do("sign in as the new owner",
		fill("#f-email", "hank@globex.test"), fill("#f-password", "globex owner password"),
		chromedp.Click(chromedp.CSS("button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".stats")))
	b.shot("new-tenant-dashboard")
	if got := b.text(".brand-name"); got != "Globex Certificates" {
		t.Errorf("new tenant's dashboard shows %q", got)
	}

	// Signed in to globex, acme's admin asks for acme's sign-in.
	b.do("open another tenant", chromedp.Navigate(s.URL+"/t/acme/admin/clients"), chromedp.WaitVisible(chromedp.CSS("form")))
	if p := b.path(); !strings.HasPrefix(p, "/t/acme/admin/login") {
		t.Errorf("globex's owner reached %s", p)
	}
}
