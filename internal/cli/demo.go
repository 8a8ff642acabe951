package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/sslreseller/sslreseller/internal/account"
	"github.com/sslreseller/sslreseller/internal/app"
	"github.com/sslreseller/sslreseller/internal/catalog"
	"github.com/sslreseller/sslreseller/internal/money"
	"github.com/sslreseller/sslreseller/internal/platform/errs"
	"github.com/sslreseller/sslreseller/internal/provider"
	"github.com/sslreseller/sslreseller/internal/tenant"
)

// demo seeds the demo tenant on the first run and prints how to log in; later runs print the URL and
// how to reset the password.
func (e *env) demo(args []string) error {
	fs := e.flags("demo")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	ctx := cliContext()
	a, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	const slug, email = "demo", "owner@demo.test"
	base := a.Config.HTTP.BaseURL
	t, err := a.Tenants.BySlug(ctx, slug)
	if err == nil {
		fmt.Fprintf(e.stdout, `
  sslreseller is running at %[1]s
    staff admin:   %[1]s/t/%[2]s/admin   (login %[3]s)
    client portal: %[1]s/t/%[2]s/portal
    API:           %[1]s/api/v1   (contract: %[1]s/api/v1/openapi.yaml)

  Forgot the demo password? Set a new one with:
    echo 'a-new-password' | bin/sslreseller user reset-password --tenant %[2]s --email %[3]s
  (with the same SSLR_* environment as make run: source .data/dev.env first)

`, base, t.Slug, email)
		return nil
	}
	if !errors.Is(err, tenant.ErrNotFound) && !errs.Is(err, errs.NotFound) {
		return err
	}
	t, err = a.Tenants.Create(ctx, tenant.CreateInput{Slug: slug, Name: "Demo Reseller", Currency: "USD"})
	if err != nil {
		return err
	}
	pw := account.RandomPassword()
	if _, err := a.Accounts.CreateUser(ctx, t.ID, account.UserInput{Email: email, Name: "Demo Owner", Role: account.RoleOwner, Password: pw}); err != nil {
		return err
	}
	_, key, err := a.Accounts.CreateAPIKey(ctx, t.ID, "demo billing", account.ScopeBilling)
	if err != nil {
		return err
	}
	if err := seedCatalog(ctx, a, t.ID); err != nil {
		return fmt.Errorf("demo catalogue: %w", err)
	}
	fmt.Fprintf(e.stdout, `
  sslreseller is running at %[1]s with a demo tenant.

    staff admin:   %[1]s/t/%[2]s/admin
      e-mail:      %[3]s
      password:    %[4]s
    billing API key (shown once, keep it):
      %[5]s

  Try the API:
    curl -H 'Authorization: Bearer %[5]s' %[1]s/api/v1/clients

`, base, t.Slug, email, pw, key)
	return nil
}

// seedCatalog connects the built-in sandbox CA and imports its catalogue at a 30% margin, so the demo
// can sell certificates at once.
func seedCatalog(ctx context.Context, a *app.App, tenantID uuid.UUID) error {
	acct, err := a.Providers.Create(ctx, tenantID, provider.AccountInput{Provider: "sandbox", Name: "Sandbox CA",
		Environment: provider.EnvTest, Settings: map[string]string{"approve_after": "20s"}})
	if err != nil {
		return err
	}
	if _, err := a.Catalog.Sync(ctx, tenantID, acct.ID); err != nil {
		return err
	}
	items, err := a.Catalog.Items(ctx, tenantID, acct.ID)
	if err != nil {
		return err
	}
	codes := make([]string, 0, len(items))
	for _, it := range items {
		codes = append(codes, it.Code)
	}
	_, err = a.Catalog.Import(ctx, tenantID, catalog.ImportInput{ProviderAccountID: acct.ID, Items: codes, Group: "SSL Certificates",
		Pricing: catalog.Pricing{MarginBps: 3000, Rounding: money.RoundX99, Currencies: []string{"USD"}}})
	return err
}
