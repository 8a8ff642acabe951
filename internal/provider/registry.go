package provider

import (
	"context"
	"fmt"
	"sort"
	"time"
)

// Renew modes.
const (
	RenewNative   = "native"
	RenewNewOrder = "new_order"
)

// Cancel modes.
const (
	CancelRefund = "refund"
	CancelLocal  = "local"
)

// Capabilities summarise what an adapter can do, for the UI and API to offer only that.
type Capabilities struct {
	CatalogCosts   bool          `json:"catalog_costs"` // false: costs are entered by staff
	ApproverEmails bool          `json:"approver_emails"`
	DecodeCSR      bool          `json:"decode_csr"` // upstream; CSRs are always checked locally too
	Reissue        bool          `json:"reissue"`
	Renew          string        `json:"renew"` // native or new_order
	Revoke         bool          `json:"revoke"`
	Cancel         string        `json:"cancel"` // refund or local
	ChangeDCV      bool          `json:"change_dcv"`
	ResendDCV      bool          `json:"resend_dcv"`
	Find           bool          `json:"find"`
	DCVMethods     []string      `json:"dcv_methods"`
	MinPoll        time.Duration `json:"-"`
	// TestIssues is false where the test environment issues no real certificates.
	TestIssues bool `json:"test_issues"`
}

// Key describes a credential or setting of an account.
type Key struct {
	Name     string
	Label    string
	Required bool
	Default  string
	Help     string
}

// Spec registers one provider.
type Spec struct {
	Name         string
	Title        string
	Credentials  []Key
	Settings     []Key
	Capabilities Capabilities
	// LiveOnly is true for providers without a test environment.
	LiveOnly bool
	// New builds an adapter for an account.
	New func(acct Account, deps Deps) (Provider, error)
	// Init, when set, runs once when an account is created; its result is sealed and handed back
	// as Account.State.
	Init func(ctx context.Context, acct Account, now time.Time) ([]byte, error)
	// CheckSettings validates settings beyond their presence.
	CheckSettings func(settings map[string]string) error
	// RatePerMinute and MaxConcurrency are the limits new accounts start with (120 and 4 when zero).
	RatePerMinute  int
	MaxConcurrency int
}

// Registry holds the providers by name.
type Registry struct {
	specs map[string]Spec
}

// NewRegistry returns a registry with the given providers.
func NewRegistry(specs ...Spec) *Registry {
	r := &Registry{specs: map[string]Spec{}}
	for _, s := range specs {
		if _, dup := r.specs[s.Name]; dup {
			panic(fmt.Sprintf("provider: %s registered twice", s.Name))
		}
		r.specs[s.Name] = s
	}
	return r
}

// Get returns a provider's spec.
func (r *Registry) Get(name string) (Spec, bool) {
	s, ok := r.specs[name]
	return s, ok
}

// Names lists the providers, sorted.
func (r *Registry) Names() []string {
	out := make([]string, 0, len(r.specs))
	for n := range r.specs {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Supports reports whether the adapter p implements the capability interface of an action.
func Supports(p Provider, action string) bool {
	switch action {
	case "approver_emails":
		_, ok := p.(ApproverLister)
		return ok
	case "reissue":
		_, ok := p.(Reissuer)
		return ok
	case "renew_native":
		_, ok := p.(Renewer)
		return ok
	case "revoke":
		_, ok := p.(Revoker)
		return ok
	case "cancel":
		_, ok := p.(Canceller)
		return ok
	case "change_dcv":
		_, ok := p.(DCVChanger)
		return ok
	case "resend_dcv":
		_, ok := p.(DCVResender)
		return ok
	case "find":
		_, ok := p.(Finder)
		return ok
	}
	return false
}
