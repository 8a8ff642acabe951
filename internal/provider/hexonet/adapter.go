package hexonet

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

// Name is the provider's registry name.
const Name = ProviderName

// The credential keys of a HEXONET provider account.
const (
	// CredentialLogin is the HEXONET user name, sent as s_login.
	CredentialLogin = "login"
	// CredentialPassword is the user's password, sent as s_pw.
	CredentialPassword = "password"
)

// Spec registers the HEXONET provider: the capabilities of design.md section 4 (catalogue and costs from
// StatusUser price relations, approver addresses, CSR decoding, CreateSSLCert, StatusSSLCert, reissue,
// native renewal, revocation, approver change and resend, and finding orders with QuerySSLCertList;
// cancellation is local only because HEXONET has no SSL cancel or refund command).
func Spec() provider.Spec {
	return provider.Spec{
		Name:  Name,
		Title: "HEXONET (CentralNic Reseller ISPAPI)",
		Credentials: []provider.Key{
			{Name: CredentialLogin, Label: "User name", Required: true,
				Help: "Your HEXONET user (s_login). A role user is written account!role. OT&E (test) and live have separate users."},
			{Name: CredentialPassword, Label: "Password", Required: true,
				Help: "The user's password (s_pw). Allow this server's public IP address in the IP filter of the HEXONET control panel."},
		},
		Capabilities: provider.Capabilities{
			CatalogCosts:   true,
			ApproverEmails: true,
			DecodeCSR:      true,
			Reissue:        true,
			Renew:          provider.RenewNative,
			Revoke:         true,
			Cancel:         provider.CancelLocal,
			ChangeDCV:      true,
			ResendDCV:      true,
			Find:           true,
			DCVMethods:     []string{provider.DCVEmail, provider.DCVHTTP, provider.DCVDNS},
			// HEXONET asks for no minimum poll interval: StatusSSLCert reads HEXONET's own records.
			MinPoll: 0,
			// The OT&E system does not order at the certificate authorities.
			TestIssues: false,
		},
		New: func(acct provider.Account, deps provider.Deps) (provider.Provider, error) {
			return New(acct, deps)
		},
		// HEXONET documents no request rate; these limits keep a busy tenant well below its "425 usage
		// exceeded" lock while letting the poller and the lifecycle work without waiting.
		RatePerMinute:  240,
		MaxConcurrency: 4,
	}
}

// Adapter is the provider of one HEXONET account: it maps the service's requests onto the wire client's
// commands. It holds nothing that changes, so one value serves many goroutines.
type Adapter struct {
	client *Client
	login  string
	now    func() time.Time
}

// The capabilities the adapter implements; Spec's Capabilities say the same. There is no Canceller:
// HEXONET has no command that cancels or refunds an SSL order, so cancellation is local.
var (
	_ provider.Provider       = (*Adapter)(nil)
	_ provider.ApproverLister = (*Adapter)(nil)
	_ provider.Reissuer       = (*Adapter)(nil)
	_ provider.Renewer        = (*Adapter)(nil)
	_ provider.Revoker        = (*Adapter)(nil)
	_ provider.DCVChanger     = (*Adapter)(nil)
	_ provider.DCVResender    = (*Adapter)(nil)
	_ provider.Finder         = (*Adapter)(nil)
)

// New builds the adapter of an account: the environment chooses the host and the system entity (OT&E
// "1234" for test, "54cd" for live), the endpoint override replaces scheme, host and port, and the
// credentials are the account's login and password. Missing or bad values are Invalid errors naming the
// field ("environment", "endpoint", "credentials.login", "credentials.password").
func New(acct provider.Account, deps provider.Deps) (*Adapter, error) {
	login := acct.Credentials[CredentialLogin]
	c, err := NewClient(Config{
		Environment: acct.Environment,
		Endpoint:    acct.Endpoint,
		Login:       login,
		Password:    acct.Credentials[CredentialPassword],
		HTTPClient:  deps.HTTP,
		Record:      deps.Record,
		Now:         deps.Now,
	})
	if err != nil {
		var pe *provider.Error
		if errors.As(err, &pe) && (pe.Field == "login" || pe.Field == "password") {
			pe.Field = "credentials." + pe.Field
		}
		return nil, err
	}
	a := &Adapter{client: c, login: strings.TrimSpace(login), now: deps.Now}
	if a.now == nil {
		a.now = time.Now
	}
	return a, nil
}

// Client returns the wire client the adapter speaks through.
func (a *Adapter) Client() *Client { return a.client }

// system names the HEXONET system the account talks to, for messages to staff.
func (a *Adapter) system() string {
	if a.client.Environment() == EnvironmentLive {
		return "the HEXONET live system (entity " + EntityLive + ")"
	}
	return "the HEXONET OT&E test system (entity " + EntityTest + ")"
}

// TestConnection asks HEXONET for the account's balance (StatusAccount, which changes nothing) and
// reports the system, the user and the money available for orders. A refused login is an Auth error that
// says which system the credentials were sent to; "not allowed from this IP address" tells staff to
// register this server's IP address; a network failure is Temporary.
func (a *Adapter) TestConnection(ctx context.Context) (string, error) {
	acct, err := a.client.StatusAccount(ctx)
	if err != nil {
		return "", a.explain(err)
	}
	detail := fmt.Sprintf("Connected to %s as %s. Available for orders: %s (balance %s, credit limit %s).",
		a.system(), a.login, amount(acct.Available), amount(acct.Balance), amount(acct.Credit))
	if acct.Available.Minor <= 0 {
		detail += " Nothing is available: add funds to the HEXONET account before clients order, or their orders wait."
	}
	if a.client.Environment() == EnvironmentTest {
		detail += " OT&E orders are not sent to the certificate authorities: test certificates are not publicly trusted."
	}
	return detail, nil
}

// amount formats a HEXONET amount for staff ("1000.00 USD").
func amount(m money.Amount) string {
	return m.FormatMajor() + " " + m.Currency
}

// Catalog lists the certificate classes the account's price relations (StatusUser) give a cost for,
// each with its brand, validation level, wildcard flag and name limit from the class table, and its
// cost for 12 months (setup + annual fee) and 24 months (the two-year relations, or setup + two annual
// fees when HEXONET gives none). Prices for domains, DNS and other services are ignored. HEXONET prices a
// multi-name class as a whole, so all its names are included and there is no per-name cost.
func (a *Adapter) Catalog(ctx context.Context) ([]provider.CatalogItem, error) {
	u, err := a.client.StatusUser(ctx)
	if err != nil {
		return nil, a.explain(err)
	}
	return catalogFrom(u.Prices), nil
}

// catalogFrom turns the price list into catalogue items, sorted by class.
func catalogFrom(prices []Price) []provider.CatalogItem {
	byClass := map[string][]Price{}
	var classes []string
	for _, p := range prices {
		if _, ok := byClass[p.Class]; !ok {
			classes = append(classes, p.Class)
		}
		byClass[p.Class] = append(byClass[p.Class], p)
	}
	slices.Sort(classes)
	items := make([]provider.CatalogItem, 0, len(classes))
	for _, class := range classes {
		info := classInfo(class)
		it := provider.CatalogItem{
			Code: class, Name: info.Brand + " " + info.Name, Brand: info.Brand, Validation: info.Validation,
			Wildcard: info.Wildcard, IncludedNames: info.MaxNames, MaxNames: info.MaxNames,
		}
		years := map[int]Price{}
		for _, p := range byClass[class] {
			years[p.Period] = p
		}
		if one, ok := years[1]; ok {
			if _, ok := years[2]; !ok {
				years[2] = Price{Class: class, Period: 2, Annual: one.Annual, Setup: one.Setup,
					Cost: money.Amount{Currency: one.Annual.Currency, Minor: one.Setup.Minor + 2*one.Annual.Minor}}
			}
		}
		periods := make([]int, 0, len(years))
		for y := range years {
			periods = append(periods, y)
		}
		slices.Sort(periods)
		for _, y := range periods {
			cost := years[y].Cost
			it.Periods = append(it.Periods, provider.PeriodCost{Months: 12 * y, Cost: &cost})
		}
		items = append(items, it)
	}
	return items
}

// classInfo returns what the class table knows about a class; for a class it does not know (HEXONET
// adds classes over time) it reads what it can from the name: EV or wildcard in a name part, the brand
// from the first part, and otherwise a single-name DV certificate, the most common kind.
func classInfo(class string) ClassInfo {
	if info, ok := LookupClass(class); ok {
		return info
	}
	parts := strings.Split(strings.ToUpper(class), "_")
	info := ClassInfo{Class: class, Validation: provider.DV, MaxNames: 1}
	brands := map[string]string{"COMODO": "Sectigo", "SECTIGO": "Sectigo", "GEOTRUST": "GeoTrust", "THAWTE": "Thawte",
		"SYMANTEC": "DigiCert", "DIGICERT": "DigiCert", "RAPIDSSL": "RapidSSL", "TRUSTWAVE": "Trustwave"}
	info.Brand = brands[parts[0]]
	if info.Brand == "" {
		info.Brand = "HEXONET"
	}
	info.Name = strings.Join(parts[min(1, len(parts)-1):], " ")
	for _, p := range parts[1:] {
		switch {
		case p == "EV" || (len(p) > 2 && strings.HasSuffix(p, "EV")):
			info.Validation = provider.EV
		case p == "WILDCARD":
			info.Wildcard = true
		case p == "SAN" || p == "UCC" || p == "MDC":
			info.MaxNames = 5
		}
	}
	return info
}

// explain finishes an error of the wire client for the service: our field names instead of HEXONET's
// attributes, and for a refused login the system the credentials were sent to.
func (a *Adapter) explain(err error) error {
	var pe *provider.Error
	if !errors.As(err, &pe) {
		return err
	}
	switch pe.Field {
	case "product":
		pe.Field = "item"
	case "names":
		pe.Field = "domains"
	case "period":
		pe.Field = "period_months"
	case "reference":
		pe.Field = "ref"
	}
	if pe.Class == provider.Auth && pe.Code == "530" {
		if a.client.Environment() == EnvironmentLive {
			pe.Message += " The credentials were sent to " + a.system() + ": OT&E test users cannot log in there; " +
				"use the live user, or switch this account to the test environment."
		} else {
			pe.Message += " The credentials were sent to " + a.system() + ": live users cannot log in there; " +
				"use the OT&E user, or switch this account to the live environment."
		}
	}
	return err
}

// invalidErr is an Invalid error about one of our fields, found before anything is sent.
func invalidErr(command, field, format string, args ...any) *provider.Error {
	return &provider.Error{Class: provider.Invalid, Command: command, Field: field, Message: fmt.Sprintf(format, args...)}
}
