package enom

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sslreseller/sslreseller/internal/provider"
)

// plan is a request checked and written in Enom's terms before anything is bought: nothing that can be
// found wrong locally is found after PurchaseServices has debited the account.
type plan struct {
	code          string
	prodType      int
	traits        ProductTraits
	years         int
	names         []string
	csr           string
	webServerType int
	method        string // our DCV method of the certificate
	approver      string
	admin, tech   Contact
	org           provider.Organization
}

// namesOf returns the request's names, common name first, lower-cased, without repeats.
func namesOf(req provider.Request) []string {
	var out []string
	add := func(n string) {
		if n = strings.ToLower(strings.TrimSpace(n)); n != "" && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	add(req.CommonName)
	for _, n := range req.Names {
		add(n)
	}
	return out
}

// planOf checks a request for command and writes it in Enom's terms. Problems are Invalid errors naming
// our field: "item", "period_months", "csr", "domains", "server_type", "dcv_method", "approver_email",
// "contacts.admin.phone", "contacts.tech.phone".
func planOf(command string, req provider.Request) (*plan, error) {
	code := strings.ToLower(strings.TrimSpace(req.Item))
	if code == "" {
		return nil, invalidErr(command, "item", "the Enom product code is required")
	}
	pt, t := productOf(code)
	p := &plan{code: code, prodType: pt, traits: t, org: req.Contacts.Organization}
	maxYears := t.MaxYears
	if maxYears == 0 {
		maxYears = 3
	}
	switch m := req.PeriodMonths; {
	case m == 0:
		p.years = 1
	case m < 0 || m%12 != 0 || m/12 > maxYears:
		return nil, invalidErr(command, "period_months", "Enom sells this certificate for 1 to %d whole years; %d months is not a term it sells", maxYears, m)
	default:
		p.years = m / 12
	}
	if strings.TrimSpace(string(req.CSR)) == "" {
		return nil, invalidErr(command, "csr", "a certificate signing request (CSR) is required")
	}
	p.csr = string(req.CSR)
	p.names = namesOf(req)
	if len(p.names) == 0 {
		return nil, invalidErr(command, "domains", "the request names no domain")
	}
	if len(p.names) > 1 && !t.MultiDomain {
		extra := p.names[1:]
		twin := "www." + p.names[0]
		if strings.HasPrefix(p.names[0], "www.") {
			twin = strings.TrimPrefix(p.names[0], "www.")
		}
		if len(extra) > 1 || extra[0] != twin {
			return nil, invalidErr(command, "domains", "%s certifies one name (with its www twin); choose a multi-domain (UCC) product for %d names", code, len(p.names))
		}
	}
	if t.MultiDomain && t.MaxNames > 0 && len(p.names) > t.MaxNames {
		return nil, invalidErr(command, "domains", "%s takes at most %d names", code, t.MaxNames)
	}
	wst, err := WebServerType(req.ServerType, pt)
	if err != nil {
		return nil, err
	}
	p.webServerType = wst
	d := provider.DomainDCV{Name: p.names[0], Method: provider.DCVEmail}
	for _, g := range req.DCV {
		if strings.EqualFold(g.Name, p.names[0]) {
			d = g
		}
	}
	p.method = strings.ToLower(strings.TrimSpace(d.Method))
	if p.method == "" {
		p.method = provider.DCVEmail
	}
	if _, ok := dvAuthMethods[p.method]; !ok {
		return nil, invalidErr(command, "dcv_method", "%q is not a validation method Enom offers (email, http or dns)", d.Method)
	}
	if p.method != provider.DCVEmail && !fileDNS(t) {
		return nil, invalidErr(command, "dcv_method", "Enom validates %s %s only by e-mail to an approver address; choose email", t.Brand, code)
	}
	if p.method == provider.DCVHTTP && strings.HasPrefix(p.names[0], "*.") {
		return nil, invalidErr(command, "dcv_method", "a wildcard name (%s) cannot be validated by an HTTP file; use dns or email", p.names[0])
	}
	if p.method == provider.DCVEmail {
		p.approver = strings.ToLower(strings.TrimSpace(d.ApproverEmail))
		if p.approver == "" {
			return nil, invalidErr(command, "approver_email", "choose the address that approves %s", p.names[0])
		}
	}
	p.admin = contactOf(req.Contacts.Admin, req.Contacts.Organization)
	p.tech = contactOf(req.Contacts.Tech, req.Contacts.Organization)
	for _, c := range []struct {
		field string
		c     Contact
	}{{"contacts.admin.phone", p.admin}, {"contacts.tech.phone", p.tech}} {
		if _, err := FormatPhone(c.c.Phone, c.c.Country); err != nil {
			var pe *provider.Error
			if errors.As(err, &pe) {
				pe.Command, pe.Field = command, c.field
			}
			return nil, err
		}
	}
	return p, nil
}

// configure sends the planned request for a bought certificate: CertConfigureCert (CSR, web server type,
// Admin, Tech and Billing contacts, the UCC list), then CertPurchaseCert (the approver or the File or DNS
// method, the organisation of OV and EV certificates). Billing is the admin contact: the service keeps
// no billing contact.
func (a *Adapter) configure(ctx context.Context, certID string, p *plan) (*PurchaseCertResult, error) {
	return a.send(ctx, certID, p, true)
}

// send is configure; with configure false it skips CertConfigureCert for a certificate Enom already
// has the configuration of.
func (a *Adapter) send(ctx context.Context, certID string, p *plan, configure bool) (*PurchaseCertResult, error) {
	creq := ConfigureRequest{CertID: certID, WebServerType: p.webServerType, CSR: p.csr, Admin: p.admin, Tech: p.tech, Billing: p.admin}
	preq := PurchaseCertRequest{CertID: certID}
	if p.traits.MultiDomain && len(p.names) > 1 {
		creq.DomainList = p.names[1:]
		preq.DomainList = p.names[1:]
		for range p.names[1:] {
			creq.DomainEmails = append(creq.DomainEmails, p.approver)
		}
		preq.DomainEmails = creq.DomainEmails
	}
	if configure {
		if _, err := a.client.CertConfigureCert(ctx, creq); err != nil {
			return nil, a.explain(err)
		}
	}
	preq.ApproverEmail = p.approver
	if fileDNS(p.traits) {
		preq.DVAuthMethod = dvAuthMethods[p.method]
	}
	if p.traits.Validation != provider.DV {
		o := p.org
		preq.CSROrganization, preq.CSRAddress1, preq.CSRAddress2 = o.Name, o.Line1, o.Line2
		preq.CSRLocality, preq.CSRStateProvince, preq.CSRPostalCode = o.City, o.State, o.PostalCode
		preq.CSRCountry = strings.ToUpper(o.Country)
	}
	res, err := a.client.CertPurchaseCert(ctx, preq)
	if err != nil {
		return nil, a.explain(err)
	}
	if res.Validation.ApproverEmail == "" && p.method == provider.DCVEmail {
		res.Validation.ApproverEmail = p.approver
	}
	return res, nil
}

// Submit buys a certificate (PurchaseServices, which debits the account balance), configures it and
// submits it to the CA (CertConfigureCert, CertPurchaseCert). Everything that can be checked locally is
// checked before buying. Enom keeps no reference of ours: a purchase whose answer was lost is found by
// Find. When the purchase succeeded but the configuration could not be sent (network, 5xx, maintenance),
// the submission is pending with the certificate's CertID and the next Status sends it. A refusal after
// the purchase names the CertID, which stays in the Enom account and can be configured again.
// Insufficient balance is Temporary with a message telling staff to add funds.
func (a *Adapter) Submit(ctx context.Context, req provider.Request) (*provider.Submission, error) {
	p, err := planOf(cmdPurchaseServices, req)
	if err != nil {
		return nil, err
	}
	bought, err := a.client.PurchaseServices(ctx, PurchaseRequest{Service: p.code, Years: p.years})
	if err != nil {
		return nil, a.explain(err)
	}
	res, err := a.configure(ctx, bought.CertID, p)
	if err != nil {
		if provider.ClassOf(err) == provider.Temporary {
			return &provider.Submission{Ref: bought.CertID, State: provider.StatePending, Test: a.test()}, nil
		}
		var pe *provider.Error
		if errors.As(err, &pe) {
			pe.Message += fmt.Sprintf(" (Enom certificate %s was bought and awaits configuration in the Enom account)", bought.CertID)
		}
		return nil, err
	}
	return &provider.Submission{Ref: bought.CertID, State: provider.StatePending,
		DCV: dcvOf(res.Validation, p.names, provider.StatePending), Test: a.test()}, nil
}

// Status asks Enom about a certificate (CertGetCertDetail) and maps its status with stateTable. A
// certificate still awaiting configuration (its configuration was not sent, or was lost) is configured
// and submitted now from the request. Once issued the answer carries the certificate and the
// intermediates (CACerts without the root); while a reissue is not processed Enom still shows the old
// certificate, so a certificate for another key than the request's is reported as pending. Errors:
// NotFound (an unknown CertID), Auth, Temporary, and for a configuration sent now those of Submit.
func (a *Adapter) Status(ctx context.Context, q provider.StatusQuery) (*provider.Status, error) {
	if strings.TrimSpace(q.Ref) == "" {
		return nil, &provider.Error{Class: provider.NotFound, Command: cmdCertGetCertDetail,
			Message: "the request has no Enom CertID to ask about"}
	}
	d, err := a.client.CertGetCertDetail(ctx, q.Ref)
	if err != nil {
		return nil, a.explain(err)
	}
	names := namesOf(q.Request)
	if len(names) == 0 {
		names = append([]string{strings.ToLower(d.DomainName)}, d.DomainList...)
		names = slices.Compact(names)
	}
	st := &provider.Status{State: stateOf(d.Status), Raw: d.StatusText}
	if d.StatusDetail != "" {
		st.Raw += " (" + d.StatusDetail + ")"
	}
	if d.Status == StatusAwaitingConfiguration && len(q.Request.CSR) > 0 {
		p, err := planOf(cmdCertConfigureCert, q.Request)
		if err != nil {
			return nil, err
		}
		// A configured certificate (it has a domain) is only submitted: configuring it again would
		// repeat what Enom has.
		configured := strings.TrimSpace(d.DomainName) != "" || !d.ConfigDate.IsZero()
		res, err := a.send(ctx, q.Ref, p, !configured)
		if err != nil {
			return nil, err
		}
		st.Raw = d.StatusText + " (submitted now)"
		st.DCV = dcvOf(res.Validation, p.names, provider.StatePending)
		return st, nil
	}
	if st.State == provider.StateIssued {
		if strings.TrimSpace(d.CertificatePEM) == "" {
			st.State, st.Raw = provider.StatePending, d.StatusText+" (the certificate is not available yet)"
		} else {
			leaf, certPEM, chainPEM, err := splitCertificate(d.CertificatePEM, d.ChainPEM)
			switch {
			case err != nil:
				return nil, &provider.Error{Class: provider.Temporary, Command: cmdCertGetCertDetail, Err: err,
					Message: "Enom sent a certificate that cannot be read: " + err.Error()}
			case !sameKey(q.Request.CSR, leaf):
				st.State, st.Raw = provider.StatePending, d.StatusText+" (the certificate is for another key: the reissue is not processed yet)"
			default:
				st.CertPEM, st.ChainPEM = certPEM, chainPEM
			}
		}
	}
	st.Reason = reasonOf(st.State, d)
	st.DCV = dcvOf(d.Validation, names, st.State)
	return st, nil
}

// Reissue asks for a new certificate for a new key under the same CertID (CertReissueCert). Enom
// reissues GeoTrust, RapidSSL and Symantec certificates only: for other brands (Comodo) it is an
// Unsupported error telling staff to order a new certificate. Errors: Unsupported, Invalid ("csr"),
// NotFound, Auth, Temporary.
func (a *Adapter) Reissue(ctx context.Context, ref string, req provider.Request) (*provider.Submission, error) {
	_, t := productOf(req.Item)
	if !t.Reissue {
		brand := t.Brand
		if brand == "" {
			brand = "this product"
		}
		return nil, &provider.Error{Class: provider.Unsupported, Command: cmdCertReissueCert,
			Message: "Enom reissues only GeoTrust, RapidSSL and Symantec certificates, not " + brand + "; order a new certificate instead"}
	}
	if strings.TrimSpace(string(req.CSR)) == "" {
		return nil, invalidErr(cmdCertReissueCert, "csr", "a new certificate signing request (CSR) is required")
	}
	if _, err := a.client.CertReissueCert(ctx, ref, string(req.CSR)); err != nil {
		return nil, a.explain(err)
	}
	return &provider.Submission{Ref: ref, State: provider.StatePending, Test: a.test()}, nil
}

// ResendDCV sends the approval e-mail again (CertResendApproverEmail). Errors: Invalid (the status does
// not allow it), NotFound, Auth, Temporary.
func (a *Adapter) ResendDCV(ctx context.Context, ref string) error {
	_, err := a.client.CertResendApproverEmail(ctx, ref)
	return a.explain(err)
}

// ChangeDCV changes the validation of a pending certificate. Enom validates a certificate by one method,
// so the first entry of dcv decides for all names. A new approver address with the same method is
// CertChangeApproverEmail; a change of method (e-mail, File, DNS; File and DNS only for the GeoTrust DV
// family) resets the submission with CertModifyOrder and configures and submits the certificate again
// with its CSR, web server type and contacts as Enom has them. It returns the validations of all names.
// Errors: Invalid ("domains", "dcv_method", "approver_email", a status that does not allow it),
// NotFound, Auth, Temporary.
func (a *Adapter) ChangeDCV(ctx context.Context, ref string, dcv []provider.DomainDCV) ([]provider.DomainDCV, error) {
	const cmd = cmdCertChangeApproverEmail
	if len(dcv) == 0 {
		return nil, invalidErr(cmd, "domains", "name at least one domain whose validation should change")
	}
	d, err := a.client.CertGetCertDetail(ctx, ref)
	if err != nil {
		return nil, a.explain(err)
	}
	names := slices.Compact(append([]string{strings.ToLower(d.DomainName)}, d.DomainList...))
	if d.Status != StatusPending {
		return nil, invalidErr(cmd, "domains", "the validation can change only while the certificate is with the CA (Enom status %s)", d.StatusText)
	}
	for _, g := range dcv {
		if !slices.Contains(names, strings.ToLower(strings.TrimSpace(g.Name))) {
			return nil, invalidErr(cmd, "domains", "%s is not a name of this Enom certificate", g.Name)
		}
	}
	want := dcv[0]
	method := strings.ToLower(strings.TrimSpace(want.Method))
	cur := ourMethod(d.Validation.Method)
	if d.Validation.Method == "" && d.Validation.ApproverEmail == "" && d.Validation.FileName != "" {
		cur = provider.DCVHTTP
	}
	if method == "" {
		method = cur
	}
	if _, ok := dvAuthMethods[method]; !ok {
		return nil, invalidErr(cmd, "dcv_method", "%q is not a validation method Enom offers (email, http or dns)", want.Method)
	}
	email := strings.ToLower(strings.TrimSpace(want.ApproverEmail))
	if method == provider.DCVEmail && email == "" {
		return nil, invalidErr(cmd, "approver_email", "choose the address that approves %s", names[0])
	}
	if method == cur && method == provider.DCVEmail {
		got, err := a.client.CertChangeApproverEmail(ctx, ref, email)
		if err != nil {
			return nil, a.explain(err)
		}
		if got == "" {
			got = email
		}
		v := d.Validation
		v.Method, v.ApproverEmail = "", got
		return dcvOf(v, names, provider.StatePending), nil
	}
	if method == cur {
		return dcvOf(d.Validation, names, provider.StatePending), nil
	}
	t, _ := Traits(d.ProdType, "")
	if method != provider.DCVEmail && !fileDNS(t) {
		return nil, invalidErr(cmd, "dcv_method", "Enom validates %s only by e-mail to an approver address", d.ProdDesc)
	}
	if _, err := a.client.CertModifyOrder(ctx, ref); err != nil {
		return nil, a.explain(err)
	}
	p := &plan{prodType: d.ProdType, traits: t, names: names, csr: d.CSR, webServerType: d.WebServerTypeID,
		method: method, approver: email, admin: d.Admin, tech: d.Tech,
		org: provider.Organization{Name: d.Admin.Organization, Line1: d.Admin.Address1, Line2: d.Admin.Address2,
			City: d.Admin.City, State: d.Admin.State, PostalCode: d.Admin.PostalCode, Country: d.Admin.Country}}
	res, err := a.configure(ctx, ref, p)
	if err != nil {
		return nil, err
	}
	return dcvOf(res.Validation, names, provider.StatePending), nil
}

// anyCert returns the CertID of a certificate of the account, preferring one awaiting configuration:
// Enom answers CertGetApproverEmail and CertParseCSR only for a certificate, though the answer does not
// depend on it. It returns "" when the account has none.
func (a *Adapter) anyCert(ctx context.Context) (string, error) {
	for _, status := range []int{1, 0} {
		l, err := a.client.CertGetCerts(ctx, CertListRequest{StatusID: status, PageSize: 1, SortBy: "CertID", Descending: true})
		if err != nil {
			return "", a.explain(err)
		}
		if len(l.Certs) > 0 {
			return l.Certs[0].CertID, nil
		}
	}
	return "", nil
}

// ApproverEmails lists the addresses that may approve a certificate for domain (CertGetApproverEmail,
// asked about a certificate of the account). When the account has no certificate yet Enom cannot be
// asked, and the constructed addresses (admin@, administrator@, hostmaster@, postmaster@, webmaster@ at
// the name and each parent), which are what Enom's lists hold, are offered. Errors: Invalid ("domain"),
// Auth, Temporary.
func (a *Adapter) ApproverEmails(ctx context.Context, item, domain string) ([]string, error) {
	base := strings.TrimPrefix(strings.ToLower(strings.TrimSpace(domain)), "*.")
	if base == "" {
		return nil, invalidErr(cmdCertGetApproverEmail, "domain", "a domain name is required")
	}
	id, err := a.anyCert(ctx)
	if err != nil {
		return nil, err
	}
	if id == "" {
		return constructedApprovers(base), nil
	}
	list, err := a.client.CertGetApproverEmail(ctx, id, base)
	if err != nil {
		return nil, a.explain(err)
	}
	var out []string
	for _, ap := range list {
		if e := strings.ToLower(strings.TrimSpace(ap.Email)); e != "" && !slices.Contains(out, e) {
			out = append(out, e)
		}
	}
	if len(out) == 0 {
		out = constructedApprovers(base)
	}
	return out, nil
}

// constructedApprovers are the constructed addresses at name and each parent down to two labels.
func constructedApprovers(name string) []string {
	labels := strings.Split(name, ".")
	var out []string
	for i := 0; i+2 <= len(labels); i++ {
		d := strings.Join(labels[i:], ".")
		for _, lp := range []string{"admin", "administrator", "hostmaster", "postmaster", "webmaster"} {
			out = append(out, lp+"@"+d)
		}
	}
	return out
}

// DecodeCSR asks Enom how it reads a CSR (CertParseCSR, asked about a certificate of the account). The
// service checks every CSR locally too; this shows staff Enom's view. An account without any certificate
// cannot ask: that is an Unsupported error. Errors: Unsupported, Invalid ("csr"), Auth, Temporary.
func (a *Adapter) DecodeCSR(ctx context.Context, csrPEM []byte) (*CSRData, error) {
	id, err := a.anyCert(ctx)
	if err != nil {
		return nil, err
	}
	if id == "" {
		return nil, &provider.Error{Class: provider.Unsupported, Command: cmdCertParseCSR,
			Message: "Enom reads a CSR only for a certificate of the account, and this account has none yet; the service's own check applies"}
	}
	d, err := a.client.CertParseCSR(ctx, id, string(csrPEM))
	if err != nil {
		return nil, a.explain(err)
	}
	return d, nil
}

// Find answers the reconciler after a crash or a lost answer between "submitting" and the recorded
// result. Enom keeps no reference of ours, so it lists the account's certificates ordered since q.Since
// (CertGetCerts, the day before included because Enom filters by whole days) and returns those whose
// domain is the request's common name, and those bought but not configured yet (no domain, status
// Awaiting Configuration), which Status then configures. Every match has ByOurRef false: the reconciler
// adopts a single one and hands several to staff. Without names nothing is found. Errors: Auth,
// Temporary.
func (a *Adapter) Find(ctx context.Context, q provider.FindQuery) ([]provider.Found, error) {
	found := []provider.Found{}
	names := namesOf(provider.Request{Names: q.Names})
	if len(names) == 0 {
		return found, nil
	}
	cn := names[0]
	since := q.Since.UTC()
	certs, err := a.client.ListAllCerts(ctx, CertListRequest{OrderDateStart: since.AddDate(0, 0, -1)})
	if err != nil {
		return nil, a.explain(err)
	}
	day := time.Date(since.Year(), since.Month(), since.Day(), 0, 0, 0, 0, time.UTC)
	for _, c := range certs {
		if !c.OrderDate.IsZero() && c.OrderDate.Before(day) {
			continue
		}
		domain := strings.ToLower(strings.TrimSpace(c.DomainName))
		unconfigured := domain == "" && c.Status == StatusAwaitingConfiguration
		if domain != cn && !unconfigured {
			continue
		}
		// CertGetCerts gives the order day only; CertGetCertDetail gives the time.
		at := c.OrderDate
		if d, err := a.client.CertGetCertDetail(ctx, c.CertID); err != nil {
			return nil, a.explain(err)
		} else if !d.OrderDate.IsZero() {
			at = d.OrderDate
		}
		if at.Equal(time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, time.UTC)) {
			at = time.Time{} // a day without a time says nothing about the order of events within it
		} else if at.Before(since) {
			continue
		}
		found = append(found, provider.Found{Ref: c.CertID, State: stateOf(c.Status), CommonName: domain, SubmittedAt: at})
	}
	return found, nil
}
