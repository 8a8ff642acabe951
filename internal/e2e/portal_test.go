package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/sslreseller/sslreseller/internal/account"
	"github.com/sslreseller/sslreseller/internal/app/apptest"
	"github.com/sslreseller/sslreseller/internal/audit"
)

// TestPortal: the client portal's sign-in renders, and a client with a password reaches "My
// certificates".
func TestPortal(t *testing.T) {
	s := apptest.New(t)
	ctx := audit.WithActor(context.Background(), audit.Actor{Type: audit.ActorCLI, Label: "test"})
	c, err := s.App.Accounts.CreateClient(ctx, s.Tenant.ID, account.ClientInput{Email: "grace@example.com", FirstName: "Grace", LastName: "Hopper"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.App.Accounts.SetClientPassword(ctx, s.Tenant.ID, c.ID, "client password"); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, s.URL, "portal")
	b.visit("/t/acme/portal/login", "form", "portal-login")
	if got := b.text("h1"); !strings.Contains(got, "Acme Certificates") {
		t.Errorf("portal sign-in heading %q", got)
	}
	b.do("sign in",
		fill("#f-email", "grace@example.com"), fill("#f-password", "client password"),
		chromedp.Click(chromedp.CSS("button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".empty")))
	b.shot("portal-home")
	if got := b.text("main"); !strings.Contains(got, "No certificates yet") {
		t.Errorf("portal home: %q", got)
	}
}
