package order

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/sslreseller/sslreseller/internal/money"
	"github.com/sslreseller/sslreseller/internal/platform/errs"
	"github.com/sslreseller/sslreseller/internal/provider"
)

// ErrNotFound is returned for an unknown order or one of another tenant.
var ErrNotFound = errs.New(errs.NotFound, "order not found")

// Issuance kinds.
const (
	KindNew     = "new"
	KindReissue = "reissue"
	KindRenewal = "renewal"
)

// Issuance statuses.
const (
	IssSubmitting     = "submitting"
	IssPending        = "pending"
	IssIssued         = "issued"
	IssRejected       = "rejected"
	IssCancelled      = "cancelled"
	IssRevoked        = "revoked"
	IssNeedsAttention = "needs_attention"
	IssSuperseded     = "superseded"
	IssFailed         = "failed"
)

// Order is one certificate bought by a client, as stored.
type Order struct {
	ID               uuid.UUID  `db:"id"`
	ClientID         uuid.UUID  `db:"client_id"`
	ProductID        uuid.UUID  `db:"product_id"`
	AccountID        uuid.UUID  `db:"account_id"`
	ItemCode         string     `db:"item_code"`
	Status           Status     `db:"status"`
	PeriodMonths     int        `db:"period_months"`
	Currency         string     `db:"currency"`
	AmountMinor      int64      `db:"amount_minor"`
	DomainsCount     int        `db:"domains_count"`
	BillingReference string     `db:"billing_reference"`
	RefundDue        bool       `db:"refund_due"`
	TermStartsAt     *time.Time `db:"term_starts_at"`
	TermEndsAt       *time.Time `db:"term_ends_at"`
	NextReissueAt    *time.Time `db:"next_reissue_at"`
	CurrentIssuance  *uuid.UUID `db:"current_issuance"`
	LatestIssuance   *uuid.UUID `db:"latest_issuance"`
	StatusNote       string     `db:"status_note"`
	CreatedAt        time.Time  `db:"created_at"`
	UpdatedAt        time.Time  `db:"updated_at"`
}

// Issuance is one certificate request and its result.
type Issuance struct {
	ID               uuid.UUID            `db:"id"`
	OrderID          uuid.UUID            `db:"order_id"`
	Kind             string               `db:"kind"`
	Status           string               `db:"status"`
	Ref              string               `db:"ref"`
	ProviderRef      string               `db:"provider_ref"`
	PeriodMonths     int                  `db:"period_months"`
	Currency         string               `db:"currency"`
	AmountMinor      int64                `db:"amount_minor"`
	CSRPEM           string               `db:"csr_pem"`
	KeySealed        string               `db:"key_sealed"`
	KeyType          string               `db:"key_type"`
	CommonName       string               `db:"common_name"`
	Names            []string             `db:"names"`
	DCV              []provider.DomainDCV `db:"dcv"`
	Contacts         provider.Contacts    `db:"contacts"`
	ServerType       string               `db:"server_type"`
	CertPEM          string               `db:"cert_pem"`
	ChainPEM         string               `db:"chain_pem"`
	Serial           string               `db:"serial"`
	NotBefore        *time.Time           `db:"not_before"`
	NotAfter         *time.Time           `db:"not_after"`
	Test             bool                 `db:"test"`
	Automatic        bool                 `db:"automatic"`
	SubmitToken      *uuid.UUID           `db:"submit_token"`
	SubmitLeaseUntil *time.Time           `db:"submit_lease_until"`
	SubmitOutcome    string               `db:"submit_outcome"`
	SubmittedAt      *time.Time           `db:"submitted_at"`
	IssuedAt         *time.Time           `db:"issued_at"`
	PollAttempts     int                  `db:"poll_attempts"`
	PollLeaseUntil   *time.Time           `db:"poll_lease_until"`
	LastCheckAt      *time.Time           `db:"last_check_at"`
	LastResult       string               `db:"last_result"`
	NextCheckAt      *time.Time           `db:"next_check_at"`
	Reason           string               `db:"reason"`
	CreatedAt        time.Time            `db:"created_at"`
	UpdatedAt        time.Time            `db:"updated_at"`
}

const orderColumns = `id, client_id, product_id, account_id, item_code, status, period_months, currency, amount_minor,
	domains_count, billing_reference, refund_due, term_starts_at, term_ends_at, next_reissue_at, current_issuance,
	latest_issuance, status_note, created_at, updated_at`

const issuanceColumns = `id, order_id, kind, status, ref, provider_ref, period_months, currency, amount_minor, csr_pem,
	key_sealed, key_type, common_name, names, dcv, contacts, server_type, cert_pem, chain_pem, serial, not_before, not_after,
	test, automatic, submit_token, submit_lease_until, submit_outcome, submitted_at, issued_at, poll_attempts,
	poll_lease_until, last_check_at, last_result, next_check_at, reason, created_at, updated_at`

func getOrder(ctx context.Context, tx pgx.Tx, tenantID, id uuid.UUID, lock bool) (*Order, error) {
	q := `SELECT ` + orderColumns + ` FROM orders WHERE tenant_id = $1 AND id = $2`
	if lock {
		q += ` FOR UPDATE`
	}
	rows, _ := tx.Query(ctx, q, tenantID, id)
	o, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[Order])
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	return o, err
}

func getIssuance(ctx context.Context, tx pgx.Tx, tenantID, id uuid.UUID, lock bool) (*Issuance, error) {
	q := `SELECT ` + issuanceColumns + ` FROM issuances WHERE tenant_id = $1 AND id = $2`
	if lock {
		q += ` FOR UPDATE`
	}
	rows, _ := tx.Query(ctx, q, tenantID, id)
	is, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[Issuance])
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, errs.New(errs.NotFound, "issuance not found")
	}
	return is, err
}

func issuancesOf(ctx context.Context, tx pgx.Tx, tenantID uuid.UUID, orderIDs []uuid.UUID) (map[uuid.UUID][]Issuance, error) {
	rows, _ := tx.Query(ctx, `SELECT `+issuanceColumns+` FROM issuances WHERE tenant_id = $1 AND order_id = ANY($2) ORDER BY id`, tenantID, orderIDs)
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[Issuance])
	if err != nil {
		return nil, err
	}
	out := map[uuid.UUID][]Issuance{}
	for _, is := range list {
		out[is.OrderID] = append(out[is.OrderID], is)
	}
	return out, nil
}

// setStatus moves the order with one checked transition, and tells the notifier in the same
// transaction.
func (s *Service) setStatus(ctx context.Context, tx pgx.Tx, tenantID uuid.UUID, o *Order, a Action, note string) error {
	to, err := Next(o.Status, a)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `UPDATE orders SET status = $3, status_note = $4, updated_at = now() WHERE tenant_id = $1 AND id = $2`,
		tenantID, o.ID, to, note); err != nil {
		return fmt.Errorf("order: set status: %w", err)
	}
	from := o.Status
	o.Status, o.StatusNote = to, note
	if err := recordEvent(ctx, tx, tenantID, o.ID, "order."+string(a), map[string]any{"from": from, "to": to, "note": note}); err != nil {
		return err
	}
	if typ := eventOf(a, to); typ != "" {
		return s.notify(ctx, tx, tenantID, o.ID, typ)
	}
	return nil
}

// eventOf names the event a transition sends to billing systems and clients.
func eventOf(a Action, to Status) string {
	switch a {
	case ActActivate:
		return EventActivated
	case ActSubmit:
		return EventConfigured
	case ActSubmitted:
		return EventPendingValidation
	case ActIssue:
		return EventIssued
	case ActReject:
		return EventRejected
	case ActCancel:
		return EventCancelled
	case ActRevoke:
		return EventRevoked
	case ActAttention:
		return EventNeedsAttention
	case ActExpire:
		return EventExpired
	}
	return ""
}

// View is an order as the API returns it.
type View struct {
	ID               uuid.UUID     `json:"id"`
	Status           Status        `json:"status"`
	ClientID         uuid.UUID     `json:"client_id"`
	ProductID        uuid.UUID     `json:"product_id"`
	PeriodMonths     int           `json:"period_months"`
	Price            money.Amount  `json:"price"`
	BillingReference string        `json:"billing_reference"`
	ConfigureURL     string        `json:"configure_url"`
	RefundDue        bool          `json:"refund_due"`
	Term             Term          `json:"term"`
	NextReissueAt    *time.Time    `json:"next_reissue_at"`
	Certificate      *CertView     `json:"certificate"`
	Domains          []DomainView  `json:"domains"`
	Provider         ProviderView  `json:"provider"`
	Issuances        []IssuanceRef `json:"issuances"`
	DomainsCount     int           `json:"domains_count"`
	StatusNote       string        `json:"status_note"`
	Test             bool          `json:"test_certificate"`
	CreatedAt        time.Time     `json:"created_at"`
	UpdatedAt        time.Time     `json:"updated_at"`
}

// Term is when the order's term runs.
type Term struct {
	StartsAt *time.Time `json:"starts_at"`
	EndsAt   *time.Time `json:"ends_at"`
}

// CertView describes the current certificate.
type CertView struct {
	CommonName string    `json:"common_name"`
	SANs       []string  `json:"sans"`
	Serial     string    `json:"serial"`
	NotBefore  time.Time `json:"not_before"`
	NotAfter   time.Time `json:"not_after"`
}

// DomainView is one name and its validation.
type DomainView struct {
	Name          string                 `json:"name"`
	DCVMethod     string                 `json:"dcv_method"`
	ApproverEmail *string                `json:"approver_email"`
	DCVStatus     string                 `json:"dcv_status"`
	Instructions  *provider.Instructions `json:"instructions"`
}

// ProviderView names where the order was placed.
type ProviderView struct {
	AccountID uuid.UUID `json:"account_id"`
	Reference *string   `json:"reference"`
}

// IssuanceRef summarises one issuance.
type IssuanceRef struct {
	ID        uuid.UUID  `json:"id"`
	Kind      string     `json:"kind"`
	Status    string     `json:"status"`
	Serial    *string    `json:"serial"`
	NotBefore *time.Time `json:"not_before"`
	NotAfter  *time.Time `json:"not_after"`
	CreatedAt time.Time  `json:"created_at"`
}

func (s *Service) view(o *Order, iss []Issuance, configureURL string) View {
	v := View{ID: o.ID, Status: o.Status, ClientID: o.ClientID, ProductID: o.ProductID, PeriodMonths: o.PeriodMonths,
		Price: money.Amount{Currency: o.Currency, Minor: o.AmountMinor}, BillingReference: o.BillingReference,
		ConfigureURL: configureURL, RefundDue: o.RefundDue, Term: Term{StartsAt: o.TermStartsAt, EndsAt: o.TermEndsAt},
		NextReissueAt: o.NextReissueAt, Domains: []DomainView{}, Provider: ProviderView{AccountID: o.AccountID},
		Issuances: []IssuanceRef{}, DomainsCount: o.DomainsCount, StatusNote: o.StatusNote, CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt}
	var current, latest *Issuance
	for i := range iss {
		is := &iss[i]
		ref := IssuanceRef{ID: is.ID, Kind: is.Kind, Status: is.Status, NotBefore: is.NotBefore, NotAfter: is.NotAfter, CreatedAt: is.CreatedAt}
		if is.Serial != "" {
			serial := is.Serial
			ref.Serial = &serial
		}
		v.Issuances = append(v.Issuances, ref)
		if o.CurrentIssuance != nil && is.ID == *o.CurrentIssuance {
			current = is
		}
		if o.LatestIssuance != nil && is.ID == *o.LatestIssuance {
			latest = is
		}
	}
	if current != nil && current.NotBefore != nil && current.NotAfter != nil {
		sans := current.Names
		if sans == nil {
			sans = []string{}
		}
		v.Certificate = &CertView{CommonName: current.CommonName, SANs: sans, Serial: current.Serial,
			NotBefore: *current.NotBefore, NotAfter: *current.NotAfter}
	}
	shown := latest
	if shown == nil {
		shown = current
	}
	if shown != nil {
		v.Test = shown.Test
		if shown.ProviderRef != "" {
			r := shown.ProviderRef
			v.Provider.Reference = &r
		} else if current != nil && current.ProviderRef != "" {
			r := current.ProviderRef
			v.Provider.Reference = &r
		}
		for _, d := range shown.DCV {
			dv := DomainView{Name: d.Name, DCVMethod: d.Method, DCVStatus: d.Status, Instructions: d.Instructions}
			if dv.DCVStatus == "" {
				dv.DCVStatus = "pending"
			}
			if d.ApproverEmail != "" {
				a := d.ApproverEmail
				dv.ApproverEmail = &a
			}
			v.Domains = append(v.Domains, dv)
		}
	}
	return v
}

func marshal(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

// lockIssuance locks an issuance's order and then the issuance, in the order every action on an
// order takes its locks (order first), so the poller and staff never wait on each other in a circle.
func lockIssuance(ctx context.Context, tx pgx.Tx, tenantID, issuanceID uuid.UUID) (*Issuance, *Order, error) {
	peek, err := getIssuance(ctx, tx, tenantID, issuanceID, false)
	if err != nil {
		return nil, nil, err
	}
	o, err := getOrder(ctx, tx, tenantID, peek.OrderID, true)
	if err != nil {
		return nil, nil, err
	}
	is, err := getIssuance(ctx, tx, tenantID, issuanceID, true)
	if err != nil {
		return nil, nil, err
	}
	return is, o, nil
}
