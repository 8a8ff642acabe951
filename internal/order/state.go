package order

import (
	"github.com/sslreseller/sslreseller/internal/platform/errs"
)

// Status is the order status a billing system sees.
type Status string

// The statuses of design.md section 3.
const (
	AwaitingActivation    Status = "awaiting_activation"
	AwaitingConfiguration Status = "awaiting_configuration"
	Submitting            Status = "submitting"
	PendingValidation     Status = "pending_validation"
	Issued                Status = "issued"
	Expired               Status = "expired"
	Revoked               Status = "revoked"
	Rejected              Status = "rejected"
	Cancelled             Status = "cancelled"
	NeedsAttention        Status = "needs_attention"
)

// Statuses lists every status, in lifecycle order.
var Statuses = []Status{AwaitingActivation, AwaitingConfiguration, Submitting, PendingValidation, Issued, Expired,
	Revoked, Rejected, Cancelled, NeedsAttention}

// Valid reports whether s is a status.
func (s Status) Valid() bool {
	for _, v := range Statuses {
		if v == s {
			return true
		}
	}
	return false
}

// Action is what moves an order from one status to another.
type Action string

// The actions.
const (
	ActActivate      Action = "activate"        // staff activate a paid order
	ActSubmit        Action = "submit"          // configuration accepted, submission intent committed
	ActSubmitted     Action = "submitted"       // the provider accepted the request
	ActSubmitInvalid Action = "submit_invalid"  // the provider refused our input: the client fixes it
	ActIssue         Action = "issue"           // the certificate was collected
	ActReject        Action = "reject"          // the CA said no
	ActReconfigure   Action = "reconfigure"     // the client corrects a rejected order
	ActCancel        Action = "cancel"          // before issue
	ActAttention     Action = "needs_attention" // the service cannot tell what happened upstream, or validation is stuck
	ActResume        Action = "resume"          // staff: validation goes on
	ActRevoke        Action = "revoke"          // ends the order
	ActExpire        Action = "expire"          // the term ended
	ActRenew         Action = "renew"           // extends the term; stays issued
	ActReissue       Action = "reissue"         // new key or CSR; stays issued
	ActChangeDCV     Action = "change_dcv"      // change the DCV method or approver of pending names
	ActResendDCV     Action = "resend_dcv"      // send the validation e-mail again
	ActCheck         Action = "check"           // ask the provider now
)

// transitions is the one table of allowed moves.
var transitions = map[Status]map[Action]Status{
	AwaitingActivation: {
		ActActivate: AwaitingConfiguration,
		ActCancel:   Cancelled,
	},
	AwaitingConfiguration: {
		ActSubmit: Submitting,
		ActCancel: Cancelled,
	},
	Submitting: {
		ActSubmitted:     PendingValidation,
		ActSubmitInvalid: AwaitingConfiguration,
		ActReject:        Rejected,
		ActIssue:         Issued,
		ActAttention:     NeedsAttention,
		ActCancel:        Cancelled,
		ActCheck:         Submitting,
	},
	PendingValidation: {
		ActIssue:     Issued,
		ActReject:    Rejected,
		ActAttention: NeedsAttention,
		ActCancel:    Cancelled,
		ActChangeDCV: PendingValidation,
		ActResendDCV: PendingValidation,
		ActCheck:     PendingValidation,
	},
	NeedsAttention: {
		ActResume: PendingValidation,
		ActIssue:  Issued,
		ActCancel: Cancelled,
		ActCheck:  NeedsAttention,
	},
	Issued: {
		ActRenew:     Issued,
		ActReissue:   Issued,
		ActRevoke:    Revoked,
		ActExpire:    Expired,
		ActChangeDCV: Issued,
		ActResendDCV: Issued,
		ActCheck:     Issued,
	},
	Rejected: {
		ActReconfigure: AwaitingConfiguration,
		ActCancel:      Cancelled,
	},
	Expired:   {},
	Revoked:   {},
	Cancelled: {},
}

// Next returns the status an action leads to, or a conflict naming the status and the action.
func Next(from Status, a Action) (Status, error) {
	if to, ok := transitions[from][a]; ok {
		return to, nil
	}
	return from, errs.New(errs.Conflict, "%s is not possible while the order is %s%s", describe(a), from, hint(from, a))
}

// Allowed reports whether an action is possible from a status.
func Allowed(from Status, a Action) bool {
	_, ok := transitions[from][a]
	return ok
}

func describe(a Action) string {
	switch a {
	case ActSubmit:
		return "configuring"
	case ActChangeDCV:
		return "changing the validation method"
	case ActResendDCV:
		return "resending the validation e-mail"
	case ActAttention:
		return "flagging for attention"
	default:
		return string(a)
	}
}

func hint(from Status, a Action) string {
	switch {
	case a == ActRevoke && (from == PendingValidation || from == Submitting || from == AwaitingConfiguration):
		return " (nothing was issued yet: cancel instead)"
	case a == ActCancel && from == Issued:
		return " (an issued certificate is revoked, not cancelled)"
	case a == ActSubmit && from == AwaitingActivation:
		return " (staff must activate it first)"
	case (a == ActRenew || a == ActReissue) && from != Issued:
		return " (only issued certificates can be renewed or reissued)"
	}
	return ""
}
