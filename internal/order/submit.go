package order

import (
	"context"
	"encoding/base32"
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"go.uber.org/zap"

	"github.com/sslreseller/sslreseller/internal/audit"
	"github.com/sslreseller/sslreseller/internal/catalog"
	"github.com/sslreseller/sslreseller/internal/money"
	"github.com/sslreseller/sslreseller/internal/pki"
	"github.com/sslreseller/sslreseller/internal/platform/errs"
	"github.com/sslreseller/sslreseller/internal/provider"
)

// newRef makes our unique reference of an issuance, sent to providers that keep one.
func newRef(id uuid.UUID) string {
	return "SSLR" + base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(id[:])
}

func keyContext(id uuid.UUID) string { return "issuance:" + id.String() + ":key" }

// begin commits the intent: a new issuance in submitting with our reference, the order's move, and
// the reconciler job that takes over if this process dies before the result is recorded.
func (s *Service) begin(ctx context.Context, tenantID, orderID uuid.UUID, kind string, r *request, months int, price *money.Amount) (*Issuance, error) {
	id := uuid.Must(uuid.NewV7())
	keySealed := ""
	if r.key != nil {
		pemKey, err := pki.MarshalPrivateKeyPEM(r.key)
		if err != nil {
			return nil, err
		}
		if keySealed, err = s.sealer.Seal(pemKey, keyContext(id)); err != nil {
			return nil, err
		}
	}
	token := uuid.Must(uuid.NewV7())
	now := s.now()
	var is *Issuance
	err := s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		o, err := getOrder(ctx, tx, tenantID, orderID, true)
		if err != nil {
			return err
		}
		switch kind {
		case KindNew:
			if o.Status == Rejected {
				if err := s.setStatus(ctx, tx, tenantID, o, ActReconfigure, ""); err != nil {
					return err
				}
			}
			if err := s.setStatus(ctx, tx, tenantID, o, ActSubmit, ""); err != nil {
				return err
			}
		default:
			act := ActReissue
			if kind == KindRenewal {
				act = ActRenew
			}
			if _, err := Next(o.Status, act); err != nil {
				return err
			}
			if o.LatestIssuance != nil && (o.CurrentIssuance == nil || *o.LatestIssuance != *o.CurrentIssuance) {
				latest, err := getIssuance(ctx, tx, tenantID, *o.LatestIssuance, false)
				if err != nil {
					return err
				}
				if latest.Status == IssSubmitting || latest.Status == IssPending || latest.Status == IssNeedsAttention {
					return errs.New(errs.Conflict, "a %s of this order is already in progress (%s)", latest.Kind, latest.Status)
				}
			}
		}
		cur, amount := "", int64(0)
		if price != nil {
			cur, amount = price.Currency, price.Minor
		}
		if _, err := tx.Exec(ctx, `INSERT INTO issuances (tenant_id, id, order_id, kind, status, ref, period_months, currency,
			amount_minor, csr_pem, key_sealed, key_type, common_name, names, dcv, contacts, server_type, automatic,
			submit_token, submit_lease_until, created_at, updated_at)
			VALUES ($1, $2, $3, $4, 'submitting', $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20)`,
			tenantID, id, orderID, kind, newRef(id), months, cur, amount, string(r.csrPEM), keySealed, r.keyType, r.commonName,
			r.names, marshal(r.dcv), marshal(r.contacts), r.serverType, audit.ActorFrom(ctx).Type == audit.ActorSystem,
			token, now.Add(s.cfg.SubmitLease), now); err != nil {
			return fmt.Errorf("order: begin: %w", err)
		}
		if _, err := tx.Exec(ctx, `UPDATE orders SET latest_issuance = $3, updated_at = now() WHERE tenant_id = $1 AND id = $2`,
			tenantID, orderID, id); err != nil {
			return err
		}
		if err := recordEvent(ctx, tx, tenantID, orderID, "issuance.submitting", map[string]any{"issuance_id": id, "kind": kind,
			"common_name": r.commonName, "names": r.names, "dcv": r.dcv, "server_type": r.serverType, "key_generated": r.key != nil}); err != nil {
			return err
		}
		if err := s.enqueue(ctx, tx, SubmitArgs{TenantID: tenantID, IssuanceID: id}, now.Add(s.cfg.SubmitLease+time.Second)); err != nil {
			return err
		}
		is, err = getIssuance(ctx, tx, tenantID, id, false)
		return err
	})
	return is, err
}

// enqueue inserts a job in the caller's transaction, to run at the given time.
func (s *Service) enqueue(ctx context.Context, tx pgx.Tx, args river.JobArgs, at time.Time) error {
	if s.river == nil {
		return errors.New("order: no job client")
	}
	res, err := s.river.InsertTx(ctx, tx, args, &river.InsertOpts{ScheduledAt: at})
	if err != nil {
		return err
	}
	// A unique job that already waits for later is woken; it snoozes again until it is due.
	if res.UniqueSkippedAsDuplicate && res.Job != nil && res.Job.ScheduledAt.After(at) {
		_, err = s.river.JobRetryTx(ctx, tx, res.Job.ID)
	}
	return err
}

func (s *Service) providerRequest(is *Issuance, p *catalog.Product, months int) provider.Request {
	return provider.Request{Ref: is.Ref, Item: p.ItemCode, PeriodMonths: months, Validation: p.Validation,
		CSR: []byte(is.CSRPEM), CommonName: is.CommonName, Names: is.Names, DCV: is.DCV, Contacts: is.Contacts,
		ServerType: is.ServerType}
}

// submit makes the upstream call for an issuance in submitting and records the result, unless the
// reconciler has taken the issuance over meanwhile.
func (s *Service) submit(ctx context.Context, tenantID, issuanceID uuid.UUID, adapter provider.Provider, p *catalog.Product) {
	var is *Issuance
	var o *Order
	var current *Issuance
	err := s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		var err error
		if is, err = getIssuance(ctx, tx, tenantID, issuanceID, false); err != nil {
			return err
		}
		if o, err = getOrder(ctx, tx, tenantID, is.OrderID, false); err != nil {
			return err
		}
		if o.CurrentIssuance != nil {
			current, err = getIssuance(ctx, tx, tenantID, *o.CurrentIssuance, false)
		}
		return err
	})
	if err != nil || is.Status != IssSubmitting || is.SubmitToken == nil {
		return
	}
	token := *is.SubmitToken
	months := o.PeriodMonths
	if is.Kind == KindRenewal {
		months = is.PeriodMonths
	}
	ctx = provider.WithSubject(ctx, provider.Subject{OrderID: o.ID, IssuanceID: is.ID})
	req := s.providerRequest(is, p, months)
	var sub *provider.Submission
	switch {
	case is.Kind == KindReissue && current != nil && current.ProviderRef != "" && supports[provider.Reissuer](adapter):
		sub, err = adapter.(provider.Reissuer).Reissue(ctx, current.ProviderRef, req)
	case is.Kind == KindRenewal && current != nil && current.ProviderRef != "" && supports[provider.Renewer](adapter):
		sub, err = adapter.(provider.Renewer).Renew(ctx, current.ProviderRef, req)
	default:
		sub, err = adapter.Submit(ctx, req)
	}
	s.record(context.WithoutCancel(ctx), tenantID, issuanceID, token, sub, err)
}

func supports[T any](p provider.Provider) bool {
	_, ok := p.(T)
	return ok
}

// record commits the result of a submission made under token.
func (s *Service) record(ctx context.Context, tenantID, issuanceID, token uuid.UUID, sub *provider.Submission, callErr error) {
	err := s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		is, o, err := lockIssuance(ctx, tx, tenantID, issuanceID)
		if err != nil {
			return err
		}
		if is.Status != IssSubmitting || is.SubmitToken == nil || *is.SubmitToken != token {
			return nil // the reconciler owns it now
		}
		return s.applySubmission(ctx, tx, tenantID, o, is, sub, callErr)
	})
	if err != nil {
		s.log.Error("order: record submission", zap.String("issuance_id", issuanceID.String()), zap.Error(err))
	}
}

// applySubmission moves the issuance and order after the provider answered.
func (s *Service) applySubmission(ctx context.Context, tx pgx.Tx, tenantID uuid.UUID, o *Order, is *Issuance, sub *provider.Submission, callErr error) error {
	now := s.now()
	if callErr != nil {
		var pe *provider.Error
		errors.As(callErr, &pe)
		class := provider.ClassOf(callErr)
		msg := callErr.Error()
		if pe != nil {
			msg = pe.Message
		}
		switch class {
		case provider.Invalid:
			field := "provider"
			if pe != nil && pe.Field != "" {
				field = pe.Field
			}
			if _, err := tx.Exec(ctx, `UPDATE issuances SET status = 'failed', reason = $3, submit_token = NULL, updated_at = now()
				WHERE tenant_id = $1 AND id = $2`, tenantID, is.ID, field+"\x00"+msg); err != nil {
				return err
			}
			if is.Kind == KindNew {
				return s.setStatus(ctx, tx, tenantID, o, ActSubmitInvalid, "the provider refused the request: "+msg)
			}
			return recordEvent(ctx, tx, tenantID, o.ID, "issuance.failed", map[string]any{"issuance_id": is.ID, "reason": msg})
		case provider.Rejected:
			if _, err := tx.Exec(ctx, `UPDATE issuances SET status = 'rejected', reason = $3, submit_token = NULL, updated_at = now()
				WHERE tenant_id = $1 AND id = $2`, tenantID, is.ID, msg); err != nil {
				return err
			}
			if is.Kind == KindNew {
				return s.setStatus(ctx, tx, tenantID, o, ActReject, msg)
			}
			return recordEvent(ctx, tx, tenantID, o.ID, "issuance.rejected", map[string]any{"issuance_id": is.ID, "reason": msg})
		default:
			outcome := "unknown"
			if notSent(callErr) {
				outcome = "not_sent"
			}
			if _, err := tx.Exec(ctx, `UPDATE issuances SET submit_outcome = $3, reason = $4, updated_at = now()
				WHERE tenant_id = $1 AND id = $2`, tenantID, is.ID, outcome, msg); err != nil {
				return err
			}
			return recordEvent(ctx, tx, tenantID, o.ID, "issuance.submit_deferred", map[string]any{"issuance_id": is.ID,
				"class": class, "reason": msg, "outcome": outcome})
		}
	}
	dcv := mergeDCV(is.DCV, sub.DCV)
	next := now.Add(s.cfg.FirstCheck)
	if _, err := tx.Exec(ctx, `UPDATE issuances SET status = 'pending', provider_ref = $3, dcv = $4, test = $5, submitted_at = $6,
		submit_token = NULL, submit_lease_until = NULL, submit_outcome = 'sent', reason = '', next_check_at = $7, poll_attempts = 0,
		updated_at = now() WHERE tenant_id = $1 AND id = $2`, tenantID, is.ID, sub.Ref, marshal(dcv), sub.Test, now, next); err != nil {
		return err
	}
	if is.Kind == KindNew && o.Status != PendingValidation {
		if err := s.setStatus(ctx, tx, tenantID, o, ActSubmitted, ""); err != nil {
			return err
		}
	}
	if err := recordEvent(ctx, tx, tenantID, o.ID, "issuance.submitted", map[string]any{"issuance_id": is.ID, "provider_reference": sub.Ref, "test": sub.Test}); err != nil {
		return err
	}
	return s.enqueue(ctx, tx, PollArgs{TenantID: tenantID, IssuanceID: is.ID}, next)
}

// notSent tells failures where the request certainly never reached the provider.
func notSent(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	return errors.Is(err, syscall.ECONNREFUSED)
}

// mergeDCV adds the provider's instructions and statuses to our DCV choices.
func mergeDCV(ours, theirs []provider.DomainDCV) []provider.DomainDCV {
	out := make([]provider.DomainDCV, len(ours))
	copy(out, ours)
	for i := range out {
		for _, t := range theirs {
			if strings.EqualFold(t.Name, out[i].Name) {
				if t.Instructions != nil {
					out[i].Instructions = t.Instructions
				}
				if t.Status != "" {
					out[i].Status = t.Status
				}
				if t.Method != "" {
					out[i].Method = t.Method
				}
				if t.ApproverEmail != "" {
					out[i].ApproverEmail = t.ApproverEmail
				}
			}
		}
		if out[i].Status == "" {
			out[i].Status = "pending"
		}
	}
	return out
}

// SubmitArgs is the reconciler of one submission: it runs after the submission's lease and, if the
// issuance is still submitting, asks the provider before anything is retried.
type SubmitArgs struct {
	TenantID   uuid.UUID `json:"tenant_id"`
	IssuanceID uuid.UUID `json:"issuance_id"`
}

// Kind names the job.
func (SubmitArgs) Kind() string { return "order.submit" }

// InsertOpts: one reconciler per issuance.
func (SubmitArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 20, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// SubmitWorker runs SubmitArgs.
type SubmitWorker struct {
	river.WorkerDefaults[SubmitArgs]
	Service *Service
}

// Work reconciles and, where safe, submits again.
func (w *SubmitWorker) Work(ctx context.Context, j *river.Job[SubmitArgs]) error {
	ctx = audit.WithActor(ctx, audit.Actor{Type: audit.ActorSystem, Label: "submission reconciler"})
	wait, err := w.Service.reconcile(ctx, j.Args.TenantID, j.Args.IssuanceID, j.Attempt >= j.MaxAttempts)
	if wait > 0 {
		return river.JobSnooze(wait)
	}
	return err
}

// reconcile takes over a submission whose result was not recorded.
func (s *Service) reconcile(ctx context.Context, tenantID, issuanceID uuid.UUID, lastAttempt bool) (time.Duration, error) {
	token := uuid.Must(uuid.NewV7())
	now := s.now()
	var is *Issuance
	var o *Order
	var p *catalog.Product
	var wait time.Duration
	err := s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		var err error
		if is, err = getIssuance(ctx, tx, tenantID, issuanceID, true); err != nil {
			return err
		}
		if is.Status != IssSubmitting {
			return nil
		}
		if is.SubmitLeaseUntil != nil && is.SubmitLeaseUntil.After(now) {
			wait = is.SubmitLeaseUntil.Sub(now) + time.Second
			return nil
		}
		if o, err = getOrder(ctx, tx, tenantID, is.OrderID, false); err != nil {
			return err
		}
		if p, err = s.catalog.ProductForOrder(ctx, tx, tenantID, o.ProductID); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE issuances SET submit_token = $3, submit_lease_until = $4 WHERE tenant_id = $1 AND id = $2`,
			tenantID, issuanceID, token, now.Add(s.cfg.SubmitLease))
		return err
	})
	if err != nil || wait > 0 || is.Status != IssSubmitting {
		return wait, err
	}
	adapter, _, err := s.providers.Open(ctx, tenantID, o.AccountID)
	if err != nil {
		return 0, err
	}
	ctx = provider.WithSubject(ctx, provider.Subject{OrderID: o.ID, IssuanceID: is.ID})
	attention := func(reason string) (time.Duration, error) {
		return 0, s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
			cur, err := getIssuance(ctx, tx, tenantID, issuanceID, true)
			if err != nil || cur.Status != IssSubmitting {
				return err
			}
			return s.attention(ctx, tx, tenantID, cur, reason)
		})
	}
	resubmit := true
	if finder, ok := adapter.(provider.Finder); ok {
		found, err := finder.Find(ctx, provider.FindQuery{Ref: is.Ref, Names: is.Names, Since: is.CreatedAt.Add(-10 * time.Minute)})
		if err != nil {
			if lastAttempt {
				return attention("the provider could not be asked whether it received the order: " + err.Error())
			}
			return 0, err
		}
		var byRef, byName []provider.Found
		for _, f := range found {
			if f.ByOurRef {
				byRef = append(byRef, f)
			} else if f.SubmittedAt.IsZero() || !f.SubmittedAt.Before(is.CreatedAt.Add(-10*time.Minute)) {
				byName = append(byName, f)
			}
		}
		switch {
		case len(byRef) == 1:
			return 0, s.adopt(ctx, tenantID, issuanceID, token, byRef[0])
		case len(byRef) > 1:
			return attention(fmt.Sprintf("the provider has %d orders with our reference %s; choose the right one", len(byRef), is.Ref))
		case len(byName) == 1:
			return 0, s.adopt(ctx, tenantID, issuanceID, token, byName[0])
		case len(byName) > 1:
			return attention(fmt.Sprintf("the provider has %d orders for %s placed since this one started; the service cannot tell which is ours", len(byName), is.CommonName))
		}
	} else if is.SubmitOutcome != "not_sent" {
		resubmit = false
	}
	if !resubmit {
		return attention("the service cannot tell whether the provider received the order, and the provider cannot be asked; check with the provider before retrying")
	}
	months := o.PeriodMonths
	if is.Kind == KindRenewal {
		months = is.PeriodMonths
	}
	// The same reference: a provider that keeps it refuses a duplicate.
	sub, callErr := adapter.Submit(ctx, s.providerRequest(is, p, months))
	if callErr != nil && provider.ClassOf(callErr) != provider.Invalid && provider.ClassOf(callErr) != provider.Rejected {
		s.record(ctx, tenantID, issuanceID, token, nil, callErr)
		if lastAttempt {
			return attention("submitting kept failing: " + callErr.Error())
		}
		// Release the lease so that the retry does not wait for it.
		_ = s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE issuances SET submit_lease_until = NULL WHERE tenant_id = $1 AND id = $2 AND submit_token = $3`, tenantID, issuanceID, token)
			return err
		})
		return 0, callErr
	}
	s.record(ctx, tenantID, issuanceID, token, sub, callErr)
	return 0, nil
}

// adopt records an order the provider has as the result of our submission.
func (s *Service) adopt(ctx context.Context, tenantID, issuanceID, token uuid.UUID, f provider.Found) error {
	s.record(ctx, tenantID, issuanceID, token, &provider.Submission{Ref: f.Ref, State: f.State}, nil)
	return s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		is, err := getIssuance(ctx, tx, tenantID, issuanceID, false)
		if err != nil {
			return err
		}
		return recordEvent(ctx, tx, tenantID, is.OrderID, "issuance.reconciled", map[string]any{"issuance_id": issuanceID,
			"provider_reference": f.Ref, "matched_by_reference": f.ByOurRef})
	})
}

// attention moves an issuance, and the order when it is not issued, to needs_attention.
func (s *Service) attention(ctx context.Context, tx pgx.Tx, tenantID uuid.UUID, is *Issuance, reason string) error {
	if _, err := tx.Exec(ctx, `UPDATE issuances SET status = 'needs_attention', reason = $3, submit_token = NULL, updated_at = now()
		WHERE tenant_id = $1 AND id = $2`, tenantID, is.ID, reason); err != nil {
		return err
	}
	o, err := getOrder(ctx, tx, tenantID, is.OrderID, true)
	if err != nil {
		return err
	}
	if Allowed(o.Status, ActAttention) {
		return s.setStatus(ctx, tx, tenantID, o, ActAttention, reason)
	}
	return recordEvent(ctx, tx, tenantID, o.ID, "issuance.needs_attention", map[string]any{"issuance_id": is.ID, "reason": reason})
}
