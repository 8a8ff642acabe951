package enom

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sslreseller/sslreseller/internal/money"
	"github.com/sslreseller/sslreseller/internal/provider"
)

// The credential keys of an Enom provider account.
const (
	// CredentialUID is the reseller login ID, sent as uid.
	CredentialUID = "uid"
	// CredentialPW is the API token (older accounts: the password), sent as pw.
	CredentialPW = "pw"
)

// Spec registers the Enom provider with the capabilities of design.md section 4: catalogue and costs
// from GetCerts, approver addresses (CertGetApproverEmail), CSR decoding (CertParseCSR), purchase with
// PurchaseServices then CertConfigureCert and CertPurchaseCert, status and collection with
// CertGetCertDetail, reissue (CertReissueCert, for the brands Enom reissues), change and resend of the
// approver (CertChangeApproverEmail, CertResendApproverEmail; a change of method goes through
// CertModifyOrder), and finding orders with CertGetCerts. Enom has no renew command (a renewal is a new
// order), no revoke command and no cancel or refund command (cancellation is local; refunds go through
// Enom's support).
func Spec() provider.Spec {
	return provider.Spec{
		Name:  ProviderName,
		Title: "Enom (Tucows reseller API)",
		Credentials: []provider.Key{
			{Name: CredentialUID, Label: "Login ID", Required: true,
				Help: "Your Enom reseller login ID (uid). The test server (resellertest.enom.com) and the live server have separate accounts."},
			{Name: CredentialPW, Label: "API token", Required: true,
				Help: "The API token of the login (pw). Register this server's public IP address for API access in the Enom control panel."},
		},
		Capabilities: provider.Capabilities{
			CatalogCosts:   true,
			ApproverEmails: true,
			DecodeCSR:      true,
			Reissue:        true,
			Renew:          provider.RenewNewOrder,
			Revoke:         false,
			Cancel:         provider.CancelLocal,
			ChangeDCV:      true,
			ResendDCV:      true,
			Find:           true,
			DCVMethods:     []string{provider.DCVEmail, provider.DCVHTTP, provider.DCVDNS},
			// Enom's test server accepts orders but never issues a certificate.
			TestIssues: false,
		},
		New: func(acct provider.Account, deps provider.Deps) (provider.Provider, error) {
			return New(acct, deps)
		},
		RatePerMinute:  120,
		MaxConcurrency: 4,
	}
}

// Adapter is the provider of one Enom account. It holds nothing that changes, so one value serves many
// goroutines.
type Adapter struct {
	client *Client
	uid    string
	now    func() time.Time
}

// The capabilities the adapter implements. There is no Renewer (a renewal is a new order), no Revoker
// (Enom has no revoke command) and no Canceller (Enom cancels and refunds only through its support).
var (
	_ provider.Provider       = (*Adapter)(nil)
	_ provider.ApproverLister = (*Adapter)(nil)
	_ provider.Reissuer       = (*Adapter)(nil)
	_ provider.DCVChanger     = (*Adapter)(nil)
	_ provider.DCVResender    = (*Adapter)(nil)
	_ provider.Finder         = (*Adapter)(nil)
)

// New builds the adapter of an account: the environment chooses the host (resellertest.enom.com or
// reseller.enom.com), the endpoint override replaces scheme, host and port (the path stays
// /interface.asp), and the credentials are uid and pw. Missing or bad values are Invalid errors naming
// the field ("environment", "endpoint", "credentials.uid", "credentials.pw").
func New(acct provider.Account, deps provider.Deps) (*Adapter, error) {
	c, err := NewClient(Config{
		Environment: acct.Environment,
		Endpoint:    acct.Endpoint,
		Credentials: Credentials{UID: acct.Credentials[CredentialUID], PW: acct.Credentials[CredentialPW]},
		HTTPClient:  deps.HTTP,
		Record:      deps.Record,
		Now:         deps.Now,
	})
	if err != nil {
		var pe *provider.Error
		if errors.As(err, &pe) && (pe.Field == "uid" || pe.Field == "pw") {
			pe.Field = "credentials." + pe.Field
		}
		return nil, err
	}
	a := &Adapter{client: c, uid: strings.TrimSpace(acct.Credentials[CredentialUID]), now: deps.Now}
	if a.now == nil {
		a.now = time.Now
	}
	return a, nil
}

// Client returns the wire client the adapter speaks through.
func (a *Adapter) Client() *Client { return a.client }

// test reports an environment that issues no real certificates: Enom's test server.
func (a *Adapter) test() bool { return !a.client.IssuesRealCertificates() }

// server names the Enom server the account talks to, for messages to staff.
func (a *Adapter) server() string {
	if a.client.Environment() == EnvLive {
		return "the Enom live server (reseller.enom.com)"
	}
	return "the Enom test server (resellertest.enom.com)"
}

// TestConnection asks Enom for the account balance (GetBalance, which changes nothing) and reports the
// server, the login and the money available. A refused login or IP address is an Auth error whose
// message says what staff must fix; a network failure is Temporary.
func (a *Adapter) TestConnection(ctx context.Context) (string, error) {
	b, err := a.client.GetBalance(ctx)
	if err != nil {
		return "", a.explain(err)
	}
	cur := b.Currency
	if cur == "" {
		cur = "USD"
	}
	detail := fmt.Sprintf("Connected to %s as %s. Available for orders: %s %s (balance %s %s).", a.server(), a.uid,
		money.Amount{Minor: b.Available, Currency: cur}.FormatMajor(), cur, money.Amount{Minor: b.Balance, Currency: cur}.FormatMajor(), cur)
	if b.Available <= 0 {
		detail += " Nothing is available: add funds to the Enom account before clients order, or their orders wait."
	}
	if a.test() {
		detail += " The test server accepts orders but issues no real certificates."
	}
	return detail, nil
}

// Catalog lists the certificates the account sells (GetCerts): the enabled products with a reseller
// price, each with its brand, validation level, wildcard flag and names from the product table, and a
// cost for every term on sale (the yearly reseller price times the years). Extra-domain add-ons of UCC
// certificates are not certificates and are left out.
func (a *Adapter) Catalog(ctx context.Context) ([]provider.CatalogItem, error) {
	cat, err := a.client.GetCerts(ctx)
	if err != nil {
		return nil, a.explain(err)
	}
	return catalogFrom(cat.Products), nil
}

// catalogFrom turns GetCerts products into catalogue items, in Enom's order.
func catalogFrom(products []Product) []provider.CatalogItem {
	items := []provider.CatalogItem{}
	for _, p := range products {
		t, _ := Traits(p.Type, p.Code)
		if t.AddOn || !p.Enabled || !p.HasResellerPrice {
			continue
		}
		name := strings.TrimSpace(strings.TrimPrefix(p.Description, "SSL Certificate - "))
		if name == "" {
			name = p.Code
		}
		it := provider.CatalogItem{Code: strings.ToLower(p.Code), Name: name, Brand: t.Brand, Validation: t.Validation,
			Wildcard: t.Wildcard, IncludedNames: 1, MaxNames: 1}
		if t.MultiDomain {
			it.IncludedNames, it.MaxNames = t.IncludedNames, t.MaxNames
		}
		years := slices.Clone(p.Years)
		if len(years) == 0 {
			years = []int{1}
		}
		slices.Sort(years)
		for _, y := range slices.Compact(years) {
			if t.MaxYears > 0 && y > t.MaxYears {
				continue
			}
			cost, ok := p.Cost(y)
			if !ok {
				continue
			}
			amt := money.Amount{Minor: cost, Currency: "USD"}
			it.Periods = append(it.Periods, provider.PeriodCost{Months: 12 * y, Cost: &amt})
		}
		if len(it.Periods) > 0 {
			items = append(items, it)
		}
	}
	return items
}

// explain finishes an error of the wire client for the service: our field names instead of Enom's, and
// for a refused login the server the credentials were sent to.
func (a *Adapter) explain(err error) error {
	var pe *provider.Error
	if !errors.As(err, &pe) {
		return err
	}
	switch pe.Field {
	case "product":
		pe.Field = "item"
	case "period":
		pe.Field = "period_months"
	case "cert_id":
		pe.Field = "ref"
	}
	if pe.Class == provider.Auth && strings.Contains(pe.Message, "refused the login") {
		pe.Message += ". The credentials were sent to " + a.server() + "."
	}
	return err
}

// invalidErr is an Invalid error about one of our fields, found before anything is sent.
func invalidErr(command, field, format string, args ...any) *provider.Error {
	return &provider.Error{Class: provider.Invalid, Command: command, Field: field, Message: fmt.Sprintf(format, args...)}
}
