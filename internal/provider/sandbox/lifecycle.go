package sandbox

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sslreseller/sslreseller/internal/pki"
	"github.com/sslreseller/sslreseller/internal/provider"
)

// ApproverEmails lists the constructed addresses that may approve e-mail validation of domain (a
// wildcard label is dropped): admin@, administrator@, hostmaster@, postmaster@ and webmaster@ at the
// name and each parent down to the last two labels. An unknown item or a name that is not a public DNS
// name is an Invalid error ("item", "domain").
func (a *Adapter) ApproverEmails(ctx context.Context, item, domain string) (list []string, err error) {
	start := a.now()
	defer func() {
		err = a.record(ctx, "ApproverEmails", start, "item="+item+" domain="+domain, strings.Join(list, ","), err)
	}()
	if err := ctx.Err(); err != nil {
		return nil, cancelled(err)
	}
	if item != "" {
		if _, err := findItem(item); err != nil {
			return nil, err
		}
	}
	d := normalizeName(domain)
	if err := pki.CheckDNSName(d); err != nil {
		return nil, invalid("domain", "%s", err.Error())
	}
	return approversFor(d), nil
}

// revocationReasons are the reasons a subscriber may give (RFC 5280 CRLReason, as the Baseline
// Requirements allow subscribers).
func revocationReasons() []string {
	return []string{"unspecified", "key_compromise", "affiliation_changed", "superseded", "cessation_of_operation"}
}

// Revoke revokes the certificate of ref. reason is one of unspecified (also for ""), key_compromise,
// affiliation_changed, superseded or cessation_of_operation, else an Invalid error on "reason"; an
// unknown ref is a NotFound error. The sandbox publishes no CRL or OCSP, so nothing else changes.
func (a *Adapter) Revoke(ctx context.Context, ref string, reason string) (err error) {
	start := a.now()
	defer func() { err = a.record(ctx, "Revoke", start, "ref="+ref+" reason="+reason, "revoked", err) }()
	if err := ctx.Err(); err != nil {
		return cancelled(err)
	}
	if _, ok := ourRef(ref); !ok {
		return notFound(ref)
	}
	if reason != "" && !slices.Contains(revocationReasons(), reason) {
		return invalid("reason", "%q is not a revocation reason; use one of %s", reason, strings.Join(revocationReasons(), ", "))
	}
	return nil
}

// Cancel cancels the request of ref and refunds it in full; an unknown ref is a NotFound error.
func (a *Adapter) Cancel(ctx context.Context, ref string) (refunded bool, err error) {
	start := a.now()
	defer func() { err = a.record(ctx, "Cancel", start, "ref="+ref, fmt.Sprintf("refunded=%t", refunded), err) }()
	if err := ctx.Err(); err != nil {
		return false, cancelled(err)
	}
	if _, ok := ourRef(ref); !ok {
		return false, notFound(ref)
	}
	return true, nil
}

// ChangeDCV changes the validation of the named names of ref's request and returns their new state and
// instructions. The same rules as Submit apply (e-mail only before 2028-03-15 with a constructed
// approver, no HTTP file for a wildcard): Invalid errors on "domains", "dcv_method", "approver_email";
// an unknown ref is a NotFound error.
func (a *Adapter) ChangeDCV(ctx context.Context, ref string, dcv []provider.DomainDCV) (out []provider.DomainDCV, err error) {
	start := a.now()
	defer func() {
		err = a.record(ctx, "ChangeDCV", start, "ref="+ref+" dcv="+describeDCV(dcv), describeDCV(out), err)
	}()
	if err := ctx.Err(); err != nil {
		return nil, cancelled(err)
	}
	if _, ok := ourRef(ref); !ok {
		return nil, notFound(ref)
	}
	if len(dcv) == 0 {
		return nil, invalid("domains", "name at least one domain whose validation should change")
	}
	names := make([]string, 0, len(dcv))
	for _, d := range dcv {
		n := normalizeName(d.Name)
		if err := pki.CheckDNSName(n); err != nil {
			return nil, invalid("domains", "%s", err.Error())
		}
		if contains(names, n) {
			return nil, invalid("domains", "%s is named twice", n)
		}
		names = append(names, n)
	}
	resolved, err := resolveDCV(names, dcv)
	if err != nil {
		return nil, err
	}
	if err := checkDCV(resolved, a.now()); err != nil {
		return nil, err
	}
	return withInstructions(ref, resolved, func(string) string { return dcvPending }), nil
}

// ResendDCV sends the validation e-mails of ref's request again (the sandbox sends none; validation
// follows approve_after whatever the method). An unknown ref is a NotFound error.
func (a *Adapter) ResendDCV(ctx context.Context, ref string) (err error) {
	start := a.now()
	defer func() { err = a.record(ctx, "ResendDCV", start, "ref="+ref, "sent", err) }()
	if err := ctx.Err(); err != nil {
		return cancelled(err)
	}
	if _, ok := ourRef(ref); !ok {
		return notFound(ref)
	}
	return nil
}

// Find answers the reconciler. Submission is idempotent by our reference, so the request of q.Ref is
// "sbx-" + q.Ref whether or not Submit was reached before a crash, and the answer says so with ByOurRef;
// its state is rejected when a name of q.Names ends in the reject suffix, else pending (Status tells
// more). The sandbox keeps no list of orders, so without q.Ref nothing is found. SubmittedAt is q.Since
// (the intent was committed then), or now without it.
func (a *Adapter) Find(ctx context.Context, q provider.FindQuery) (found []provider.Found, err error) {
	start := a.now()
	defer func() {
		resp := make([]string, 0, len(found))
		for _, f := range found {
			resp = append(resp, f.Ref+":"+f.State)
		}
		err = a.record(ctx, "Find", start, fmt.Sprintf("ref=%s names=%s since=%s", q.Ref, strings.Join(q.Names, ","),
			q.Since.UTC().Format(time.RFC3339)), strings.Join(resp, ","), err)
	}()
	if err := ctx.Err(); err != nil {
		return nil, cancelled(err)
	}
	if q.Ref == "" {
		return []provider.Found{}, nil
	}
	if err := checkRef(q.Ref); err != nil {
		return nil, err
	}
	names := normalizeNames(q.Names)
	f := provider.Found{Ref: refPrefix + q.Ref, State: provider.StatePending, SubmittedAt: q.Since, ByOurRef: true}
	if len(names) > 0 {
		f.CommonName = names[0]
	}
	if f.SubmittedAt.IsZero() {
		f.SubmittedAt = a.now()
	}
	if len(a.rejectedNames(names)) > 0 {
		f.State = provider.StateRejected
	}
	return []provider.Found{f}, nil
}
