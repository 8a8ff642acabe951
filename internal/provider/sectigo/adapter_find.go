package sectigo

import (
	"context"
	"strings"
	"time"

	"github.com/sslreseller/sslreseller/internal/provider"
)

// Paging of the order report when the reconciler searches it.
const (
	reportPage     = 50
	reportMaxPages = 20
	// findLookBack is how far back Find searches when the query gives no date.
	findLookBack = 30 * 24 * time.Hour
)

// Find looks for orders placed upstream, for the reconciler after a crash between "submitting" and the
// recorded answer, with Sectigo's order report (WebHostReport) over the orders placed since q.Since:
//
//  1. by our reference: Submit sends it as foreignOrderNumber, which Sectigo keeps, so an order whose
//     foreignOrderNumber is q.Ref is ours (ByOurRef);
//  2. when none carries it, by the common name (q.Names[0]) and date: orders for that name that carry no
//     foreignOrderNumber (placed by hand, or through a gateway that dropped it) are candidates the
//     reconciler adopts only when exactly one was placed after our intent. Orders carrying another
//     reference belong to other requests of the service and are left out.
//
// An empty result means Sectigo has no such order, so submitting again buys nothing twice. Errors are
// those of the report (Auth, Temporary); the reconciler then asks again later.
func (a *Adapter) Find(ctx context.Context, q provider.FindQuery) ([]provider.Found, error) {
	from := q.Since
	if from.IsZero() {
		from = a.now().Add(-findLookBack)
	}
	to := a.now().Add(time.Hour) // the report's clock may run ahead of ours
	ref := strings.TrimSpace(q.Ref)
	var out []provider.Found
	if ref != "" {
		orders, err := a.report(ctx, ReportRequest{PlacedFrom: from, PlacedTo: to, ForeignOrderNumbers: []string{ref}})
		if err != nil {
			return nil, fixErr(err)
		}
		for _, o := range orders {
			if o.ForeignOrderNumber == ref {
				out = append(out, foundOf(o, "", true))
			}
		}
		if len(out) > 0 {
			return out, nil
		}
	}
	if len(q.Names) == 0 {
		return nil, nil
	}
	cn := strings.ToLower(strings.TrimSpace(q.Names[0]))
	orders, err := a.report(ctx, ReportRequest{PlacedFrom: from, PlacedTo: to, FQDN: cn})
	if err != nil {
		return nil, fixErr(err)
	}
	for _, o := range orders {
		if o.ForeignOrderNumber != "" || !forName(o, cn) {
			continue
		}
		out = append(out, foundOf(o, cn, false))
	}
	return out, nil
}

// report reads every page of an order report (at most reportMaxPages of reportPage orders).
func (a *Adapter) report(ctx context.Context, req ReportRequest) ([]ReportOrder, error) {
	var out []ReportOrder
	for page := 0; page < reportMaxPages; page++ {
		req.FirstResult, req.LastResult = page*reportPage+1, (page+1)*reportPage
		rep, err := a.client.WebHostReport(ctx, req)
		if err != nil {
			return nil, err
		}
		out = append(out, rep.Orders...)
		if len(rep.Orders) < reportPage || len(out) >= rep.NoOfResults {
			break
		}
	}
	return out, nil
}

// forName reports whether an order is for the common name cn (an order whose certificates the report
// does not list matched the report's own name filter).
func forName(o ReportOrder, cn string) bool {
	if len(o.Certificates) == 0 {
		return true
	}
	for _, c := range o.Certificates {
		if c.Domain == cn {
			return true
		}
	}
	return false
}

// foundOf describes a report order for the reconciler: the state of its latest certificate.
func foundOf(o ReportOrder, cn string, byRef bool) provider.Found {
	f := provider.Found{Ref: o.OrderNumber, State: provider.StatePending, CommonName: cn, SubmittedAt: o.Placed, ByOurRef: byRef}
	if n := len(o.Certificates); n > 0 {
		last := o.Certificates[n-1]
		f.State = StateOf(last.Status)
		if last.Domain != "" {
			f.CommonName = last.Domain
		}
	}
	return f
}
