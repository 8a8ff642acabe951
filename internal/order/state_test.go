package order

import (
	"strings"
	"testing"

	"github.com/sslreseller/sslreseller/internal/platform/errs"
)

var allActions = []Action{ActActivate, ActSubmit, ActSubmitted, ActSubmitInvalid, ActIssue, ActReject, ActReconfigure,
	ActCancel, ActAttention, ActResume, ActRevoke, ActExpire, ActRenew, ActReissue, ActChangeDCV, ActResendDCV, ActCheck}

// TestTransitions lists every legal move; every other (status, action) pair must be a conflict that
// names the current status.
func TestTransitions(t *testing.T) {
	t.Parallel()
	legal := []struct {
		from Status
		act  Action
		to   Status
	}{
		{AwaitingActivation, ActActivate, AwaitingConfiguration},
		{AwaitingActivation, ActCancel, Cancelled},
		{AwaitingConfiguration, ActSubmit, Submitting},
		{AwaitingConfiguration, ActCancel, Cancelled},
		{Submitting, ActSubmitted, PendingValidation},
		{Submitting, ActSubmitInvalid, AwaitingConfiguration},
		{Submitting, ActReject, Rejected},
		{Submitting, ActIssue, Issued},
		{Submitting, ActAttention, NeedsAttention},
		{Submitting, ActCancel, Cancelled},
		{Submitting, ActCheck, Submitting},
		{PendingValidation, ActIssue, Issued},
		{PendingValidation, ActReject, Rejected},
		{PendingValidation, ActAttention, NeedsAttention},
		{PendingValidation, ActCancel, Cancelled},
		{PendingValidation, ActChangeDCV, PendingValidation},
		{PendingValidation, ActResendDCV, PendingValidation},
		{PendingValidation, ActCheck, PendingValidation},
		{NeedsAttention, ActResume, PendingValidation},
		{NeedsAttention, ActIssue, Issued},
		{NeedsAttention, ActCancel, Cancelled},
		{NeedsAttention, ActCheck, NeedsAttention},
		{Issued, ActRenew, Issued},
		{Issued, ActReissue, Issued},
		{Issued, ActRevoke, Revoked},
		{Issued, ActExpire, Expired},
		{Issued, ActChangeDCV, Issued},
		{Issued, ActResendDCV, Issued},
		{Issued, ActCheck, Issued},
		{Rejected, ActReconfigure, AwaitingConfiguration},
		{Rejected, ActCancel, Cancelled},
	}
	want := map[Status]map[Action]Status{}
	for _, l := range legal {
		if want[l.from] == nil {
			want[l.from] = map[Action]Status{}
		}
		want[l.from][l.act] = l.to
	}
	for _, from := range Statuses {
		for _, act := range allActions {
			name := string(from) + "/" + string(act)
			t.Run(name, func(t *testing.T) {
				got, err := Next(from, act)
				if to, ok := want[from][act]; ok {
					if err != nil || got != to {
						t.Fatalf("%s: got %s, %v; want %s", name, got, err, to)
					}
					if !Allowed(from, act) {
						t.Fatalf("%s: Allowed says no", name)
					}
					return
				}
				if err == nil {
					t.Fatalf("%s: illegal move allowed (to %s)", name, got)
				}
				if !errs.Is(err, errs.Conflict) || !strings.Contains(err.Error(), string(from)) {
					t.Fatalf("%s: want a conflict naming the status, got %v", name, err)
				}
				if Allowed(from, act) || got != from {
					t.Fatalf("%s: status changed on an illegal move", name)
				}
			})
		}
	}
}
