package webui

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/sslreseller/sslreseller/internal/account"
	"github.com/sslreseller/sslreseller/internal/catalog"
	"github.com/sslreseller/sslreseller/internal/order"
	"github.com/sslreseller/sslreseller/internal/platform/errs"
	"github.com/sslreseller/sslreseller/internal/provider"
)

// View models shared by the admin order pages and the client portal. Templates get no new
// functions (render.go is shared), so what they show is computed here.

// statusStyle is how an order status reads for staff and for clients, and its badge colour.
type statusStyle struct {
	Staff, Client, Class, Explain string
}

var statusStyles = map[order.Status]statusStyle{
	order.AwaitingActivation: {"Awaiting activation", "Waiting for activation", "gray",
		"Your order is paid and waits for our team to activate it. We will e-mail you when you can set it up."},
	order.AwaitingConfiguration: {"Awaiting configuration", "Ready to set up", "blue",
		"Tell us the domain names, how you will prove you control them, and who to contact."},
	order.Submitting: {"Submitting", "Submitting", "blue",
		"Your request is on its way to the certificate authority. This usually takes a few seconds."},
	order.PendingValidation: {"Pending validation", "Validating your domains", "amber",
		"The certificate authority is checking that you control the domain names. Follow the instructions below; this page updates by itself."},
	order.Issued: {"Issued", "Issued", "green",
		"Your certificate is ready. Download it below and install it on your server."},
	order.Expired: {"Expired", "Expired", "gray",
		"The term of this certificate has ended. Order a new certificate to keep your site secure."},
	order.Revoked: {"Revoked", "Revoked", "red",
		"This certificate was revoked and must no longer be used."},
	order.Rejected: {"Rejected", "Needs your correction", "red",
		"The certificate authority did not accept the request. Correct it below and submit it again."},
	order.Cancelled: {"Cancelled", "Cancelled", "gray",
		"This order was cancelled."},
	order.NeedsAttention: {"Needs attention", "Being looked at", "red",
		"Our team is looking into this request with the certificate authority. You do not need to do anything."},
}

func styleOf(s order.Status) statusStyle {
	if st, ok := statusStyles[s]; ok {
		return st
	}
	return statusStyle{Staff: string(s), Client: string(s), Class: "gray"}
}

// orderCard is an order with the names that make it readable in a list or a page header.
type orderCard struct {
	order.View
	ClientName  string
	ClientEmail string
	ProductName string
	Validation  string // dv, ov, ev; "" when the product is gone
}

// Name is what the certificate is for: its common name, the first name being validated, or a
// placeholder before configuration.
func (o orderCard) Name() string {
	switch {
	case o.Certificate != nil && o.Certificate.CommonName != "":
		return o.Certificate.CommonName
	case len(o.Domains) > 0:
		return o.Domains[0].Name
	}
	return ""
}

// MoreNames counts the names beyond the one Name shows.
func (o orderCard) MoreNames() int {
	n := len(o.Domains)
	if o.Certificate != nil {
		n = len(o.Certificate.SANs)
	}
	if n > 1 {
		return n - 1
	}
	return 0
}

// ShortID is enough of the order id to tell orders apart when talking about them.
func (o orderCard) ShortID() string { return shortID(o.ID) }

// StatusLabel, StatusClass and ClientStatus style the status badge.
func (o orderCard) StatusLabel() string   { return styleOf(o.Status).Staff }
func (o orderCard) StatusClass() string   { return styleOf(o.Status).Class }
func (o orderCard) ClientStatus() string  { return styleOf(o.Status).Client }
func (o orderCard) StatusExplain() string { return styleOf(o.Status).Explain }

// PriceText is the price for people: "USD 12.99".
func (o orderCard) PriceText() string { return o.Price.String() }

// PeriodText is the term bought: "12 months", "2 years".
func (o orderCard) PeriodText() string { return periodText(o.PeriodMonths) }

// InFlight reports whether the provider is working on a request, so the page refreshes itself.
func (o orderCard) InFlight() bool {
	return o.Status == order.Submitting || o.Status == order.PendingValidation ||
		(o.Status == order.Issued && o.latestPending())
}

// Configurable reports whether the client can (re)configure the order.
func (o orderCard) Configurable() bool {
	return o.Status == order.AwaitingConfiguration || o.Status == order.Rejected
}

// Latest is the newest request of the order, or nil.
func (o orderCard) Latest() *order.IssuanceRef {
	if len(o.Issuances) == 0 {
		return nil
	}
	return &o.Issuances[len(o.Issuances)-1]
}

func (o orderCard) latestPending() bool {
	l := o.Latest()
	return l != nil && (l.Status == order.IssPending || l.Status == order.IssSubmitting)
}

// Pending reports whether validation of the latest request is under way (DCV instructions matter).
func (o orderCard) Pending() bool {
	l := o.Latest()
	return l != nil && l.Status == order.IssPending
}

// HasEmailDCV reports whether a name is validated by e-mail.
func (o orderCard) HasEmailDCV() bool {
	return slices.ContainsFunc(o.Domains, func(d order.DomainView) bool { return d.DCVMethod == provider.DCVEmail })
}

// CertDays is how long the current certificate lives, in days.
func (o orderCard) CertDays() int {
	if o.Certificate == nil {
		return 0
	}
	return int(o.Certificate.NotAfter.Sub(o.Certificate.NotBefore).Round(24*time.Hour) / (24 * time.Hour))
}

// Domains of a page: the DCV of each name with labels.
func (o orderCard) DomainRows() []domainRow {
	out := make([]domainRow, 0, len(o.Domains))
	ended := o.Status == order.Cancelled || o.Status == order.Revoked || o.Status == order.Expired || o.Status == order.Rejected
	// The certificate's names were validated when it was issued, whatever the provider last said.
	validated := false
	if l := o.Latest(); l != nil {
		validated = l.Status == order.IssIssued || l.Status == order.IssSuperseded
	}
	for i, d := range o.Domains {
		if validated {
			d.DCVStatus = "valid"
		}
		out = append(out, domainRow{DomainView: d, Index: i, Stopped: ended && d.DCVStatus != "valid"})
	}
	return out
}

// domainRow is one name and its validation, with what the template needs to show it.
type domainRow struct {
	order.DomainView
	Index   int
	Stopped bool // the order ended before the name was validated
}

// MethodLabel names the validation method for people.
func (d domainRow) MethodLabel() string { return dcvLabel(d.DCVMethod) }

// StatusClass colours the DCV status.
func (d domainRow) StatusClass() string {
	if d.Stopped {
		return "gray"
	}
	switch d.DCVStatus {
	case "valid":
		return "green"
	case "failed":
		return "red"
	default:
		return "amber"
	}
}

// StatusLabel names the DCV status for people.
func (d domainRow) StatusLabel() string {
	if d.Stopped {
		return "Stopped"
	}
	switch d.DCVStatus {
	case "valid":
		return "Validated"
	case "failed":
		return "Failed"
	default:
		return "Waiting"
	}
}

// Approver is the approver address or "".
func (d domainRow) Approver() string {
	if d.ApproverEmail == nil {
		return ""
	}
	return *d.ApproverEmail
}

// RecordType is the DNS record type of the instructions ("CNAME" when the provider says nothing).
func (d domainRow) RecordType() string {
	if d.Instructions != nil && d.Instructions.RecordType != "" {
		return d.Instructions.RecordType
	}
	return "CNAME"
}

func dcvLabel(m string) string {
	switch m {
	case provider.DCVEmail:
		return "E-mail"
	case provider.DCVHTTP:
		return "HTTP file"
	case provider.DCVDNS:
		return "DNS record"
	}
	return m
}

func periodText(months int) string {
	if months%12 == 0 && months >= 12 {
		return plural(months/12, "year")
	}
	return plural(months, "month")
}

// issuanceRow is one request of an order in the issuances table.
type issuanceRow struct {
	order.IssuanceRef
	Current bool
}

// KindLabel names the kind of request.
func (i issuanceRow) KindLabel() string {
	switch i.Kind {
	case order.KindNew:
		return "New"
	case order.KindReissue:
		return "Reissue"
	case order.KindRenewal:
		return "Renewal"
	}
	return i.Kind
}

// StatusClass colours the request's status.
func (i issuanceRow) StatusClass() string {
	switch i.Status {
	case order.IssIssued:
		return "green"
	case order.IssPending, order.IssSubmitting:
		return "amber"
	case order.IssRejected, order.IssRevoked, order.IssNeedsAttention, order.IssFailed:
		return "red"
	}
	return "gray"
}

// StatusLabel names the request's status.
func (i issuanceRow) StatusLabel() string {
	s := strings.ReplaceAll(i.Status, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func issuanceRows(v *order.View) []issuanceRow {
	out := make([]issuanceRow, 0, len(v.Issuances))
	for i := len(v.Issuances) - 1; i >= 0; i-- {
		is := v.Issuances[i]
		cur := v.Certificate != nil && is.Serial != nil && *is.Serial == v.Certificate.Serial
		out = append(out, issuanceRow{IssuanceRef: is, Current: cur})
	}
	return out
}

// option is one choice of a select.
type option struct {
	Value, Label string
	Selected     bool
}

func options(selected string, pairs ...string) []option {
	out := make([]option, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, option{Value: pairs[i], Label: pairs[i+1], Selected: pairs[i] == selected})
	}
	return out
}

// keyTypeOptions are the keys the service makes, the default first.
func keyTypeOptions(selected string) []option {
	if selected == "" {
		selected = order.KeyTypes[0]
	}
	labels := map[string]string{"ecdsa-p256": "ECDSA P-256 (recommended)", "rsa-2048": "RSA 2048",
		"rsa-3072": "RSA 3072", "rsa-4096": "RSA 4096"}
	var out []option
	for _, k := range order.KeyTypes {
		l := labels[k]
		if l == "" {
			l = k
		}
		out = append(out, option{Value: k, Label: l, Selected: k == selected})
	}
	return out
}

var serverTypeLabels = map[string]string{"apache": "Apache", "nginx": "nginx", "iis": "Microsoft IIS", "tomcat": "Apache Tomcat",
	"cpanel": "cPanel", "plesk": "Plesk", "other": "Other"}

func serverTypeOptions(selected string) []option {
	var out []option
	for _, s := range order.ServerTypes {
		out = append(out, option{Value: s, Label: serverTypeLabels[s], Selected: s == selected})
	}
	return out
}

func revokeReasonOptions(selected string) []option {
	labels := map[string]string{"unspecified": "No particular reason", "key_compromise": "The private key was exposed",
		"affiliation_changed": "The organisation's details changed", "superseded": "Replaced by another certificate",
		"cessation_of_operation": "The site no longer exists"}
	var out []option
	for _, r := range order.RevokeReasons {
		out = append(out, option{Value: r, Label: labels[r], Selected: r == selected})
	}
	return out
}

// periodOptions are the periods a product sells in a currency, with their prices.
func periodOptions(p *catalog.Product, currency string, selected int) []option {
	if p == nil {
		return nil
	}
	var out []option
	for _, pp := range p.Periods {
		label := periodText(pp.Months)
		if a, ok := pp.Price(currency); ok {
			label += " · " + a.String()
		}
		out = append(out, option{Value: fmt.Sprint(pp.Months), Label: label, Selected: pp.Months == selected})
	}
	return out
}

// dcvMethodOptions are the methods the provider offers at the time, email first as the seeds do.
func dcvMethodOptions(caps provider.Capabilities, emailOK bool, selected string) []option {
	var out []option
	for _, m := range []string{provider.DCVDNS, provider.DCVHTTP, provider.DCVEmail} {
		if !slices.Contains(caps.DCVMethods, m) || (m == provider.DCVEmail && !emailOK) {
			continue
		}
		out = append(out, option{Value: m, Label: dcvLabel(m), Selected: m == selected})
	}
	return out
}

// sentence makes a store's message ("revoke is not possible ...") read as a sentence.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	if first, _, _ := strings.Cut(s, " "); !strings.ContainsAny(first, "@.*_") {
		r, n := utf8.DecodeRuneInString(s)
		s = string(unicode.ToUpper(r)) + s[n:]
	}
	if !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "?") && !strings.HasSuffix(s, "!") {
		s += "."
	}
	return s
}

// actionProblem turns an error of an order action into what the page says and its status. It
// reports false for errors that are not the user's or the provider's (those become error pages).
func actionProblem(err error) (int, string, bool) {
	e, ok := errs.As(err)
	if !ok {
		return 0, "", false
	}
	msg := e.Message
	if len(e.Fields) > 0 {
		// The details read better than "field: detail" for people.
		var d []string
		for _, fe := range e.Fields {
			d = append(d, fe.Detail)
		}
		msg = strings.Join(d, "; ")
	}
	switch e.Code {
	case errs.Conflict, errs.Unsupported:
		return http.StatusConflict, sentence(msg), true
	case errs.Invalid:
		return http.StatusUnprocessableEntity, sentence(msg), true
	case errs.ProviderUnavailable:
		return http.StatusServiceUnavailable, sentence(msg) + " The certificate provider could not be reached; please try again in a few minutes.", true
	case errs.ProviderAuth:
		return http.StatusBadGateway, sentence(msg), true
	}
	return 0, "", false
}

// orderCards names the clients and products of orders with one query each.
func (u *UI) orderCards(ctx context.Context, tenantID uuid.UUID, views []order.View) ([]orderCard, error) {
	var ids []uuid.UUID
	for _, v := range views {
		if !slices.Contains(ids, v.ClientID) {
			ids = append(ids, v.ClientID)
		}
	}
	clients, err := u.d.Accounts.ClientsByID(ctx, tenantID, ids)
	if err != nil {
		return nil, err
	}
	products, err := u.productNames(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	out := make([]orderCard, 0, len(views))
	for _, v := range views {
		c := orderCard{View: v}
		if cl, ok := clients[v.ClientID]; ok {
			c.ClientName, c.ClientEmail = cl.Name(), cl.Email
		}
		if p, ok := products[v.ProductID]; ok {
			c.ProductName, c.Validation = p.Name, p.Validation
		}
		out = append(out, c)
	}
	return out, nil
}

// productNames maps the tenant's products by id (a tenant has a handful to a few hundred).
func (u *UI) productNames(ctx context.Context, tenantID uuid.UUID) (map[uuid.UUID]catalog.Product, error) {
	list, err := u.d.Catalog.Products(ctx, tenantID, catalog.ProductFilter{})
	if err != nil {
		return nil, err
	}
	out := make(map[uuid.UUID]catalog.Product, len(list))
	for _, p := range list {
		out[p.ID] = p
	}
	return out, nil
}

// orderCardOf names one order's client and product.
func (u *UI) orderCardOf(ctx context.Context, tenantID uuid.UUID, v *order.View) (orderCard, *account.Client, *catalog.Product, error) {
	c := orderCard{View: *v}
	cl, err := u.d.Accounts.GetClient(ctx, tenantID, v.ClientID)
	if err != nil {
		return c, nil, nil, err
	}
	c.ClientName, c.ClientEmail = cl.Name(), cl.Email
	p, err := u.d.Catalog.Product(ctx, tenantID, v.ProductID)
	if err != nil && !errs.Is(err, errs.NotFound) {
		return c, nil, nil, err
	}
	if p != nil {
		c.ProductName, c.Validation = p.Name, p.Validation
	}
	return c, cl, p, nil
}

// pageLinks computes the Newer and Older links of a keyset-paged list. The store pages forwards
// only, so the URL carries the cursors of the pages before ("prev") to make "Newer" work.
func pageLinks(path string, keep url.Values, cursor, prevParam, next string) (newer, older string) {
	var prev []string
	if prevParam != "" {
		prev = strings.Split(prevParam, ".")
	}
	pageURL := func(cursor string, prev []string) string {
		vals := url.Values{}
		for k, vs := range keep {
			for _, v := range vs {
				if v != "" {
					vals.Add(k, v)
				}
			}
		}
		if cursor != "" {
			vals.Set("cursor", cursor)
		}
		if len(prev) > 0 {
			vals.Set("prev", strings.Join(prev, "."))
		}
		if len(vals) == 0 {
			return path
		}
		return path + "?" + vals.Encode()
	}
	if cursor != "" {
		if n := len(prev); n > 0 {
			newer = pageURL(prev[n-1], prev[:n-1])
		} else {
			newer = pageURL("", nil)
		}
	}
	if next != "" {
		trail := prev
		if cursor != "" {
			trail = append(trail[:len(trail):len(trail)], cursor)
		}
		if len(trail) > maxPrev {
			trail = trail[len(trail)-maxPrev:]
		}
		older = pageURL(next, trail)
	}
	return newer, older
}

// prettyBody indents a JSON body and splits a form-encoded one into lines, for the timeline.
func prettyBody(s string) string {
	t := strings.TrimSpace(s)
	if t == "" {
		return ""
	}
	if t[0] == '{' || t[0] == '[' {
		var buf bytes.Buffer
		if json.Indent(&buf, []byte(t), "", "  ") == nil {
			return buf.String()
		}
	}
	if !strings.ContainsAny(t, " \n<") && strings.Contains(t, "=") {
		if vals, err := url.ParseQuery(t); err == nil && len(vals) > 1 {
			var lines []string
			for _, kv := range strings.Split(t, "&") {
				k, v, _ := strings.Cut(kv, "=")
				k, _ = url.QueryUnescape(k)
				v, _ = url.QueryUnescape(v)
				lines = append(lines, k+" = "+v)
			}
			return strings.Join(lines, "\n")
		}
	}
	return s
}

// staffExplain says what a status means for staff and what they may do about it.
var staffExplain = map[order.Status]string{
	order.AwaitingActivation:    "Paid and waiting for a staff member to activate it (the tenant requires activation). Activate it to let the client set it up, or cancel it.",
	order.AwaitingConfiguration: "Waiting for the client to set it up: names, key or CSR, validation method and contacts. Send them the configuration link below.",
	order.Submitting:            "The request is being sent to the provider. If the provider was unavailable, a job retries and asks the provider first, so nothing is bought twice.",
	order.PendingValidation:     "The provider has the request and waits for domain control validation. The poller checks on a back-off schedule.",
	order.Issued:                "The certificate is issued and the term runs. Reissues and renewals keep the order issued.",
	order.Expired:               "The term ended. Nothing more can be done with this order.",
	order.Revoked:               "The certificate was revoked; the order has ended.",
	order.Rejected:              "The certificate authority rejected the request. The client can correct it and submit again, or you can cancel.",
	order.Cancelled:             "The order was cancelled before a certificate was issued.",
	order.NeedsAttention:        "The service could not tell what happened upstream, or validation took too long. Check now to ask the provider, reset the checks to resume validation, or cancel.",
}

// StaffExplain says what the status means for staff.
func (o orderCard) StaffExplain() string { return staffExplain[o.Status] }

// StatusIcon is the icon of the status panel.
func (o orderCard) StatusIcon() string {
	switch styleOf(o.Status).Class {
	case "green":
		return "check-circle"
	case "red":
		return "alert"
	}
	return "info"
}

// ValidationLabel is DV, OV or EV.
func (o orderCard) ValidationLabel() string { return strings.ToUpper(o.Validation) }

// RenewText says how the provider renews.
func (p orderPage) RenewText() string {
	if p.Caps.Renew == "native" {
		return "The provider renews the order itself"
	}
	return "The provider has no renewal, so a new order is placed there and linked to this one"
}

// ServerLabel names the web server the client chose.
func (p orderPage) ServerLabel() string {
	if p.Setup == nil || p.Setup.ServerType == "" {
		return ""
	}
	if l, ok := serverTypeLabels[p.Setup.ServerType]; ok {
		return l
	}
	return p.Setup.ServerType
}

// Downloadable reports whether the certificate is in force, so the portal offers its files.
func (o orderCard) Downloadable() bool { return o.Status == order.Issued && o.Certificate != nil }

// shortID is the end of an id: ids are UUIDv7, whose start is the creation time and so the same
// for orders made together, while the end is random.
func shortID(id uuid.UUID) string {
	s := id.String()
	return s[len(s)-8:]
}

// TimelineCount says how long the timeline is: "3 entries, 1 provider call".
func (p orderPage) TimelineCount() string {
	n := len(p.Timeline)
	out := plural(n, "entry")
	if n != 1 {
		out = fmt.Sprintf("%d entries", n)
	}
	return out + ", " + plural(p.Calls, "provider call")
}
