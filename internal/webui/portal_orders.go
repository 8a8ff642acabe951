package webui

import (
	"context"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/google/uuid"

	"github.com/sslreseller/sslreseller/internal/account"
	"github.com/sslreseller/sslreseller/internal/audit"
	"github.com/sslreseller/sslreseller/internal/catalog"
	"github.com/sslreseller/sslreseller/internal/order"
	"github.com/sslreseller/sslreseller/internal/pki"
	"github.com/sslreseller/sslreseller/internal/platform/errs"
	"github.com/sslreseller/sslreseller/internal/provider"
)

// portalOrderRoutes are the signed-in client's certificate pages.
func (u *UI) portalOrderRoutes(r chi.Router) {
	r.Route("/certificates/{id}", func(r chi.Router) {
		r.Use(u.clientOrder)
		u.certificateRoutes(r)
	})
}

// portalTokenRoutes open one order by the token of its configuration link.
func (u *UI) portalTokenRoutes(r chi.Router) {
	r.Use(u.tokenOrder)
	u.certificateRoutes(r)
}

// certificateRoutes are the pages of one order in the portal, under /portal/certificates/{id} for a
// signed-in client and under /portal/o/{token} for the configuration link.
func (u *UI) certificateRoutes(r chi.Router) {
	r.Get("/", u.certificatePage)
	r.Get("/status", u.certificateStatus)
	r.Post("/configure", u.configureCertificate)
	r.Get("/approver-emails", u.approverOptions)
	r.Get("/csr", u.csrSummary)
	r.Get("/download/{format}", u.downloadCertificate)
	r.Post("/pfx", u.downloadPFX)
	r.Post("/renew", u.portalRenew)
	r.Post("/reissue", u.portalReissue)
	r.Post("/revoke", u.portalRevoke)
	r.Post("/email", u.portalEmail)
}

// portalEmail sends the client the e-mail of the order's state again: the configuration link while
// it waits to be set up, the certificate once issued.
func (u *UI) portalEmail(w http.ResponseWriter, r *http.Request) {
	po := portalOrderOf(r)
	if u.d.Mail == nil {
		u.notFound(w, r)
		return
	}
	v, err := u.d.Orders.Get(r.Context(), siteOf(r).Tenant.ID, po.ID)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	name, flash := "issued", "The certificate is on its way to your e-mail address."
	if v.Status == order.AwaitingConfiguration || v.Status == order.Rejected {
		name, flash = "configure_link", "The link to this page is on its way to your e-mail address."
	}
	if err := u.d.Mail.Resend(r.Context(), siteOf(r).Tenant.ID, po.ID, name); err != nil {
		u.portalActionFailed(w, r, postForm(r), "email", err)
		return
	}
	u.redirect(w, r, po.Base, flash)
}

// portalOrder is the order a portal request is about and the path its pages start with.
type portalOrder struct {
	ID   uuid.UUID
	Base string
	Link bool // opened by the configuration link, not signed in
}

const keyPortalOrder ctxKey = 100

func portalOrderOf(r *http.Request) *portalOrder {
	p, _ := r.Context().Value(keyPortalOrder).(*portalOrder)
	return p
}

// clientOrder lets a signed-in client reach their own orders; another client's order is not found.
func (u *UI) clientOrder(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, ok := pathID(r)
		if !ok {
			u.fail(w, r, order.ErrNotFound)
			return
		}
		o, err := u.d.Orders.Get(r.Context(), siteOf(r).Tenant.ID, id)
		if err == nil && o.ClientID != clientOf(r).ID {
			err = order.ErrNotFound
		}
		if err != nil {
			u.fail(w, r, err)
			return
		}
		po := &portalOrder{ID: id, Base: siteOf(r).Base + "/portal/certificates/" + id.String()}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), keyPortalOrder, po)))
	})
}

// tokenOrder opens the order of a configuration link. The link acts for the order's client, so the
// audit log names them; the pages do not pretend the visitor is signed in.
func (u *UI) tokenOrder(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := siteOf(r)
		token := chi.URLParam(r, "token")
		id, ok := u.d.Orders.OpenToken(s.Tenant.ID, token)
		if !ok {
			v := u.newView(r, "Link expired", "")
			u.renderError(w, r, http.StatusNotFound, v, errorPage{Title: "This link is not valid any more",
				Message: "Configuration links expire. Sign in to the portal to see your certificates, or ask " + s.Tenant.Name + " for a new link.",
				Home:    s.Base + "/portal/login", HomeTxt: "Sign in to the portal"})
			return
		}
		o, err := u.d.Orders.Get(r.Context(), s.Tenant.ID, id)
		if err != nil {
			u.fail(w, r, err)
			return
		}
		c, err := u.d.Accounts.GetClient(r.Context(), s.Tenant.ID, o.ClientID)
		if err != nil {
			u.fail(w, r, err)
			return
		}
		ctx := audit.WithActor(r.Context(), audit.Actor{Type: audit.ActorClient, ID: c.ID.String(), Label: c.Email + " (configuration link)",
			RemoteAddr: r.RemoteAddr, RequestID: middleware.GetReqID(r.Context())})
		po := &portalOrder{ID: id, Base: s.Base + "/portal/o/" + token, Link: true}
		next.ServeHTTP(w, r.WithContext(context.WithValue(ctx, keyPortalOrder, po)))
	})
}

// certPage is the data of a certificate page in the portal.
type certPage struct {
	Order      orderCard
	Base       string
	Link       bool
	Setup      *order.Setup
	Caps       provider.Capabilities
	Domains    []domainRow
	Install    []string
	CanRenew   bool
	RenewPrice string
	CanReissue bool
	CanRevoke  bool
	Reasons    []option
	KeyTypes   []option
}

func (u *UI) loadCard(r *http.Request) (orderCard, *account.Client, *catalog.Product, provider.Capabilities, error) {
	t := siteOf(r).Tenant
	var caps provider.Capabilities
	ov, err := u.d.Orders.Get(r.Context(), t.ID, portalOrderOf(r).ID)
	if err != nil {
		return orderCard{}, nil, nil, caps, err
	}
	card, client, product, err := u.orderCardOf(r.Context(), t.ID, ov)
	if err != nil {
		return card, nil, nil, caps, err
	}
	if acct, err := u.d.Providers.Get(r.Context(), t.ID, ov.Provider.AccountID); err == nil {
		caps = acct.Capabilities
	} else if !errs.Is(err, errs.NotFound) {
		return card, nil, nil, caps, err
	}
	return card, client, product, caps, nil
}

// certificatePage shows the order: the configuration wizard while it can be configured, else its
// status, validation instructions and downloads.
func (u *UI) certificatePage(w http.ResponseWriter, r *http.Request) {
	card, client, product, caps, err := u.loadCard(r)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	if card.Configurable() {
		u.renderWizard(w, r, http.StatusOK, card, client, product, caps, wizardForm(client, card))
		return
	}
	u.renderCertificate(w, r, http.StatusOK, card, product, caps, nil)
}

func (u *UI) renderCertificate(w http.ResponseWriter, r *http.Request, status int, card orderCard, product *catalog.Product,
	caps provider.Capabilities, f *form) {
	po := portalOrderOf(r)
	setup, err := u.d.Orders.Setup(r.Context(), siteOf(r).Tenant.ID, po.ID)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	if f == nil {
		f = newForm(nil)
	}
	p := certPage{Order: card, Base: po.Base, Link: po.Link, Setup: setup, Caps: caps, Domains: card.DomainRows(),
		Install: installSteps(setup.ServerType, setup.HoldsKey),
		Reasons: revokeReasonOptions(f.Get("reason")), KeyTypes: keyTypeOptions(setup.KeyType)}
	p.CanRenew = order.Allowed(card.Status, order.ActRenew) && !card.latestPending()
	if product != nil {
		if a, ok := product.PeriodPrice(card.PeriodMonths, card.Price.Currency); ok {
			p.RenewPrice = a.String()
		} else {
			p.CanRenew = false // no longer sold for this period
		}
	}
	p.CanReissue = order.Allowed(card.Status, order.ActReissue) && caps.Reissue && !card.latestPending()
	p.CanRevoke = order.Allowed(card.Status, order.ActRevoke) && caps.Revoke
	title := card.Name()
	if title == "" {
		title = "Certificate"
	}
	v := u.newView(r, title, "certificates")
	v.Form, v.Data = f, p
	u.renderPage(w, r, status, "portal/certificate", v)
}

// certificateStatus answers the page's poll: 204 while the status is the one the page shows, else
// a full reload (HX-Refresh).
func (u *UI) certificateStatus(w http.ResponseWriter, r *http.Request) {
	o, err := u.d.Orders.Get(r.Context(), siteOf(r).Tenant.ID, portalOrderOf(r).ID)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	shown := r.URL.Query().Get("shown")
	if pollKey(o) == shown {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	w.Header().Set("HX-Refresh", "true")
	w.WriteHeader(http.StatusNoContent)
}

// dcvState sums up the validation of the names, so the page reloads when a name is validated.
func dcvState(o *order.View) string {
	var b strings.Builder
	for _, d := range o.Domains {
		b.WriteString(d.DCVStatus[:min(1, len(d.DCVStatus))])
	}
	return b.String()
}

// PollKey is what the page's poll compares against (see certificateStatus).
func (p certPage) PollKey() string { return pollKey(&p.Order.View) }

// pollKey sums up what the certificate page shows that the provider can change: the status, the
// requests and their states, the names' validation.
func pollKey(o *order.View) string {
	var b strings.Builder
	b.WriteString(string(o.Status))
	for _, is := range o.Issuances {
		b.WriteString("/" + is.Status)
	}
	return b.String() + "/" + dcvState(o)
}

// installSteps are the install instructions for a server type.
func installSteps(server string, holdsKey bool) []string {
	key := "your private key (the one you made with your CSR)"
	if holdsKey {
		key = "the private key (Private key download)"
	}
	switch server {
	case "apache":
		return []string{"Download the certificate (PEM) and the chain.",
			"Copy them and " + key + " to the server, e.g. /etc/ssl/.",
			"In the site's VirtualHost set SSLCertificateFile to the certificate, SSLCertificateChainFile to the chain and SSLCertificateKeyFile to the key.",
			"Check with apachectl configtest, then reload Apache."}
	case "nginx":
		return []string{"Download the full chain (certificate and intermediates in one file).",
			"Copy it and " + key + " to the server.",
			"In the server block set ssl_certificate to the full chain and ssl_certificate_key to the key.",
			"Check with nginx -t, then reload nginx."}
	case "iis":
		return []string{"Download the PFX file and choose a password for it.",
			"In IIS Manager open Server Certificates and choose Import; select the PFX and type the password.",
			"Edit the site's bindings: add an https binding and pick the certificate."}
	case "tomcat":
		return []string{"Download the PFX file and choose a password for it.",
			"In server.xml point the HTTPS Connector's certificateKeystoreFile to the PFX, with certificateKeystoreType=\"PKCS12\" and the password.",
			"Restart Tomcat."}
	case "cpanel":
		return []string{"Open SSL/TLS in cPanel and choose Manage SSL sites.",
			"Paste the certificate (PEM), " + key + " and the chain (CA bundle) into the three boxes.",
			"Choose Install Certificate."}
	case "plesk":
		return []string{"Open the domain's SSL/TLS Certificates page in Plesk.",
			"Upload the certificate, " + key + " and the chain (CA certificate) as files, or paste them.",
			"Select the certificate in the domain's hosting settings."}
	}
	return []string{"Download the certificate and its chain (or the full chain).",
		"Install them with " + key + " as your server's documentation describes.",
		"Check the site with a browser or an online TLS checker."}
}

func (u *UI) downloadCertificate(w http.ResponseWriter, r *http.Request) {
	t, po := siteOf(r).Tenant, portalOrderOf(r)
	format := chi.URLParam(r, "format")
	var f *order.File
	var err error
	if format == "key" {
		f, err = u.d.Orders.PrivateKey(r.Context(), t.ID, po.ID)
	} else {
		f, err = u.d.Orders.Certificate(r.Context(), t.ID, po.ID, format)
	}
	if err != nil {
		u.fail(w, r, err)
		return
	}
	sendFile(w, f)
}

func sendFile(w http.ResponseWriter, f *order.File) {
	h := w.Header()
	h.Set("Content-Type", f.ContentType)
	h.Set("Content-Disposition", `attachment; filename="`+f.Name+`"`)
	h.Set("Content-Length", strconv.Itoa(len(f.Body)))
	h.Set("Cache-Control", "no-store")
	_, _ = w.Write(f.Body)
}

func (u *UI) downloadPFX(w http.ResponseWriter, r *http.Request) {
	f := postForm(r)
	file, err := u.d.Orders.ExportPFX(r.Context(), siteOf(r).Tenant.ID, portalOrderOf(r).ID, f.Raw("password"))
	if err != nil {
		u.portalActionFailed(w, r, f, "pfx", err)
		return
	}
	sendFile(w, file)
}

// portalActionFailed shows the certificate page with why an action was refused.
func (u *UI) portalActionFailed(w http.ResponseWriter, r *http.Request, f *form, action string, err error) {
	status, msg, ok := actionProblem(err)
	if !ok {
		u.fail(w, r, err)
		return
	}
	card, _, product, caps, lerr := u.loadCard(r)
	if lerr != nil {
		u.fail(w, r, lerr)
		return
	}
	f.apply(err, "password", "csr", "reason")
	if len(f.Errors) == 0 {
		f.Alert = msg
	} else if f.Alert == "Please correct the highlighted fields." {
		f.Alert = "" // the message is next to the field
	}
	f.Set("open", action)
	u.renderCertificate(w, r, status, card, product, caps, f)
}

func (u *UI) portalRenew(w http.ResponseWriter, r *http.Request) {
	f := postForm(r)
	po := portalOrderOf(r)
	_, err := u.d.Orders.Renew(r.Context(), siteOf(r).Tenant.ID, po.ID, order.RenewInput{})
	if err != nil {
		u.portalActionFailed(w, r, f, "renew", err)
		return
	}
	u.redirect(w, r, po.Base, "Your renewal was sent to the certificate authority.")
}

func (u *UI) portalReissue(w http.ResponseWriter, r *http.Request) {
	f := postForm(r)
	t, po := siteOf(r).Tenant, portalOrderOf(r)
	in := order.ReissueInput{CSR: f.Get("csr")}
	if in.CSR == "" {
		in.GenerateKey = &order.GenerateKey{KeyType: f.Get("generate_key.key_type")}
		if cur, err := u.d.Orders.Get(r.Context(), t.ID, po.ID); err == nil && cur.Certificate != nil {
			in.GenerateKey.CommonName, in.GenerateKey.SANs = cur.Certificate.CommonName, cur.Certificate.SANs
		}
	}
	if _, err := u.d.Orders.Reissue(r.Context(), t.ID, po.ID, in); err != nil {
		u.portalActionFailed(w, r, f, "reissue", err)
		return
	}
	u.redirect(w, r, po.Base, "Your new certificate was requested. It is ready once validation completes.")
}

func (u *UI) portalRevoke(w http.ResponseWriter, r *http.Request) {
	f := postForm(r)
	po := portalOrderOf(r)
	if _, err := u.d.Orders.Revoke(r.Context(), siteOf(r).Tenant.ID, po.ID, f.Get("reason")); err != nil {
		u.portalActionFailed(w, r, f, "revoke", err)
		return
	}
	u.redirect(w, r, po.Base, "Your certificate was revoked.")
}

// wizardPage is the data of the configuration wizard.
type wizardPage struct {
	Order       orderCard
	Base        string
	Link        bool
	OV          bool
	Multi       bool
	Rows        []wizardRow
	KeyTypes    []option
	DCVMethods  []dcvChoice
	ServerTypes []option
	CNHint      string
	Err         map[string]string // errors of the hand-written inputs, as sentences
	TechOpen    bool
	EmailOK     bool
	Wildcard    bool
	MaxNames    int
}

// wizardRow is one per-name override of the validation method.
type wizardRow struct {
	Index                        int
	Name, Method, Approver       string
	NameError, MethodError, AErr string
	Methods                      []option
}

// wizardForm prefills the wizard: a generated key, contacts from the client.
func wizardForm(c *account.Client, card orderCard) *form {
	f := newForm(nil)
	f.Set("key_source", "generate")
	for _, who := range []string{"admin", "tech"} {
		p := "contacts." + who + "."
		f.Set(p+"first_name", c.FirstName)
		f.Set(p+"last_name", c.LastName)
		f.Set(p+"email", c.Email)
		f.Set(p+"phone", c.Phone)
	}
	o := "contacts.organization."
	f.Set(o+"name", c.Organization)
	f.Set(o+"phone", c.Phone)
	f.Set(o+"address.line1", c.Address.Line1)
	f.Set(o+"address.line2", c.Address.Line2)
	f.Set(o+"address.city", c.Address.City)
	f.Set(o+"address.state", c.Address.State)
	f.Set(o+"address.postal_code", c.Address.PostalCode)
	f.Set(o+"address.country", c.Address.Country)
	f.Set("server_type", "other")
	// A rejected request comes back with what was asked for, to correct.
	if len(card.Domains) > 0 {
		f.Set("generate_key.common_name", card.Domains[0].Name)
		var more []string
		for _, d := range card.Domains[1:] {
			more = append(more, d.Name)
		}
		f.Set("generate_key.sans", strings.Join(more, "\n"))
		f.Set("dcv_method", card.Domains[0].DCVMethod)
		if a := card.Domains[0].ApproverEmail; a != nil {
			f.Set("approver_email", *a)
		}
	}
	if card.Status == order.Rejected {
		f.Alert = "The certificate authority rejected the last request" + noteSuffix(card.StatusNote) + ". Correct it below and submit again."
	}
	return f
}

func noteSuffix(note string) string {
	if note == "" {
		return ""
	}
	return ": " + strings.TrimSuffix(note, ".")
}

func (u *UI) renderWizard(w http.ResponseWriter, r *http.Request, status int, card orderCard, client *account.Client,
	product *catalog.Product, caps provider.Capabilities, f *form) {
	po := portalOrderOf(r)
	emailOK := pki.EmailDCVAllowed(u.d.Orders.Now())
	p := wizardPage{Order: card, Base: po.Base, Link: po.Link, Multi: card.DomainsCount > 1, EmailOK: emailOK,
		KeyTypes: keyTypeOptions(f.Get("generate_key.key_type")), ServerTypes: serverTypeOptions(f.Get("server_type")),
		MaxNames: card.DomainsCount, Err: map[string]string{}, CNHint: "The main name the certificate is for."}
	for _, o := range dcvMethodOptions(caps, emailOK, f.Get("dcv_method")) {
		p.DCVMethods = append(p.DCVMethods, dcvChoice{option: o, Help: dcvHelp[o.Value]})
	}
	for k, label := range map[string]string{"csr": "CSR", "generate_key.sans": "More names", "generate_key.key_type": "Key type",
		"dcv_method": "Validation method", "approver_email": "Approver e-mail", "server_type": "Web server"} {
		if d, ok := f.Errors[k]; ok {
			p.Err[k] = inputMessage(label, d)
		}
	}
	for k := range f.Errors {
		if strings.HasPrefix(k, "contacts.tech.") {
			p.TechOpen = true
		}
	}
	if product != nil {
		p.OV = product.Validation == "ov" || product.Validation == "ev"
		p.Wildcard = product.Wildcard
		if p.Wildcard {
			p.CNHint = "The main name the certificate is for; a wildcard such as *.example.com is allowed."
		}
	}
	if p.Multi {
		for i := 0; i < min(card.DomainsCount, maxOverrideRows); i++ {
			pre := "domains[" + strconv.Itoa(i) + "]."
			row := wizardRow{Index: i, Name: f.Get(pre + "name"), Method: f.Get(pre + "dcv_method"), Approver: f.Get(pre + "approver_email"),
				NameError: errSentence(f.Errors[pre+"name"]), MethodError: errSentence(f.Errors[pre+"dcv_method"]),
				AErr: errSentence(f.Errors[pre+"approver_email"])}
			row.Methods = append([]option{{Value: "", Label: "Same as above", Selected: row.Method == ""}}, dcvMethodOptions(caps, emailOK, row.Method)...)
			p.Rows = append(p.Rows, row)
		}
	}
	v := u.newView(r, "Set up your certificate", "certificates")
	v.Form, v.Data = f, p
	u.renderPage(w, r, status, "portal/configure", v)
}

// maxOverrideRows bounds the per-name rows of the wizard; more names share the method for all.
const maxOverrideRows = 25

// wizardFields are the inputs of the wizard, named like the service's field errors.
var wizardFields = []string{"csr", "generate_key.key_type", "generate_key.common_name", "generate_key.sans", "dcv_method",
	"approver_email", "server_type",
	"contacts.admin.first_name", "contacts.admin.last_name", "contacts.admin.email", "contacts.admin.phone", "contacts.admin.job_title",
	"contacts.tech.first_name", "contacts.tech.last_name", "contacts.tech.email", "contacts.tech.phone", "contacts.tech.job_title",
	"contacts.organization.name", "contacts.organization.phone", "contacts.organization.address.line1",
	"contacts.organization.address.line2", "contacts.organization.address.city", "contacts.organization.address.state",
	"contacts.organization.address.postal_code", "contacts.organization.address.country"}

// configureCertificate submits the wizard. Refusals, local or from the provider, bring the form
// back with the message next to the field and everything typed kept (passwords aside, none here).
func (u *UI) configureCertificate(w http.ResponseWriter, r *http.Request) {
	f := postForm(r)
	po := portalOrderOf(r)
	card, client, product, caps, err := u.loadCard(r)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	if !card.Configurable() {
		u.redirect(w, r, po.Base, "This certificate was already set up.")
		return
	}
	in, names := configureInput(f, product)
	_, err = u.d.Orders.Configure(r.Context(), siteOf(r).Tenant.ID, po.ID, in)
	if err != nil {
		known := slices.Clone(wizardFields)
		for i := 0; i < maxOverrideRows; i++ {
			pre := "domains[" + strconv.Itoa(i) + "]."
			known = append(known, pre+"name", pre+"dcv_method", pre+"approver_email")
		}
		remapWizardErr(err, f, names)
		if f.apply(err, known...) {
			// The order may have moved on (a refusal after submission leaves it configurable).
			if card2, _, _, _, lerr := u.loadCard(r); lerr == nil {
				card = card2
			}
			u.renderWizard(w, r, http.StatusUnprocessableEntity, card, client, product, caps, f)
			return
		}
		if status, msg, ok := actionProblem(err); ok {
			f.Alert = msg
			u.renderWizard(w, r, status, card, client, product, caps, f)
			return
		}
		u.fail(w, r, err)
		return
	}
	u.redirect(w, r, po.Base, "Thank you. Your request was sent to the certificate authority.")
}

// configureInput reads the wizard into the service's input, and the names of the certificate as the
// service will number them (for the per-name error fields).
func configureInput(f *form, product *catalog.Product) (order.ConfigureInput, []string) {
	in := order.ConfigureInput{DCVMethod: f.Get("dcv_method"), ServerType: f.Get("server_type")}
	var names []string
	if f.Get("key_source") == "csr" {
		in.CSR = f.Get("csr")
		if in.CSR == "" {
			in.CSR = " " // "paste a CSR" rather than "paste a CSR or ask for generate_key"
		}
		if info, err := pki.ParseCSR([]byte(in.CSR)); err == nil {
			names = info.Names
		}
	} else {
		g := &order.GenerateKey{KeyType: f.Get("generate_key.key_type"), CommonName: f.Get("generate_key.common_name"),
			SANs: splitNames(f.Get("generate_key.sans"))}
		in.GenerateKey = g
		names = []string{strings.ToLower(g.CommonName)}
		for _, n := range g.SANs {
			if n = strings.ToLower(n); !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
	}
	if in.DCVMethod == provider.DCVEmail {
		in.ApproverEmail = f.Get("approver_email")
	}
	in.Domains = domainChoices(f)
	contact := func(who string) *order.ContactInput {
		p := "contacts." + who + "."
		return &order.ContactInput{FirstName: f.Get(p + "first_name"), LastName: f.Get(p + "last_name"), Email: f.Get(p + "email"),
			Phone: f.Get(p + "phone"), JobTitle: f.Get(p + "job_title")}
	}
	in.Contacts = &order.ContactsInput{Admin: contact("admin"), Tech: contact("tech")}
	if product != nil && (product.Validation == "ov" || product.Validation == "ev") {
		o := "contacts.organization."
		in.Contacts.Organization = &order.OrganizationInput{Name: f.Get(o + "name"), Phone: f.Get(o + "phone"),
			Address: account.Address{Line1: f.Get(o + "address.line1"), Line2: f.Get(o + "address.line2"), City: f.Get(o + "address.city"),
				State: f.Get(o + "address.state"), PostalCode: f.Get(o + "address.postal_code"), Country: f.Get(o + "address.country")}}
	}
	return in, names
}

// splitNames reads a list of names typed one a line or separated by commas or spaces.
func splitNames(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\r' || r == '\t' })
}

var domainField = regexp.MustCompile(`^domains\[(\d+)\]\.(dcv_method|approver_email|name)$`)

// remapWizardErr moves the service's field names onto the wizard's inputs: per-name errors are
// numbered by the certificate's names, the wizard's rows by what the client typed; errors about a
// whole group go to its first input.
func remapWizardErr(err error, f *form, names []string) {
	e, ok := errs.As(err)
	if !ok {
		return
	}
	for i, fe := range e.Fields {
		switch fe.Field {
		case "generate_key", "generate_key.sans":
			if f.Get("generate_key.sans") == "" || fe.Field == "generate_key" {
				e.Fields[i].Field = "generate_key.common_name"
			}
		case "contacts.admin", "contacts.tech":
			e.Fields[i].Field = fe.Field + ".first_name"
		case "contacts.organization.address":
			e.Fields[i].Field = "contacts.organization.address.line1"
		case "domains", "domain":
			e.Fields[i].Field = "dcv_method"
		}
		m := domainField.FindStringSubmatch(fe.Field)
		if m == nil {
			continue
		}
		n, _ := strconv.Atoi(m[1])
		row := -1
		if n < len(names) {
			for j := 0; j < maxOverrideRows; j++ {
				if strings.EqualFold(f.Get("domains["+strconv.Itoa(j)+"].name"), names[n]) {
					row = j
					break
				}
			}
		}
		if row >= 0 {
			e.Fields[i].Field = "domains[" + strconv.Itoa(row) + "]." + m[2]
		} else if m[2] != "name" {
			e.Fields[i].Field = m[2]
		}
	}
}

// approverList is the fragment of approver addresses for one name.
type approverList struct {
	Field    string
	ID       string
	Domain   string
	Emails   []option
	Message  string
	Selected string
}

var approverFieldRE = regexp.MustCompile(`^(approver_email|domains\[\d{1,2}\]\.approver_email)$`)

// approverOptions answers the wizard's live lookup: the addresses that may approve a name, from the
// provider, as a select named like the field it fills.
func (u *UI) approverOptions(w http.ResponseWriter, r *http.Request) {
	u.approverList(w, r, portalOrderOf(r).ID)
}

// approverList renders the approver select of one order (the wizard's and the admin's).
func (u *UI) approverList(w http.ResponseWriter, r *http.Request, orderID uuid.UUID) {
	q := r.URL.Query()
	field := q.Get("field")
	if !approverFieldRE.MatchString(field) {
		field = "approver_email"
	}
	domain := q.Get("domain")
	for k := range q {
		if strings.HasSuffix(k, ".name") {
			domain = q.Get(k)
		}
	}
	if domain == "" {
		if q.Get("key_source") == "csr" {
			if info, err := pki.ParseCSR([]byte(q.Get("csr"))); err == nil {
				domain = info.CommonName
			}
		} else {
			domain = q.Get("generate_key.common_name")
		}
	}
	domain = strings.ToLower(strings.TrimSpace(domain))
	l := approverList{Field: field, ID: "f-" + strings.NewReplacer(".", "-", "_", "-", "[", "-", "]", "").Replace(field),
		Domain: domain, Selected: q.Get("selected")}
	if domain == "" {
		l.Message = "Type the domain name above to see the addresses that can approve it."
	} else {
		list, err := u.d.Orders.ApproverEmails(r.Context(), siteOf(r).Tenant.ID, orderID, strings.TrimPrefix(domain, "*."))
		switch {
		case err == nil && len(list) == 0:
			l.Message = "The certificate authority lists no address for " + domain + ". Choose another method."
		case err == nil:
			for _, a := range list {
				l.Emails = append(l.Emails, option{Value: a, Label: a, Selected: a == l.Selected})
			}
		default:
			e, ok := errs.As(err)
			if !ok || e.Code == errs.Internal {
				u.fail(w, r, err)
				return
			}
			l.Message = sentence(e.Message)
			if len(e.Fields) > 0 {
				l.Message = sentence(e.Fields[0].Detail)
			}
			if e.Code == errs.ProviderUnavailable {
				l.Message = "The certificate authority could not be reached to list the addresses. Please try again in a minute."
			}
		}
	}
	v := u.newView(r, "", "")
	v.Data = l
	u.renderPartial(w, r, "portal/configure", "approver_list", v)
}

// ServerName names the web server the install steps are for.
func (p certPage) ServerName() string {
	if p.Setup != nil {
		if l, ok := serverTypeLabels[p.Setup.ServerType]; ok && p.Setup.ServerType != "other" {
			return l
		}
	}
	return "your server"
}

// dcvChoice is a validation method with what it asks of the client.
type dcvChoice struct {
	option
	Help string
}

var dcvHelp = map[string]string{
	provider.DCVDNS:   "Add a DNS record at your DNS provider. Works for wildcards.",
	provider.DCVHTTP:  "Put a small file on your web site.",
	provider.DCVEmail: "Click a link in an e-mail sent to an address at your domain.",
}

// inputMessage is fieldMessage that leaves a detail starting with an address or a name as it is.
func inputMessage(label, detail string) string {
	first, _, _ := strings.Cut(detail, " ")
	if strings.ContainsAny(first, "@.*") {
		return strings.TrimSuffix(detail, ".") + "."
	}
	return fieldMessage(label, detail)
}

func errSentence(s string) string {
	if s == "" {
		return ""
	}
	return sentence(s)
}

// csrSummary is the wizard's live reading of a pasted CSR: the names and key it asks for, or what
// is wrong with it, checked locally against the product as the submission will be.
type csrSummary struct {
	Names   []string
	KeyType string
	Problem string
}

func (u *UI) csrSummary(w http.ResponseWriter, r *http.Request) {
	raw := strings.TrimSpace(r.URL.Query().Get("csr"))
	var out csrSummary
	if raw != "" {
		_, _, product, _, err := u.loadCard(r)
		if err != nil {
			u.fail(w, r, err)
			return
		}
		info, err := pki.ParseCSR([]byte(raw))
		if err == nil && product != nil {
			o, gerr := u.d.Orders.Get(r.Context(), siteOf(r).Tenant.ID, portalOrderOf(r).ID)
			if gerr != nil {
				u.fail(w, r, gerr)
				return
			}
			err = info.CheckNames(pki.NameRules{Wildcard: product.Wildcard, MaxNames: min(product.MaxDomains, o.DomainsCount)})
		}
		switch e, ok := errs.As(err); {
		case err == nil:
			out.Names, out.KeyType = info.Names, info.KeyType
		case ok && e.Code == errs.Invalid:
			var d []string
			for _, fe := range e.Fields {
				d = append(d, fe.Detail)
			}
			if len(d) == 0 {
				d = append(d, e.Message)
			}
			out.Problem = sentence(strings.Join(d, "; "))
		default:
			u.fail(w, r, err)
			return
		}
	}
	v := u.newView(r, "", "")
	v.Data = out
	u.renderPartial(w, r, "portal/configure", "csr_summary", v)
}
