package sectigo

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sslreseller/sslreseller/internal/provider"
)

// Credential keys of a Sectigo provider account.
const (
	CredLoginName     = "login_name"
	CredLoginPassword = "login_password"
)

// Limits new Sectigo accounts start with: Sectigo answers -42 "call limit reached" to busy clients, and
// forbids concurrent CollectSSL calls, so one call at a time per account.
const (
	ratePerMinute  = 60
	maxConcurrency = 1
)

// Capabilities are what the Sectigo adapter can do (design.md section 4): the known products with costs
// entered by staff, approver lists, upstream CSR decoding, AutoApplySSL, CollectSSL at most every three
// hours in live mode, AutoReplaceSSL, renewal by a new order, AutoRevokeSSL, AutoRefund, AutoUpdateDCV,
// ResendDCVEmail and the order report to find orders again. Test orders (test=Y) are never issued.
func Capabilities() provider.Capabilities {
	return provider.Capabilities{
		CatalogCosts:   false,
		ApproverEmails: true,
		DecodeCSR:      true,
		Reissue:        true,
		Renew:          provider.RenewNewOrder,
		Revoke:         true,
		Cancel:         provider.CancelRefund,
		ChangeDCV:      true,
		ResendDCV:      true,
		Find:           true,
		DCVMethods:     []string{provider.DCVEmail, provider.DCVHTTP, provider.DCVDNS},
		MinPoll:        LiveCollectInterval,
		TestIssues:     false,
	}
}

// Spec registers the Sectigo provider. The adapters it builds share, per account (login and endpoint),
// one CollectLimiter, so no two CollectSSL calls of an account run at once in this process and, in live
// mode, an order is polled at most every three hours; the account's MaxConcurrency of 1 holds the same
// across processes.
func Spec() provider.Spec {
	guards := &collectGuards{m: map[string]*CollectLimiter{}}
	return provider.Spec{
		Name:  ProviderName,
		Title: "Sectigo (Comodo)",
		Credentials: []provider.Key{
			{Name: CredLoginName, Label: "Login name", Required: true,
				Help: "The login name of the Sectigo reseller API (case-sensitive). Test and live orders use the same login; the environment decides whether orders are sent with test=Y."},
			{Name: CredLoginPassword, Label: "Login password", Required: true,
				Help: "The password of the reseller API login. Register this server's public IP address in the API allow-list of the Sectigo reseller account."},
		},
		Capabilities: Capabilities(),
		New: func(acct provider.Account, deps provider.Deps) (provider.Provider, error) {
			return newAdapter(acct, deps, guards)
		},
		RatePerMinute:  ratePerMinute,
		MaxConcurrency: maxConcurrency,
	}
}

// collectGuards hands out one CollectLimiter per account of a registry.
type collectGuards struct {
	mu sync.Mutex
	m  map[string]*CollectLimiter
}

func (g *collectGuards) get(key string, interval time.Duration, now func() time.Time) *CollectLimiter {
	g.mu.Lock()
	defer g.mu.Unlock()
	l, ok := g.m[key]
	if !ok {
		l = NewCollectLimiter(interval, now)
		g.m[key] = l
	}
	return l
}

// Adapter is the provider.Provider of one Sectigo account, over Client. It keeps nothing that changes
// besides the shared CollectLimiter, so one value serves many goroutines.
type Adapter struct {
	client *Client
	login  string
	now    func() time.Time
}

// The capabilities the adapter implements; Capabilities says the same. Renewal is by a new order
// (Submit), so there is no Renewer.
var (
	_ provider.Provider       = (*Adapter)(nil)
	_ provider.ApproverLister = (*Adapter)(nil)
	_ provider.Reissuer       = (*Adapter)(nil)
	_ provider.Revoker        = (*Adapter)(nil)
	_ provider.Canceller      = (*Adapter)(nil)
	_ provider.DCVChanger     = (*Adapter)(nil)
	_ provider.DCVResender    = (*Adapter)(nil)
	_ provider.Finder         = (*Adapter)(nil)
)

// New builds the adapter of an account: the environment picks test=Y or live orders, the endpoint
// override replaces scheme, host and port of Sectigo's URLs, the credentials are login_name and
// login_password; deps give the HTTP client (with the account's limits), the call log and the clock.
// The adapter gets a CollectLimiter of its own; adapters built through Spec share one per account.
// Problems are Invalid errors naming the field ("environment", "endpoint", "credentials.login_name",
// "credentials.login_password").
func New(acct provider.Account, deps provider.Deps) (*Adapter, error) {
	return newAdapter(acct, deps, &collectGuards{m: map[string]*CollectLimiter{}})
}

func newAdapter(acct provider.Account, deps provider.Deps, guards *collectGuards) (*Adapter, error) {
	now := deps.Now
	if now == nil {
		now = time.Now
	}
	interval := time.Duration(0)
	if acct.Environment == EnvironmentLive {
		interval = LiveCollectInterval
	}
	login := acct.Credentials[CredLoginName]
	key := acct.Environment + "\x00" + strings.TrimSpace(acct.Endpoint) + "\x00" + login
	c, err := NewClient(Config{
		Environment:    acct.Environment,
		Endpoint:       acct.Endpoint,
		LoginName:      login,
		LoginPassword:  acct.Credentials[CredLoginPassword],
		HTTPClient:     deps.HTTP,
		Record:         deps.Record,
		CollectLimiter: guards.get(key, interval, now),
		Now:            now,
	})
	if err != nil {
		return nil, fixErr(err)
	}
	return &Adapter{client: c, login: login, now: now}, nil
}

// TestConnection asks Sectigo for an order report of an empty date range: harmless, but it needs the
// login, the password and this server's IP address to be accepted. A refusal is an Auth error whose
// message says what to check (credentials, API access, the IP allow-list, test versus live).
func (a *Adapter) TestConnection(ctx context.Context) (string, error) {
	if err := a.client.TestConnection(ctx); err != nil {
		return "", fixErr(err)
	}
	mode := "Live mode: orders are billed to the reseller account, and Sectigo allows a status check of an order " +
		"at most every 3 hours, so the service polls no faster (Sectigo may take that long to show an issued certificate here)."
	if a.client.Test() {
		mode = "Test mode: orders are sent with test=Y, which Sectigo neither bills nor issues; such orders stay " +
			"pending and are marked as test orders."
	}
	return fmt.Sprintf("Connected to Sectigo at %s as %q. %s Sectigo publishes no prices through its API: "+
		"enter the cost of each product in the catalogue.", a.client.URL(cmdReport), a.login, mode), nil
}

// Catalog lists Sectigo's known products (Catalogue) with no costs: Sectigo publishes none through its
// API, so staff enter them. Single-name products take one name (Sectigo adds the www. or bare-domain
// companion free); multi-domain products include three names.
func (a *Adapter) Catalog(ctx context.Context) ([]provider.CatalogItem, error) {
	if err := ctx.Err(); err != nil {
		return nil, &provider.Error{Class: provider.Temporary, Message: "the request was cancelled", Err: err}
	}
	products := Catalogue()
	items := make([]provider.CatalogItem, 0, len(products))
	for _, p := range products {
		items = append(items, catalogItem(p))
	}
	return items, nil
}

func catalogItem(p Product) provider.CatalogItem {
	it := provider.CatalogItem{Code: strconv.Itoa(p.Code), Name: p.Name, Brand: brandOf(p.Name), Validation: p.Validation,
		Wildcard: p.Wildcard, IncludedNames: 1, MaxNames: 1}
	for _, m := range p.Months {
		it.Periods = append(it.Periods, provider.PeriodCost{Months: m})
	}
	if p.MultiDomain {
		it.IncludedNames, it.MaxNames = p.IncludedNames, p.MaxNames
		for _, m := range p.Months {
			it.PerNameCost = append(it.PerNameCost, provider.PeriodCost{Months: m})
		}
	}
	return it
}

// brandOf names the brand a product is sold under.
func brandOf(name string) string {
	for _, b := range []string{"PositiveSSL", "InstantSSL"} {
		if strings.HasPrefix(name, b) {
			return b
		}
	}
	return "Sectigo"
}

// productOf reads an item code; unknown but well-formed codes are sent as they are (Sectigo knows more
// products than the catalogue lists).
func productOf(item string) (int, Product, error) {
	code, err := strconv.Atoi(strings.TrimSpace(item))
	if err != nil || code <= 0 {
		return 0, Product{}, &provider.Error{Command: cmdApply, Class: provider.Invalid, Field: "item",
			Message: fmt.Sprintf("%q is not a Sectigo product code (a number such as 287 for PositiveSSL DV)", item)}
	}
	p, ok := ProductByCode(code)
	if !ok {
		p = Product{Code: code}
	}
	return code, p, nil
}

// ApproverEmails lists the addresses Sectigo accepts for e-mail validation of domain
// (GetDCVEmailAddressList): the constructed admin@, administrator@, hostmaster@, postmaster@ and
// webmaster@ addresses at the name and its parent; WHOIS addresses are left out.
func (a *Adapter) ApproverEmails(ctx context.Context, _ string, domain string) ([]string, error) {
	list, err := a.client.GetDCVEmailAddressList(ctx, domain)
	if err != nil {
		return nil, fixErr(err)
	}
	return list.Addresses, nil
}

// DecodeCSR asks Sectigo how it reads a CSR (the service also checks every CSR locally).
func (a *Adapter) DecodeCSR(ctx context.Context, csrPEM []byte) (*DecodedCSR, error) {
	d, err := a.client.DecodeCSR(ctx, string(csrPEM))
	return d, fixErr(err)
}

// Submit places an order with AutoApplySSL (test=Y in the test environment): the product, the term in
// days, the CSR, the server type, the common name's DCV method, our reference as foreignOrderNumber (so
// Find can tell the order is ours) and a uniqueValue derived from it, the admin contact as applicant
// representative and, for OV and EV, the organisation. Names of a multi-domain order whose DCV differs
// from the common name's are changed with AutoUpdateDCV afterwards. An order placed unpaid (errorCode 1)
// is paid with AutoAuthorize; should that fail, Status tries again. The reference is Sectigo's order
// number. Sectigo's refusals of our input are Invalid errors on the service's field names.
func (a *Adapter) Submit(ctx context.Context, req provider.Request) (*provider.Submission, error) {
	code, product, err := productOf(req.Item)
	if err != nil {
		return nil, err
	}
	if req.PeriodMonths <= 0 {
		return nil, &provider.Error{Command: cmdApply, Class: provider.Invalid, Field: "period_months", Message: "the period is required"}
	}
	d, ok := orderDCV(req)
	if !ok {
		return nil, &provider.Error{Command: cmdApply, Class: provider.Invalid, Field: "dcv_method", Message: "choose how to prove control of the names"}
	}
	method, ok := wireMethod(d.Method)
	if !ok {
		return nil, &provider.Error{Command: cmdApply, Class: provider.Invalid, Field: "dcv_method",
			Message: fmt.Sprintf("Sectigo validates by email, http or dns, not %q", d.Method)}
	}
	ar := ApplyRequest{
		Product:                  code,
		Days:                     daysOf(req.PeriodMonths),
		CSR:                      string(req.CSR),
		ServerSoftware:           serverSoftwareOf(req.ServerType),
		DCVMethod:                method,
		DCVEmailAddress:          d.ApproverEmail,
		UniqueValue:              uniqueValueOf(req.Ref),
		ForeignOrderNumber:       req.Ref,
		SuppressCertificateEmail: true, // the service delivers the certificate under the reseller's brand
		Contact:                  contactOf(req.Contacts),
		Organization:             organizationOf(req.Validation, req.Contacts),
	}
	multi := product.MultiDomain || len(req.Names) > 1
	if multi {
		ar.DomainNames, ar.PrimaryDomainName = req.Names, req.CommonName
	}
	res, err := a.client.AutoApplySSL(ctx, ar)
	if err != nil {
		return nil, fixErr(err)
	}
	if !res.Paid {
		// The order exists: a failed payment must not look like a failed order. Status retries it.
		_ = a.client.AutoAuthorize(ctx, res.OrderNumber)
	}
	dcv := dcvOf(req, "pending")
	if multi {
		a.applyNameDCV(ctx, res.OrderNumber, req, d, dcv)
	}
	return &provider.Submission{Ref: res.OrderNumber, State: provider.StatePending, DCV: dcv, Test: res.Test}, nil
}

// applyNameDCV sets the DCV of the names of a multi-domain order that differ from the order's. A name
// Sectigo would not change keeps the order's method, and its instructions say so.
func (a *Adapter) applyNameDCV(ctx context.Context, order string, req provider.Request, base provider.DomainDCV, dcv []provider.DomainDCV) {
	tokens, _ := ComputeDCV(req.CSR, uniqueValueOf(req.Ref))
	for i, d := range dcv {
		if d.Method == base.Method && strings.EqualFold(d.ApproverEmail, base.ApproverEmail) {
			continue
		}
		m, _ := wireMethod(d.Method)
		err := a.client.AutoUpdateDCV(ctx, UpdateDCVRequest{OrderNumber: order, DomainName: strings.ToLower(d.Name), NewMethod: m,
			NewDCVEmailAddress: d.ApproverEmail})
		if err == nil {
			continue
		}
		dcv[i].Method, dcv[i].ApproverEmail = base.Method, base.ApproverEmail
		dcv[i].Instructions = instructionsOf(tokens, dcv[i])
	}
}

// Status reads the order with one CollectSSL call (status, certificate and chain together, as Sectigo
// allows one call per order every three hours in live mode): issued with the certificate and its
// intermediates (the root and the leaf left out of ChainPEM), rejected or cancelled with Sectigo's
// reason, revoked, or pending with the DCV instructions of each name. A certificate for another key
// than the request's (the one a pending reissue replaces) is still pending. An order awaiting payment
// is paid with AutoAuthorize. A call refused by the CollectLimiter is a Temporary error.
func (a *Adapter) Status(ctx context.Context, q provider.StatusQuery) (*provider.Status, error) {
	if err := refError(cmdCollect, q.Ref); err != nil {
		return nil, err
	}
	res, err := a.client.CollectSSL(ctx, CollectRequest{OrderNumber: strings.TrimSpace(q.Ref), WithCertificate: true})
	if err != nil {
		return nil, fixErr(err)
	}
	st := &provider.Status{State: StateOf(res.Status), Raw: rawOf(res)}
	switch st.State {
	case provider.StateIssued:
		if res.CertificatePEM == "" {
			return nil, malformed(cmdCollect, "Sectigo reports the certificate as issued but sent none")
		}
		if !sameKey(q.Request.CSR, res.CertificatePEM) {
			st.State = provider.StatePending
			st.Raw += "; the certificate Sectigo serves is for another key: the reissue is not signed yet"
			st.DCV = dcvOf(q.Request, "pending")
			break
		}
		st.CertPEM, st.ChainPEM = []byte(res.CertificatePEM), []byte(res.ChainPEM)
		st.DCV = dcvOf(q.Request, "valid")
	case provider.StateRejected, provider.StateCancelled, provider.StateRevoked:
		st.Reason = reasonOf(res)
		if st.State == provider.StateRejected {
			st.DCV = dcvOf(q.Request, "failed")
		}
	default:
		status := "pending"
		if res.DCVComplete {
			status = "valid"
		}
		st.DCV = dcvOf(q.Request, status)
		if StatusOf(res.RawStatus) == StatusPending && strings.Contains(strings.ToLower(res.RawStatus), "payment") {
			if err := a.client.AutoAuthorize(ctx, q.Ref); err != nil {
				st.Raw += "; paying the order failed: " + err.Error()
			} else {
				st.Raw += "; the order was paid now"
			}
		}
		if a.client.Test() {
			st.Raw += " (test order: Sectigo never issues test=Y orders)"
		}
	}
	return st, nil
}

// rawOf is Sectigo's own status for the timeline.
func rawOf(res *CollectResult) string {
	raw := res.RawStatus
	if raw == "" {
		raw = "CollectSSL " + strconv.Itoa(res.Code)
	}
	if res.ValidationStatus != "" && !strings.EqualFold(res.ValidationStatus, res.RawStatus) {
		raw += ", validation: " + res.ValidationStatus
	}
	return raw
}

// reasonOf is why Sectigo ended an order, in its words.
func reasonOf(res *CollectResult) string {
	r := res.Message
	if r == "" {
		r = res.RawStatus
	}
	if r == "" {
		r = "the order is " + string(res.Status) + " at Sectigo"
	}
	return "Sectigo: " + r
}

// Reissue replaces the certificate of the order ref with AutoReplaceSSL: the new CSR, the common name's
// DCV method and a uniqueValue derived from the new request's reference. The order number stays the
// reference (Status then waits for a certificate of the new key). Sectigo does not revoke the old
// certificate. A ref that is not an order number is a NotFound error.
func (a *Adapter) Reissue(ctx context.Context, ref string, req provider.Request) (*provider.Submission, error) {
	if err := refError(cmdReplace, ref); err != nil {
		return nil, err
	}
	d, _ := orderDCV(req)
	method, ok := wireMethod(d.Method)
	if !ok {
		return nil, &provider.Error{Command: cmdReplace, Class: provider.Invalid, Field: "dcv_method",
			Message: fmt.Sprintf("Sectigo validates by email, http or dns, not %q", d.Method)}
	}
	_, err := a.client.AutoReplaceSSL(ctx, ReplaceRequest{OrderNumber: strings.TrimSpace(ref), CSR: string(req.CSR),
		ServerSoftware: serverSoftwareOf(req.ServerType), DCVMethod: method, DCVEmailAddress: d.ApproverEmail,
		UniqueValue: uniqueValueOf(req.Ref)})
	if err != nil {
		return nil, fixErr(err)
	}
	return &provider.Submission{Ref: strings.TrimSpace(ref), State: provider.StatePending, DCV: dcvOf(req, "pending"), Test: a.client.Test()}, nil
}

// Revoke revokes the order's certificate with AutoRevokeSSL, the reason in words. A certificate revoked
// before counts as revoked. In the test environment Sectigo only pretends (test=Y).
func (a *Adapter) Revoke(ctx context.Context, ref string, reason string) error {
	if err := refError(cmdRevoke, ref); err != nil {
		return err
	}
	_, err := a.client.AutoRevokeSSL(ctx, RevokeRequest{OrderNumber: strings.TrimSpace(ref), Reason: revocationReason(reason)})
	return fixErr(err)
}

// Cancel cancels the order before issue with AutoRefund and reports refunded true: Sectigo credits the
// cost back (single-name and wildcard products within the refund period; multi-domain refunds need a
// ticket and are refused, an error naming it). An order Sectigo had cancelled or rejected before is
// cancelled without a refund claim.
func (a *Adapter) Cancel(ctx context.Context, ref string) (bool, error) {
	if err := refError(cmdRefund, ref); err != nil {
		return false, err
	}
	res, err := a.client.AutoRefund(ctx, strings.TrimSpace(ref), RefundOther)
	if err != nil {
		return false, fixErr(err)
	}
	return !res.AlreadyCancelled, nil
}

// ChangeDCV changes the validation of pending names with AutoUpdateDCV: one call for the order when all
// names take the same method and approver, else one call per name. Sectigo computes the http and dns
// tokens from the CSR, which this call does not carry: the answer has the instructions of e-mail names,
// and the next Status brings those of the others.
func (a *Adapter) ChangeDCV(ctx context.Context, ref string, dcv []provider.DomainDCV) ([]provider.DomainDCV, error) {
	if err := refError(cmdUpdateDCV, ref); err != nil {
		return nil, err
	}
	if len(dcv) == 0 {
		return nil, &provider.Error{Command: cmdUpdateDCV, Class: provider.Invalid, Field: "domains", Message: "no name to change"}
	}
	same := true
	for _, d := range dcv[1:] {
		same = same && d.Method == dcv[0].Method && strings.EqualFold(d.ApproverEmail, dcv[0].ApproverEmail)
	}
	out := make([]provider.DomainDCV, 0, len(dcv))
	for i, d := range dcv {
		m, ok := wireMethod(d.Method)
		if !ok {
			return nil, &provider.Error{Command: cmdUpdateDCV, Class: provider.Invalid, Field: "dcv_method",
				Message: fmt.Sprintf("Sectigo validates by email, http or dns, not %q", d.Method)}
		}
		if !same || i == 0 {
			req := UpdateDCVRequest{OrderNumber: strings.TrimSpace(ref), NewMethod: m, NewDCVEmailAddress: d.ApproverEmail}
			if !same {
				req.DomainName = strings.ToLower(d.Name)
			}
			if err := a.client.AutoUpdateDCV(ctx, req); err != nil {
				return nil, fixErr(err)
			}
		}
		d.Status = "pending"
		d.Instructions = instructionsOf(nil, d)
		out = append(out, d)
	}
	return out, nil
}

// ResendDCV asks Sectigo to send the approver e-mail of the order again (ResendDCVEmail).
func (a *Adapter) ResendDCV(ctx context.Context, ref string) error {
	if err := refError(cmdResend, ref); err != nil {
		return err
	}
	return fixErr(a.client.ResendDCVEmail(ctx, ResendDCVRequest{OrderNumber: strings.TrimSpace(ref)}))
}
