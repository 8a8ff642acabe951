package order

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/sslreseller/sslreseller/internal/account"
	"github.com/sslreseller/sslreseller/internal/catalog"
	"github.com/sslreseller/sslreseller/internal/pki"
	"github.com/sslreseller/sslreseller/internal/platform/errs"
	"github.com/sslreseller/sslreseller/internal/provider"
)

// loaded is an order with what actions need.
type loaded struct {
	order    *Order
	latest   *Issuance
	current  *Issuance
	product  *catalog.Product
	client   *account.Client
	adapter  provider.Provider
	account  *provider.AccountView
	tenantID uuid.UUID
}

func (s *Service) load(ctx context.Context, tenantID, orderID uuid.UUID, withAdapter bool) (*loaded, error) {
	l := &loaded{tenantID: tenantID}
	err := s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		var err error
		if l.order, err = getOrder(ctx, tx, tenantID, orderID, false); err != nil {
			return err
		}
		if l.order.LatestIssuance != nil {
			if l.latest, err = getIssuance(ctx, tx, tenantID, *l.order.LatestIssuance, false); err != nil {
				return err
			}
		}
		if l.order.CurrentIssuance != nil {
			if l.current, err = getIssuance(ctx, tx, tenantID, *l.order.CurrentIssuance, false); err != nil {
				return err
			}
		}
		if l.product, err = s.catalog.ProductForOrder(ctx, tx, tenantID, l.order.ProductID); err != nil {
			return err
		}
		l.client, err = s.accounts.ClientTx(ctx, tx, tenantID, l.order.ClientID)
		return err
	})
	if err != nil {
		return nil, err
	}
	if withAdapter {
		if l.adapter, l.account, err = s.providers.Open(ctx, tenantID, l.order.AccountID); err != nil {
			return nil, err
		}
	}
	return l, nil
}

// Capabilities returns what the order's provider can do.
func (s *Service) Capabilities(ctx context.Context, tenantID, orderID uuid.UUID) (provider.Capabilities, error) {
	l, err := s.load(ctx, tenantID, orderID, true)
	if err != nil {
		return provider.Capabilities{}, err
	}
	return l.account.Capabilities, nil
}

// Activate lets a paid order be configured, when the tenant requires staff activation.
func (s *Service) Activate(ctx context.Context, tenantID, orderID uuid.UUID) (*View, error) {
	return s.simple(ctx, tenantID, orderID, ActActivate, "")
}

func (s *Service) simple(ctx context.Context, tenantID, orderID uuid.UUID, a Action, note string) (*View, error) {
	var v *View
	err := s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		o, err := getOrder(ctx, tx, tenantID, orderID, true)
		if err != nil {
			return err
		}
		if err := s.setStatus(ctx, tx, tenantID, o, a, note); err != nil {
			return err
		}
		v, err = s.viewTx(ctx, tx, tenantID, orderID)
		return err
	})
	return v, err
}

// ApproverEmails lists the addresses that may approve e-mail validation of a name, live from the
// provider.
func (s *Service) ApproverEmails(ctx context.Context, tenantID, orderID uuid.UUID, domain string) ([]string, error) {
	domain = strings.ToLower(strings.TrimSpace(domain))
	if err := pki.CheckDNSName(domain); err != nil {
		return nil, fieldErr("domain", err)
	}
	l, err := s.load(ctx, tenantID, orderID, true)
	if err != nil {
		return nil, err
	}
	if !pki.EmailDCVAllowed(s.now()) {
		return nil, errs.New(errs.Unsupported, "e-mail validation ended on 2028-03-15; use http or dns")
	}
	lister, ok := l.adapter.(provider.ApproverLister)
	if !ok {
		return nil, errs.New(errs.Unsupported, "this provider does not offer e-mail validation")
	}
	list, err := lister.ApproverEmails(provider.WithSubject(ctx, provider.Subject{OrderID: orderID}), l.product.ItemCode, domain)
	if err != nil {
		return nil, provider.ToErrs(err)
	}
	if list == nil {
		list = []string{}
	}
	return list, nil
}

// CancelResult says what a cancellation did about money.
type CancelResult struct {
	Refunded bool
}

// Cancel ends an order before issue: upstream with a refund where the provider has one, else locally
// with a note to staff; refund_due is set either way.
func (s *Service) Cancel(ctx context.Context, tenantID, orderID uuid.UUID, reason string) (*View, error) {
	l, err := s.load(ctx, tenantID, orderID, true)
	if err != nil {
		return nil, err
	}
	if _, err := Next(l.order.Status, ActCancel); err != nil {
		return nil, err
	}
	note := "cancelled before submission"
	if l.latest != nil && l.latest.ProviderRef != "" {
		note = "cancelled here; request the refund from " + l.account.Provider + " by hand (the provider has no cancel command)"
		if c, ok := l.adapter.(provider.Canceller); ok {
			refunded, err := c.Cancel(provider.WithSubject(ctx, provider.Subject{OrderID: orderID, IssuanceID: l.latest.ID}), l.latest.ProviderRef)
			if err != nil {
				return nil, provider.ToErrs(err)
			}
			note = "cancelled at the provider"
			if refunded {
				note = "cancelled at the provider, which refunds the cost"
			}
		}
	}
	if reason != "" {
		note += ": " + reason
	}
	var v *View
	err = s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		o, err := getOrder(ctx, tx, tenantID, orderID, true)
		if err != nil {
			return err
		}
		// The refund and the stopped requests are written before the status change, so the
		// order.cancelled event (rendered inside setStatus) carries them; an illegal transition
		// rolls all of it back.
		if _, err := tx.Exec(ctx, `UPDATE orders SET refund_due = true WHERE tenant_id = $1 AND id = $2`, tenantID, orderID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE issuances SET status = 'cancelled', submit_token = NULL, next_check_at = NULL, updated_at = now()
			WHERE tenant_id = $1 AND order_id = $2 AND status IN ('submitting', 'pending', 'needs_attention')`, tenantID, orderID); err != nil {
			return err
		}
		if err := s.setStatus(ctx, tx, tenantID, o, ActCancel, note); err != nil {
			return err
		}
		v, err = s.viewTx(ctx, tx, tenantID, orderID)
		return err
	})
	return v, err
}

// RevokeReasons are the reasons a certificate may be revoked for.
var RevokeReasons = []string{"unspecified", "key_compromise", "affiliation_changed", "superseded", "cessation_of_operation"}

// Revoke revokes the issued certificate and ends the order.
func (s *Service) Revoke(ctx context.Context, tenantID, orderID uuid.UUID, reason string) (*View, error) {
	if reason == "" {
		reason = "unspecified"
	}
	if !slices.Contains(RevokeReasons, reason) {
		return nil, errs.Field("reason", "must be one of %s", strings.Join(RevokeReasons, ", "))
	}
	l, err := s.load(ctx, tenantID, orderID, true)
	if err != nil {
		return nil, err
	}
	if _, err := Next(l.order.Status, ActRevoke); err != nil {
		return nil, err
	}
	r, ok := l.adapter.(provider.Revoker)
	if !ok {
		return nil, errs.New(errs.Unsupported, "%s cannot revoke certificates through its API; ask the provider's support to revoke it", l.account.Provider)
	}
	if err := r.Revoke(provider.WithSubject(ctx, provider.Subject{OrderID: orderID, IssuanceID: l.current.ID}), l.current.ProviderRef, reason); err != nil {
		return nil, provider.ToErrs(err)
	}
	var v *View
	err = s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		o, err := getOrder(ctx, tx, tenantID, orderID, true)
		if err != nil {
			return err
		}
		if err := s.setStatus(ctx, tx, tenantID, o, ActRevoke, "revoked: "+reason); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE issuances SET status = 'revoked', reason = $3, updated_at = now()
			WHERE tenant_id = $1 AND id = $2`, tenantID, l.current.ID, reason); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE orders SET next_reissue_at = NULL WHERE tenant_id = $1 AND id = $2`, tenantID, orderID); err != nil {
			return err
		}
		v, err = s.viewTx(ctx, tx, tenantID, orderID)
		return err
	})
	return v, err
}

// RenewInput extends the term.
type RenewInput struct {
	PeriodMonths int    `json:"period_months"`
	CSR          string `json:"csr"`
}

// Renew extends the term by a period: natively where the provider renews, else by a new upstream
// order linked to this one; the same CSR unless a new one is given.
func (s *Service) Renew(ctx context.Context, tenantID, orderID uuid.UUID, in RenewInput) (*View, error) {
	l, err := s.load(ctx, tenantID, orderID, true)
	if err != nil {
		return nil, err
	}
	if _, err := Next(l.order.Status, ActRenew); err != nil {
		return nil, err
	}
	if in.PeriodMonths == 0 {
		in.PeriodMonths = l.order.PeriodMonths
	}
	price, ok := l.product.PeriodPrice(in.PeriodMonths, l.order.Currency)
	if !ok {
		return nil, errs.Field("period_months", "%q is not sold for %d months", l.product.Name, in.PeriodMonths)
	}
	req, err := s.followUp(ctx, l, in.CSR, nil)
	if err != nil {
		return nil, err
	}
	is, err := s.begin(ctx, tenantID, orderID, KindRenewal, req, in.PeriodMonths, &price)
	if err != nil {
		return nil, err
	}
	s.submit(ctx, tenantID, is.ID, l.adapter, l.product)
	return s.afterSubmit(ctx, tenantID, orderID, is.ID)
}

// ReissueInput asks for a new certificate in the same term.
type ReissueInput struct {
	CSR         string       `json:"csr"`
	GenerateKey *GenerateKey `json:"generate_key"`
}

// Reissue replaces the certificate with one for a new key; the order stays issued.
func (s *Service) Reissue(ctx context.Context, tenantID, orderID uuid.UUID, in ReissueInput) (*View, error) {
	l, err := s.load(ctx, tenantID, orderID, true)
	if err != nil {
		return nil, err
	}
	if _, err := Next(l.order.Status, ActReissue); err != nil {
		return nil, err
	}
	if !l.account.Capabilities.Reissue {
		return nil, errs.New(errs.Unsupported, "%s does not reissue %q; order a new certificate instead", l.account.Provider, l.product.Name)
	}
	req, err := s.followUp(ctx, l, in.CSR, in.GenerateKey)
	if err != nil {
		return nil, err
	}
	is, err := s.begin(ctx, tenantID, orderID, KindReissue, req, 0, nil)
	if err != nil {
		return nil, err
	}
	s.submit(ctx, tenantID, is.ID, l.adapter, l.product)
	return s.afterSubmit(ctx, tenantID, orderID, is.ID)
}

// followUp prepares the request of a renewal or reissue from the current issuance: the same names,
// DCV and contacts; the given CSR, a generated key, or (renewal only) the same CSR.
func (s *Service) followUp(ctx context.Context, l *loaded, csr string, gen *GenerateKey) (*request, error) {
	cur := l.current
	if cur == nil {
		return nil, errs.New(errs.Conflict, "the order has no issued certificate")
	}
	in := ConfigureInput{CSR: csr, GenerateKey: gen, ServerType: cur.ServerType}
	switch {
	case csr == "" && gen == nil && cur.KeySealed != "":
		in.GenerateKey = &GenerateKey{KeyType: cur.KeyType, CommonName: cur.CommonName, SANs: cur.Names}
	case csr == "" && gen == nil:
		in.CSR = cur.CSRPEM
	case gen != nil && gen.CommonName == "":
		gen.CommonName, gen.SANs = cur.CommonName, cur.Names
	}
	emailOK := pki.EmailDCVAllowed(s.now())
	for _, d := range cur.DCV {
		method := d.Method
		if method == provider.DCVEmail && !emailOK {
			method = provider.DCVDNS
			if !strings.HasPrefix(d.Name, "*.") && slices.Contains(l.account.Capabilities.DCVMethods, provider.DCVHTTP) {
				method = provider.DCVHTTP
			}
		}
		in.Domains = append(in.Domains, DomainChoice{Name: d.Name, DCVMethod: method, ApproverEmail: d.ApproverEmail})
	}
	c := cur.Contacts
	in.Contacts = &ContactsInput{
		Admin: &ContactInput{FirstName: c.Admin.FirstName, LastName: c.Admin.LastName, Email: c.Admin.Email, Phone: c.Admin.Phone, JobTitle: c.Admin.JobTitle},
		Tech:  &ContactInput{FirstName: c.Tech.FirstName, LastName: c.Tech.LastName, Email: c.Tech.Email, Phone: c.Tech.Phone, JobTitle: c.Tech.JobTitle},
		Organization: &OrganizationInput{Name: c.Organization.Name, Phone: c.Organization.Phone, Address: account.Address{
			Line1: c.Organization.Line1, Line2: c.Organization.Line2, City: c.Organization.City, State: c.Organization.State,
			PostalCode: c.Organization.PostalCode, Country: c.Organization.Country}},
	}
	req, err := s.prepare(ctx, l.adapter, l.account.Capabilities, l.product, l.client, len(cur.Names), in)
	if err != nil {
		return nil, err
	}
	// The names stay those of the certificate: a different set is a new order.
	a, b := slices.Clone(req.names), slices.Clone(cur.Names)
	slices.Sort(a)
	slices.Sort(b)
	if !slices.Equal(a, b) {
		return nil, errs.Field("csr", "the names must stay %s; a certificate for other names is a new order", strings.Join(cur.Names, ", "))
	}
	return req, nil
}

// ChangeDCV changes the validation method or approver of names still pending.
func (s *Service) ChangeDCV(ctx context.Context, tenantID, orderID uuid.UUID, domains []DomainChoice) (*View, error) {
	l, err := s.load(ctx, tenantID, orderID, true)
	if err != nil {
		return nil, err
	}
	is := l.latest
	if is == nil || is.Status != IssPending {
		return nil, errs.New(errs.Conflict, "changing the validation method is possible only while validation is pending (the order is %s)", l.order.Status)
	}
	ch, ok := l.adapter.(provider.DCVChanger)
	if !ok {
		return nil, errs.New(errs.Unsupported, "%s does not let the validation method change; cancel and order again", l.account.Provider)
	}
	in := ConfigureInput{CSR: is.CSRPEM, Domains: domains, ServerType: is.ServerType}
	for _, d := range is.DCV {
		if !slices.ContainsFunc(domains, func(c DomainChoice) bool { return strings.EqualFold(c.Name, d.Name) }) {
			in.Domains = append(in.Domains, DomainChoice{Name: d.Name, DCVMethod: d.Method, ApproverEmail: d.ApproverEmail})
		}
	}
	for i, d := range domains {
		if !slices.Contains(is.Names, strings.ToLower(d.Name)) {
			return nil, errs.Field("domains["+strconv.Itoa(i)+"].name", "%s is not a name of this certificate", d.Name)
		}
	}
	req, err := s.prepare(ctx, l.adapter, l.account.Capabilities, l.product, l.client, len(is.Names), in)
	if err != nil {
		return nil, err
	}
	out, err := ch.ChangeDCV(provider.WithSubject(ctx, provider.Subject{OrderID: orderID, IssuanceID: is.ID}), is.ProviderRef, req.dcv)
	if err != nil {
		return nil, provider.ToErrs(err)
	}
	dcv := mergeDCV(req.dcv, out)
	var v *View
	err = s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE issuances SET dcv = $3, updated_at = now() WHERE tenant_id = $1 AND id = $2`, tenantID, is.ID, marshal(dcv)); err != nil {
			return err
		}
		if err := recordEvent(ctx, tx, tenantID, orderID, "order.change_dcv", map[string]any{"issuance_id": is.ID, "dcv": dcv}); err != nil {
			return err
		}
		v, err = s.viewTx(ctx, tx, tenantID, orderID)
		return err
	})
	return v, err
}

// ResendDCV sends the validation e-mail again.
func (s *Service) ResendDCV(ctx context.Context, tenantID, orderID uuid.UUID) (*View, error) {
	l, err := s.load(ctx, tenantID, orderID, true)
	if err != nil {
		return nil, err
	}
	is := l.latest
	if is == nil || is.Status != IssPending {
		return nil, errs.New(errs.Conflict, "resending the validation e-mail is possible only while validation is pending (the order is %s)", l.order.Status)
	}
	if !slices.ContainsFunc(is.DCV, func(d provider.DomainDCV) bool { return d.Method == provider.DCVEmail }) {
		return nil, errs.New(errs.Conflict, "no name of this order is validated by e-mail")
	}
	r, ok := l.adapter.(provider.DCVResender)
	if !ok {
		return nil, errs.New(errs.Unsupported, "%s cannot resend the validation e-mail", l.account.Provider)
	}
	if err := r.ResendDCV(provider.WithSubject(ctx, provider.Subject{OrderID: orderID, IssuanceID: is.ID}), is.ProviderRef); err != nil {
		return nil, provider.ToErrs(err)
	}
	return s.simple(ctx, tenantID, orderID, ActResendDCV, l.order.StatusNote)
}

// Check asks the provider now about the order's request in flight.
func (s *Service) Check(ctx context.Context, tenantID, orderID uuid.UUID) (*View, error) {
	l, err := s.load(ctx, tenantID, orderID, false)
	if err != nil {
		return nil, err
	}
	if _, err := Next(l.order.Status, ActCheck); err != nil {
		return nil, err
	}
	is := l.latest
	if is == nil {
		return nil, errs.New(errs.Conflict, "nothing was submitted yet")
	}
	if is.Status == IssSubmitting || (is.Status == IssNeedsAttention && is.ProviderRef == "") {
		// Reconcile now: ask the provider whether it received the order.
		if is.Status == IssNeedsAttention {
			if err := s.reopen(ctx, tenantID, is); err != nil {
				return nil, err
			}
		}
		if _, err := s.reconcile(ctx, tenantID, is.ID, false); err != nil {
			return nil, provider.ToErrs(err)
		}
	} else if _, err := s.check(ctx, tenantID, is.ID, true); err != nil {
		return nil, err
	}
	return s.Get(ctx, tenantID, orderID)
}

// reopen puts a flagged submission back to submitting so the reconciler may run.
func (s *Service) reopen(ctx context.Context, tenantID uuid.UUID, is *Issuance) error {
	return s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE issuances SET status = 'submitting', submit_lease_until = NULL, updated_at = now()
			WHERE tenant_id = $1 AND id = $2`, tenantID, is.ID); err != nil {
			return err
		}
		return recordEvent(ctx, tx, tenantID, is.OrderID, "issuance.reopened", map[string]any{"issuance_id": is.ID})
	})
}

// Reset restarts the poller's back-off of the order's pending request; a request flagged as stuck goes
// back to pending.
func (s *Service) Reset(ctx context.Context, tenantID, orderID uuid.UUID) (*View, error) {
	now := s.now()
	var v *View
	err := s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		o, err := getOrder(ctx, tx, tenantID, orderID, true)
		if err != nil {
			return err
		}
		if o.LatestIssuance == nil {
			return errs.New(errs.Conflict, "nothing was submitted yet")
		}
		is, err := getIssuance(ctx, tx, tenantID, *o.LatestIssuance, true)
		if err != nil {
			return err
		}
		if is.ProviderRef == "" || (is.Status != IssPending && is.Status != IssNeedsAttention) {
			return errs.New(errs.Conflict, "only a request waiting for validation can be reset (it is %s)", is.Status)
		}
		next := now.Add(s.cfg.FirstCheck)
		if _, err := tx.Exec(ctx, `UPDATE issuances SET status = 'pending', poll_attempts = 0, next_check_at = $3, submitted_at = $4,
			reason = '', updated_at = now() WHERE tenant_id = $1 AND id = $2`, tenantID, is.ID, next, now); err != nil {
			return err
		}
		if o.Status == NeedsAttention {
			if err := s.setStatus(ctx, tx, tenantID, o, ActResume, ""); err != nil {
				return err
			}
		} else if err := recordEvent(ctx, tx, tenantID, o.ID, "order.reset", map[string]any{"issuance_id": is.ID}); err != nil {
			return err
		}
		if err := s.enqueue(ctx, tx, PollArgs{TenantID: tenantID, IssuanceID: is.ID}, next); err != nil {
			return err
		}
		v, err = s.viewTx(ctx, tx, tenantID, orderID)
		return err
	})
	return v, err
}
