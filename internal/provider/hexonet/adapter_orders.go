package hexonet

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sslreseller/sslreseller/internal/provider"
)

// years converts a period in months to HEXONET's PERIOD in years: 0 leaves HEXONET's default (one year),
// anything but whole years from 1 to 10 is an Invalid error on "period_months".
func years(command string, months int) (int, error) {
	switch {
	case months == 0:
		return 0, nil
	case months < 0 || months%12 != 0 || months > 120:
		return 0, invalidErr(command, "period_months", "HEXONET sells certificates by whole years; %d months is not a period it sells", months)
	}
	return months / 12, nil
}

// namesOf returns the request's names, common name first.
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

// validationsOf maps the request's DCV to VALIDATIONn / VALIDATIONEMAILn in the order of names. A name
// without a choice is validated by e-mail, HEXONET's default. A class that HEXONET validates only by
// e-mail refuses the other methods with an Invalid error on "dcv_method"; an e-mail validation without an
// approver address is an Invalid error on "approver_email".
func validationsOf(command string, req provider.Request, names []string, info ClassInfo, known bool) ([]DCV, error) {
	out := make([]DCV, len(names))
	for i, n := range names {
		d := provider.DomainDCV{Name: n, Method: provider.DCVEmail}
		for _, g := range req.DCV {
			if strings.EqualFold(g.Name, n) {
				d = g
			}
		}
		method, ok := dcvMethods[strings.ToLower(d.Method)]
		if !ok {
			return nil, invalidErr(command, "dcv_method", "%q is not a validation method HEXONET offers (email, http or dns)", d.Method)
		}
		if method != ValidationEmail && known && !info.DNSAndFileDCV {
			return nil, invalidErr(command, "dcv_method", "HEXONET validates %s %s only by e-mail to an approver address; choose email for %s",
				info.Brand, info.Name, n)
		}
		if method == ValidationURL && strings.HasPrefix(n, "*.") {
			return nil, invalidErr(command, "dcv_method", "a wildcard name (%s) cannot be validated by an HTTP file; use dns or email", n)
		}
		out[i] = DCV{Method: method}
		if method == ValidationEmail {
			email := strings.ToLower(strings.TrimSpace(d.ApproverEmail))
			if email == "" {
				return nil, invalidErr(command, "approver_email", "choose the address that approves %s", n)
			}
			out[i].Email = email
		}
	}
	return out, nil
}

// Submit orders and submits a certificate in one CreateSSLCert: the class, the period in years, the CSR
// one line per attribute, the names (SSLCERTDOMAIN and DOMAINn), the server software, the validation of
// each name and the contacts inline. HEXONET keeps no reference of ours, so Request.Ref is not sent; an
// order whose answer was lost is found by Find. HEXONET debits the account; "546 Credit limit exceeded"
// is a Temporary error telling staff to add funds. Problems with the request are Invalid errors naming
// the field ("item", "period_months", "csr", "domains", "dcv_method", "approver_email", "contacts").
func (a *Adapter) Submit(ctx context.Context, req provider.Request) (*provider.Submission, error) {
	const cmd = "CreateSSLCert"
	info, known := LookupClass(req.Item)
	period, err := years(cmd, req.PeriodMonths)
	if err != nil {
		return nil, err
	}
	names := namesOf(req)
	if len(names) == 0 {
		return nil, invalidErr(cmd, "domains", "the request names no domain")
	}
	dcv, err := validationsOf(cmd, req, names, info, known)
	if err != nil {
		return nil, err
	}
	cert, err := a.client.CreateSSLCert(ctx, CreateRequest{
		Class:          req.Item,
		Period:         period,
		CSR:            string(req.CSR),
		CommonName:     names[0],
		Domains:        names,
		ServerSoftware: serverSoftwareOf(req.ServerType),
		DCV:            dcv,
		Contacts:       contactsOf(req.Contacts, classInfo(req.Item)),
	})
	if err != nil {
		return nil, a.explain(err)
	}
	state := stateOf(cert.RawStatus)
	return &provider.Submission{Ref: cert.ID, State: state, DCV: dcvOf(cert.Validations, names, state), Test: a.test()}, nil
}

// test reports an environment that issues no real certificates: the OT&E system.
func (a *Adapter) test() bool { return a.client.Environment() == EnvironmentTest }

// Status asks HEXONET about a certificate (StatusSSLCert) and maps its STATUS with stateTable. Once it
// is issued (ACTIVE, or REPLACED by a renewal) the answer carries the certificate (CRT) and the
// intermediates of the chain (CACRT without the leaf and the root). While a reissue is not processed yet
// HEXONET still shows the old certificate as ACTIVE: a certificate for another key than the request's is
// reported as pending. Rejected, expired and revoked requests carry HEXONET's STATUSDETAILS as the
// reason. An unknown reference is a NotFound error; a certificate that cannot be read is Temporary.
func (a *Adapter) Status(ctx context.Context, q provider.StatusQuery) (*provider.Status, error) {
	if strings.TrimSpace(q.Ref) == "" {
		return nil, &provider.Error{Class: provider.NotFound, Command: "StatusSSLCert",
			Message: "the request has no HEXONET certificate ID (SSLCERTID) to ask about"}
	}
	cert, err := a.client.StatusSSLCert(ctx, q.Ref)
	if err != nil {
		return nil, a.explain(err)
	}
	names := namesOf(q.Request)
	if len(names) == 0 {
		names = cert.Domains
	}
	st := &provider.Status{State: stateOf(cert.RawStatus), Raw: cert.RawStatus}
	if cert.StatusDetails != "" {
		st.Raw += " (" + cert.StatusDetails + ")"
	}
	if st.State == provider.StateIssued {
		if strings.TrimSpace(cert.CertificatePEM) == "" {
			st.State, st.Raw = provider.StatePending, cert.RawStatus+" (the certificate is not available yet)"
		} else {
			leaf, certPEM, chainPEM, err := splitCertificate(cert.CertificatePEM, cert.ChainPEM)
			switch {
			case err != nil:
				return nil, &provider.Error{Class: provider.Temporary, Command: "StatusSSLCert", Err: err,
					Message: "HEXONET sent a certificate that cannot be read: " + err.Error()}
			case !sameKey(q.Request.CSR, leaf):
				st.State, st.Raw = provider.StatePending, cert.RawStatus+" (the certificate is for another key: the new request is not processed yet)"
			default:
				st.CertPEM, st.ChainPEM = certPEM, chainPEM
			}
		}
	}
	st.Reason = reasonOf(st.State, cert.RawStatus, cert.StatusDetails)
	st.DCV = dcvOf(cert.Validations, names, st.State)
	return st, nil
}

// Reissue asks for a new certificate for a new key under the same certificate ID (ReissueSSLCert): the
// names stay, each with its validation. The submission's reference is the same SSLCERTID, whose status
// shows the reissue until the new certificate is issued. Errors: Invalid (including a status that does
// not allow a reissue), NotFound, Auth, Temporary.
func (a *Adapter) Reissue(ctx context.Context, ref string, req provider.Request) (*provider.Submission, error) {
	const cmd = "ReissueSSLCert"
	info, known := LookupClass(req.Item)
	names := namesOf(req)
	if len(names) == 0 {
		return nil, invalidErr(cmd, "domains", "the request names no domain")
	}
	dcv, err := validationsOf(cmd, req, names, info, known)
	if err != nil {
		return nil, err
	}
	res, err := a.client.ReissueSSLCert(ctx, ReissueRequest{
		ID: ref, CSR: string(req.CSR), Domains: names, DCV: dcv, ServerSoftware: serverSoftwareOf(req.ServerType),
	})
	if err != nil {
		return nil, a.explain(err)
	}
	return &provider.Submission{Ref: ref, State: provider.StatePending, DCV: dcvOf(res.Validations, names, provider.StatePending), Test: a.test()}, nil
}

// Renew renews natively (RenewSSLCert): HEXONET buys the renewal, carries the remaining time over where
// the CA allows, and answers a new certificate ID, the submission's reference; the renewed certificate
// becomes REPLACED once the renewal is issued. Like Submit it debits the account and is found by Find
// after a lost answer. Errors: Invalid ("not up for renewal", "already renewed", the fields of Submit),
// NotFound, Auth, Temporary (including 546).
func (a *Adapter) Renew(ctx context.Context, ref string, req provider.Request) (*provider.Submission, error) {
	const cmd = "RenewSSLCert"
	info, known := LookupClass(req.Item)
	period, err := years(cmd, req.PeriodMonths)
	if err != nil {
		return nil, err
	}
	names := namesOf(req)
	dcv, err := validationsOf(cmd, req, names, info, known)
	if err != nil {
		return nil, err
	}
	cert, err := a.client.RenewSSLCert(ctx, RenewRequest{
		ID: ref, Period: period, CSR: string(req.CSR), ServerSoftware: serverSoftwareOf(req.ServerType), DCV: dcv,
	})
	if err != nil {
		return nil, a.explain(err)
	}
	state := stateOf(cert.RawStatus)
	if len(names) == 0 {
		names = cert.Domains
	}
	return &provider.Submission{Ref: cert.ID, State: state, DCV: dcvOf(cert.Validations, names, state), Test: a.test()}, nil
}

// Revoke revokes an issued certificate (RevokeSSLCert) with the reason in HEXONET's words. reason is one
// of unspecified (also ""), key_compromise, affiliation_changed, superseded or cessation_of_operation,
// else an Invalid error on "reason". Errors: Invalid (a status that does not allow it), NotFound, Auth,
// Temporary.
func (a *Adapter) Revoke(ctx context.Context, ref string, reason string) error {
	text, ok := revokeReasons[reason]
	if !ok {
		return invalidErr("RevokeSSLCert", "reason", "%q is not a revocation reason; use unspecified, key_compromise, affiliation_changed, superseded or cessation_of_operation", reason)
	}
	return a.explain(a.client.RevokeSSLCert(ctx, RevokeRequest{ID: ref, Reason: text}))
}

// ResendDCV sends the approver e-mail again (ResendSSLCertEmail, ApproverEmail), which HEXONET allows
// while the request is pending. Errors: Invalid (the status does not allow it), NotFound, Auth,
// Temporary.
func (a *Adapter) ResendDCV(ctx context.Context, ref string) error {
	return a.explain(a.client.ResendSSLCertEmail(ctx, ResendRequest{ID: ref, Type: ResendApproverEmail}))
}

// ChangeDCV changes the approver address of a pending request: HEXONET's ResendSSLCertEmail sends the
// approver e-mail to the new address, which becomes the approver. That is all the protocol allows: a
// change of method (e-mail to DNS or HTTP and back) or of the approvers of several names is an
// Unsupported error (409) that says so. The current validations come from StatusSSLCert; dcv names the
// names to change (others keep theirs). It returns the validations of the named names. Errors:
// Unsupported, Invalid ("domains", "approver_email", a status that does not allow it), NotFound, Auth,
// Temporary.
func (a *Adapter) ChangeDCV(ctx context.Context, ref string, dcv []provider.DomainDCV) ([]provider.DomainDCV, error) {
	const cmd = "ResendSSLCertEmail"
	if len(dcv) == 0 {
		return nil, invalidErr(cmd, "domains", "name at least one domain whose validation should change")
	}
	cert, err := a.client.StatusSSLCert(ctx, ref)
	if err != nil {
		return nil, a.explain(err)
	}
	state := stateOf(cert.RawStatus)
	current := dcvOf(cert.Validations, cert.Domains, state)
	if state != provider.StatePending {
		return nil, invalidErr(cmd, "domains", "the validation can change only while the request is pending (HEXONET status %s)", cert.RawStatus)
	}
	var newEmail string
	var changed []string
	for _, d := range dcv {
		name := strings.ToLower(strings.TrimSpace(d.Name))
		i := slices.IndexFunc(current, func(c provider.DomainDCV) bool { return c.Name == name })
		if i < 0 {
			return nil, invalidErr(cmd, "domains", "%s is not a name of this HEXONET certificate", d.Name)
		}
		cur := current[i]
		method := strings.ToLower(strings.TrimSpace(d.Method))
		if method == "" {
			method = cur.Method
		}
		if method != cur.Method {
			return nil, &provider.Error{Class: provider.Unsupported, Command: cmd, Message: fmt.Sprintf(
				"HEXONET cannot change the validation method of a pending request (%s is validated by %s); only the approver address of e-mail validation can change. Cancel and order again to use %s",
				name, cur.Method, method)}
		}
		email := strings.ToLower(strings.TrimSpace(d.ApproverEmail))
		if method != provider.DCVEmail || email == "" || email == cur.ApproverEmail {
			continue
		}
		if newEmail != "" && newEmail != email {
			return nil, &provider.Error{Class: provider.Unsupported, Command: cmd,
				Message: "HEXONET takes one approver address per change; change the approvers one at a time"}
		}
		newEmail = email
		changed = append(changed, name)
	}
	if len(changed) > 1 || (len(changed) == 1 && !firstEmail(current, changed[0])) {
		return nil, &provider.Error{Class: provider.Unsupported, Command: cmd,
			Message: "HEXONET can change only the approver of the first name validated by e-mail (" + firstEmailName(current) + ")"}
	}
	if newEmail != "" {
		if err := a.client.ResendSSLCertEmail(ctx, ResendRequest{ID: ref, Type: ResendApproverEmail, Email: newEmail}); err != nil {
			return nil, a.explain(err)
		}
	}
	out := make([]provider.DomainDCV, 0, len(dcv))
	for _, d := range dcv {
		name := strings.ToLower(strings.TrimSpace(d.Name))
		i := slices.IndexFunc(current, func(c provider.DomainDCV) bool { return c.Name == name })
		c := current[i]
		if slices.Contains(changed, name) {
			c.ApproverEmail = newEmail
			c.Instructions = &provider.Instructions{Method: provider.DCVEmail, Email: newEmail}
		}
		out = append(out, c)
	}
	return out, nil
}

// firstEmail reports whether name is the first name validated by e-mail.
func firstEmail(dcv []provider.DomainDCV, name string) bool { return firstEmailName(dcv) == name }

func firstEmailName(dcv []provider.DomainDCV) string {
	for _, d := range dcv {
		if d.Method == provider.DCVEmail {
			return d.Name
		}
	}
	return ""
}

// ApproverEmails lists the addresses HEXONET accepts as approvers of domain for the class item
// (QuerySSLCertDCVEMailAddressList), keeping only the constructed ones (admin@, administrator@,
// hostmaster@, postmaster@, webmaster@) at the name or a parent: WHOIS addresses ended on 2025-07-15 and
// the CA's own addresses approve nothing for a client. When HEXONET lists none, the constructed addresses
// at the name and its parents are offered, as HEXONET's own module does. Errors: Invalid ("item",
// "domain"), Auth, Temporary.
func (a *Adapter) ApproverEmails(ctx context.Context, item, domain string) ([]string, error) {
	const cmd = "QuerySSLCertDCVEMailAddressList"
	if strings.TrimSpace(item) == "" {
		return nil, invalidErr(cmd, "item", "the certificate class is required to list approver addresses")
	}
	base := strings.TrimPrefix(strings.ToLower(strings.TrimSpace(domain)), "*.")
	if base == "" {
		return nil, invalidErr(cmd, "domain", "a domain name is required")
	}
	list, err := a.client.QuerySSLCertDCVEMailAddressList(ctx, ApproverListRequest{Class: item, Domain: base})
	if err != nil {
		return nil, a.explain(err)
	}
	var out []string
	for _, ap := range list {
		email := strings.ToLower(ap.Email)
		_, at, _ := strings.Cut(email, "@")
		if ap.Constructed() && (at == base || strings.HasSuffix(base, "."+at)) && !slices.Contains(out, email) {
			out = append(out, email)
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

// DecodeCSR asks HEXONET how it reads a CSR (ParseSSLCertCSR): the names and subject it will use. The
// service checks every CSR locally too; this shows staff HEXONET's view when they differ. Errors: Invalid
// ("csr"), Auth, Temporary.
func (a *Adapter) DecodeCSR(ctx context.Context, csrPEM []byte) (*CSRDetails, error) {
	d, err := a.client.ParseSSLCertCSR(ctx, string(csrPEM))
	if err != nil {
		return nil, a.explain(err)
	}
	return d, nil
}

// findPage is the page size of QuerySSLCertList while finding; findPages bounds the pages read.
const (
	findPage  = 100
	findPages = 20
)

// Find answers the reconciler after a crash or a lost answer between "submitting" and the recorded
// result. HEXONET keeps no reference of ours, so q.Ref cannot be matched: Find lists the account's
// certificates (QuerySSLCertList) whose common name is the request's (q.Names[0]) created since q.Since,
// and, for a request of several names, keeps those whose names (StatusSSLCert) are exactly the request's.
// Every match has ByOurRef false; the reconciler adopts a single one and hands several to staff. Without
// names nothing is found. Errors: Auth, Temporary.
func (a *Adapter) Find(ctx context.Context, q provider.FindQuery) ([]provider.Found, error) {
	var names []string
	for _, n := range q.Names {
		if n = strings.ToLower(strings.TrimSpace(n)); n != "" && !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	found := []provider.Found{}
	if len(names) == 0 {
		return found, nil
	}
	cn := names[0]
	since := q.Since.UTC().Truncate(time.Second)
	for page := range findPages {
		l, err := a.client.QuerySSLCertList(ctx, ListRequest{CommonName: cn, CreatedFrom: since, First: page * findPage, Limit: findPage})
		if err != nil {
			return nil, a.explain(err)
		}
		for _, c := range l.Certificates {
			// The list's SSLCERTCN filter treats * as a wildcard and may ignore the date; check both here.
			if !strings.EqualFold(c.CommonName, cn) || (!c.Created.IsZero() && c.Created.Before(since)) {
				continue
			}
			if len(names) > 1 {
				ok, err := a.sameNames(ctx, c.ID, names)
				if err != nil {
					return nil, err
				}
				if !ok {
					continue
				}
			}
			found = append(found, provider.Found{Ref: c.ID, State: stateOf(c.RawStatus), CommonName: strings.ToLower(c.CommonName),
				SubmittedAt: c.Created})
		}
		if len(l.Certificates) < findPage || (l.Total > 0 && (page+1)*findPage >= l.Total) {
			break
		}
	}
	return found, nil
}

// sameNames reports whether the certificate of id has exactly the given names.
func (a *Adapter) sameNames(ctx context.Context, id string, names []string) (bool, error) {
	cert, err := a.client.StatusSSLCert(ctx, id)
	if err != nil {
		return false, a.explain(err)
	}
	have := make([]string, 0, len(cert.Domains))
	for _, d := range cert.Domains {
		have = append(have, strings.ToLower(d))
	}
	want := slices.Clone(names)
	slices.Sort(have)
	slices.Sort(want)
	return slices.Equal(slices.Compact(have), want), nil
}
