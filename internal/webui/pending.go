package webui

import (
	"net/http"
	"strings"

	"github.com/sslreseller/sslreseller/internal/order"
)

// pendingPage is the data of the pending validations page.
type pendingPage struct {
	Rows []pendingRow
}

// pendingRow is one issuance waiting on the provider.
type pendingRow struct {
	order.Pending
	ProviderTitle string
	Domains       []domainRow
	Waiting       string
	Flagged       bool
}

// ShortID is enough of the order id to tell orders apart.
func (p pendingRow) ShortID() string { return shortID(p.OrderID) }

// pendingLimit bounds the pending validations page; more than this waiting at once is an incident.
const pendingLimit = 500

func (u *UI) pendingValidations(w http.ResponseWriter, r *http.Request) {
	t := siteOf(r).Tenant
	list, err := u.d.Orders.PendingValidations(r.Context(), t.ID, pendingLimit)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	now := u.d.Orders.Now()
	data := pendingPage{}
	for _, p := range list {
		row := pendingRow{Pending: p, ProviderTitle: u.providerTitle(p.Provider), Flagged: p.Status == order.IssNeedsAttention}
		for i, d := range p.DCV {
			dv := order.DomainView{Name: d.Name, DCVMethod: d.Method, DCVStatus: d.Status, Instructions: d.Instructions}
			if d.ApproverEmail != "" {
				a := d.ApproverEmail
				dv.ApproverEmail = &a
			}
			if dv.DCVStatus == "" {
				dv.DCVStatus = "pending"
			}
			row.Domains = append(row.Domains, domainRow{DomainView: dv, Index: i})
		}
		if len(row.Domains) == 0 {
			for i, n := range p.Names {
				row.Domains = append(row.Domains, domainRow{DomainView: order.DomainView{Name: n, DCVStatus: "pending"}, Index: i})
			}
		}
		if p.SubmittedAt != nil {
			row.Waiting = strings.TrimSuffix(ago(now.Sub(*p.SubmittedAt), *p.SubmittedAt), " ago")
		}
		data.Rows = append(data.Rows, row)
	}
	v := u.newView(r, "Pending validations", "pending")
	v.Data = data
	u.renderPage(w, r, http.StatusOK, "admin/orders/pending", v)
}
