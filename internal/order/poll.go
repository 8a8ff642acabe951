package order

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/sslreseller/sslreseller/internal/audit"
	"github.com/sslreseller/sslreseller/internal/catalog"
	"github.com/sslreseller/sslreseller/internal/pki"
	"github.com/sslreseller/sslreseller/internal/platform/errs"
	"github.com/sslreseller/sslreseller/internal/provider"
)

// PollArgs is the validation poller of one pending issuance.
type PollArgs struct {
	TenantID   uuid.UUID `json:"tenant_id"`
	IssuanceID uuid.UUID `json:"issuance_id"`
}

// Kind names the job.
func (PollArgs) Kind() string { return "order.poll" }

// InsertOpts: one poller per issuance; it snoozes between checks.
func (PollArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 100000, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// PollWorker runs PollArgs.
type PollWorker struct {
	river.WorkerDefaults[PollArgs]
	Service *Service
}

// Work checks the issuance when it is due and snoozes until the next check.
func (w *PollWorker) Work(ctx context.Context, j *river.Job[PollArgs]) error {
	ctx = audit.WithActor(ctx, audit.Actor{Type: audit.ActorSystem, Label: "validation poller"})
	next, err := w.Service.check(ctx, j.Args.TenantID, j.Args.IssuanceID, false)
	if err != nil {
		return err
	}
	if next.IsZero() {
		return nil
	}
	d := next.Sub(w.Service.now())
	if d < time.Second {
		d = time.Second
	}
	return river.JobSnooze(d)
}

// Timeout bounds one check.
func (w *PollWorker) Timeout(*river.Job[PollArgs]) time.Duration { return 2 * time.Minute }

// backoff is the wait after the n-th check: doubling from the initial interval up to the maximum,
// never below the account's minimum.
func (s *Service) backoff(n int, min time.Duration) time.Duration {
	d := s.cfg.InitialInterval
	for i := 1; i < n && d < s.cfg.MaxInterval; i++ {
		d *= 2
	}
	if d > s.cfg.MaxInterval {
		d = s.cfg.MaxInterval
	}
	if d < min {
		d = min
	}
	return d
}

// check asks the provider about an issuance when due (or now, when manual) and applies the answer.
// It returns when to check next; zero when polling is over.
func (s *Service) check(ctx context.Context, tenantID, issuanceID uuid.UUID, manual bool) (time.Time, error) {
	now := s.now()
	var is *Issuance
	var o *Order
	var p *catalog.Product
	var next time.Time
	err := s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		var err error
		if is, err = getIssuance(ctx, tx, tenantID, issuanceID, true); err != nil {
			return err
		}
		switch {
		case is.Status == IssPending:
		case is.Status == IssNeedsAttention && manual && is.ProviderRef != "":
		default:
			if manual {
				return errs.New(errs.Conflict, "there is nothing to check: the request is %s", is.Status)
			}
			return nil
		}
		if !manual && is.NextCheckAt != nil && is.NextCheckAt.After(now) {
			next = *is.NextCheckAt
			return nil
		}
		if is.PollLeaseUntil != nil && is.PollLeaseUntil.After(now) {
			if manual {
				return errs.New(errs.Conflict, "a check of this request is running; try again in a moment")
			}
			next = *is.PollLeaseUntil
			return nil
		}
		if o, err = getOrder(ctx, tx, tenantID, is.OrderID, false); err != nil {
			return err
		}
		if p, err = s.catalog.ProductForOrder(ctx, tx, tenantID, o.ProductID); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE issuances SET poll_lease_until = $3 WHERE tenant_id = $1 AND id = $2`, tenantID, issuanceID, now.Add(2*time.Minute))
		return err
	})
	if err != nil || o == nil {
		return next, err
	}
	adapter, acct, err := s.providers.Open(ctx, tenantID, o.AccountID)
	if err != nil {
		return now.Add(s.backoff(1, 0)), nil
	}
	minPoll := time.Duration(0)
	if acct.Environment == provider.EnvLive {
		minPoll = acct.Capabilities.MinPoll
	}
	ctx = provider.WithSubject(ctx, provider.Subject{OrderID: o.ID, IssuanceID: is.ID})
	months := o.PeriodMonths
	if is.Kind == KindRenewal {
		months = is.PeriodMonths
	}
	submitted := is.CreatedAt
	if is.SubmittedAt != nil {
		submitted = *is.SubmittedAt
	}
	st, callErr := adapter.Status(ctx, provider.StatusQuery{Ref: is.ProviderRef, Request: s.providerRequest(is, p, months), SubmittedAt: submitted})
	ctx = context.WithoutCancel(ctx)
	err = s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		is, o, err := lockIssuance(ctx, tx, tenantID, issuanceID)
		if err != nil {
			return err
		}
		attempts := is.PollAttempts + 1
		result := ""
		switch {
		case callErr != nil:
			result = "error: " + callErr.Error()
		case st.State == provider.StateIssued:
			next = time.Time{}
			return s.finishIssue(ctx, tx, tenantID, o, is, st, attempts)
		case st.State == provider.StateRejected || st.State == provider.StateCancelled || st.State == provider.StateRevoked:
			next = time.Time{}
			reason := st.Reason
			if reason == "" {
				reason = "the certificate authority " + st.State + " the request"
			}
			if _, err := tx.Exec(ctx, `UPDATE issuances SET status = 'rejected', reason = $3, poll_attempts = $4, last_check_at = $5,
				last_result = $6, poll_lease_until = NULL, next_check_at = NULL, updated_at = now() WHERE tenant_id = $1 AND id = $2`,
				tenantID, is.ID, reason, attempts, now, st.State); err != nil {
				return err
			}
			if is.Kind == KindNew && Allowed(o.Status, ActReject) {
				return s.setStatus(ctx, tx, tenantID, o, ActReject, reason)
			}
			if is.Kind == KindNew && o.Status == NeedsAttention {
				return s.setStatus(ctx, tx, tenantID, o, ActCancel, reason)
			}
			return recordEvent(ctx, tx, tenantID, o.ID, "issuance.rejected", map[string]any{"issuance_id": is.ID, "reason": reason})
		default:
			result = "pending"
			if st.Raw != "" {
				result = "pending (" + st.Raw + ")"
			}
		}
		dcv := is.DCV
		if st != nil {
			dcv = mergeDCV(is.DCV, st.DCV)
		}
		if is.SubmittedAt != nil && now.Sub(*is.SubmittedAt) > s.cfg.MaxPendingAge && is.Status == IssPending {
			next = time.Time{}
			if _, err := tx.Exec(ctx, `UPDATE issuances SET poll_attempts = $3, last_check_at = $4, last_result = $5, dcv = $6,
				poll_lease_until = NULL, next_check_at = NULL WHERE tenant_id = $1 AND id = $2`, tenantID, is.ID, attempts, now, result, marshal(dcv)); err != nil {
				return err
			}
			return s.attention(ctx, tx, tenantID, is, fmt.Sprintf("validation has been pending for more than %s", s.cfg.MaxPendingAge))
		}
		next = now.Add(s.backoff(attempts, minPoll))
		if is.Status != IssPending {
			next = time.Time{} // a manual check of a flagged request does not restart polling
		}
		var nextCol *time.Time
		if !next.IsZero() {
			nextCol = &next
		}
		_, err = tx.Exec(ctx, `UPDATE issuances SET poll_attempts = $3, last_check_at = $4, last_result = $5, dcv = $6,
			poll_lease_until = NULL, next_check_at = $7, updated_at = now() WHERE tenant_id = $1 AND id = $2`,
			tenantID, is.ID, attempts, now, result, marshal(dcv), nextCol)
		if err == nil && manual {
			err = recordEvent(ctx, tx, tenantID, o.ID, "order.check", map[string]any{"issuance_id": is.ID, "result": result})
		}
		return err
	})
	if err != nil {
		return time.Time{}, err
	}
	if manual && callErr != nil {
		return next, provider.ToErrs(callErr)
	}
	return next, nil
}

// finishIssue stores the collected certificate and moves the order: the term starts with the first
// certificate, a renewal extends it, a reissue replaces the served certificate.
func (s *Service) finishIssue(ctx context.Context, tx pgx.Tx, tenantID uuid.UUID, o *Order, is *Issuance, st *provider.Status, attempts int) error {
	now := s.now()
	certs, err := pki.ParseCertificatesPEM(st.CertPEM)
	if err != nil || len(certs) == 0 {
		_, err2 := tx.Exec(ctx, `UPDATE issuances SET last_result = $3, poll_lease_until = NULL, poll_attempts = $4 WHERE tenant_id = $1 AND id = $2`,
			tenantID, is.ID, "the provider sent an unreadable certificate", attempts)
		return errors.Join(fmt.Errorf("order: collected certificate: %w", err), err2)
	}
	leaf := certs[0]
	if info, err := pki.ParseCSR([]byte(is.CSRPEM)); err == nil && !sameKey(info, leaf) {
		return s.attention(ctx, tx, tenantID, is, "the provider's certificate is not for the key of this request")
	}
	serial := pki.SerialHex(leaf.SerialNumber)
	if _, err := tx.Exec(ctx, `UPDATE issuances SET status = 'issued', cert_pem = $3, chain_pem = $4, serial = $5, not_before = $6,
		not_after = $7, issued_at = $8, poll_attempts = $9, last_check_at = $8, last_result = 'issued', poll_lease_until = NULL,
		next_check_at = NULL, updated_at = now() WHERE tenant_id = $1 AND id = $2`,
		tenantID, is.ID, string(st.CertPEM), string(st.ChainPEM), serial, leaf.NotBefore, leaf.NotAfter, now, attempts); err != nil {
		return err
	}
	start, end := o.TermStartsAt, o.TermEndsAt
	switch is.Kind {
	case KindNew:
		t0 := now
		t1 := now.AddDate(0, o.PeriodMonths, 0)
		start, end = &t0, &t1
	case KindRenewal:
		base := now
		if end != nil && end.After(now) {
			base = *end
		}
		t1 := base.AddDate(0, is.PeriodMonths, 0)
		end = &t1
	}
	if o.CurrentIssuance != nil && *o.CurrentIssuance != is.ID {
		if _, err := tx.Exec(ctx, `UPDATE issuances SET status = 'superseded', updated_at = now() WHERE tenant_id = $1 AND id = $2 AND status = 'issued'`,
			tenantID, *o.CurrentIssuance); err != nil {
			return err
		}
	}
	nextReissue := s.nextReissue(leaf.NotBefore, leaf.NotAfter, end)
	if _, err := tx.Exec(ctx, `UPDATE orders SET current_issuance = $3, term_starts_at = $4, term_ends_at = $5, next_reissue_at = $6,
		expiry_notified_days = CASE WHEN term_ends_at IS DISTINCT FROM $5 THEN NULL ELSE expiry_notified_days END,
		updated_at = now() WHERE tenant_id = $1 AND id = $2`, tenantID, o.ID, is.ID, start, end, nextReissue); err != nil {
		return err
	}
	if o.Status != Issued {
		if err := s.setStatus(ctx, tx, tenantID, o, ActIssue, ""); err != nil {
			return err
		}
	} else {
		event := EventReissued
		if is.Kind == KindRenewal {
			event = EventRenewed
		}
		if err := s.notify(ctx, tx, tenantID, o.ID, event); err != nil {
			return err
		}
	}
	return recordEvent(ctx, tx, tenantID, o.ID, "issuance.issued", map[string]any{"issuance_id": is.ID, "kind": is.Kind,
		"serial": serial, "not_before": leaf.NotBefore, "not_after": leaf.NotAfter, "term_ends_at": end})
}

// nextReissue plans the reissue that keeps a term covered: before the certificate expires, by
// orders.reissue_before but at most a third of the certificate's lifetime; none when the
// certificate outlives the term.
func (s *Service) nextReissue(notBefore, notAfter time.Time, termEnd *time.Time) *time.Time {
	if termEnd == nil || !notAfter.Before(*termEnd) {
		return nil
	}
	before := s.cfg.ReissueBefore
	if third := notAfter.Sub(notBefore) / 3; third < before {
		before = third
	}
	t := notAfter.Add(-before)
	return &t
}
