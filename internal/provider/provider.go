package provider

import (
	"context"
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/sslreseller/sslreseller/internal/money"
)

// Environments of a provider account.
const (
	EnvTest = "test"
	EnvLive = "live"
)

// Validation levels.
const (
	DV = "dv"
	OV = "ov"
	EV = "ev"
)

// DCV methods.
const (
	DCVEmail = "email"
	DCVHTTP  = "http"
	DCVDNS   = "dns"
)

// Account is what an adapter is built for: one tenant's credentials for one provider.
type Account struct {
	ID          uuid.UUID
	TenantID    uuid.UUID
	Provider    string
	Name        string
	Environment string
	Endpoint    string            // optional override of scheme, host and port
	Credentials map[string]string // opened from their sealed form; never logged
	Settings    map[string]string
	// State is the adapter's own secret state made by Spec.Init (the sandbox keeps its CA here),
	// stored sealed by the framework.
	State []byte
}

// Deps are what the framework hands an adapter.
type Deps struct {
	// HTTP is the client for upstream calls; its transport holds the account's rate and concurrency
	// limits across processes.
	HTTP *http.Client
	// Record receives every upstream call for the account's call log.
	Record Recorder
	// Now is the clock.
	Now func() time.Time
}

// Provider is the core interface every adapter implements. Errors are *Error values with a Class.
type Provider interface {
	// TestConnection makes a harmless call and says in words staff can act on what it found.
	TestConnection(ctx context.Context) (detail string, err error)
	// Catalog lists what the account sells.
	Catalog(ctx context.Context) ([]CatalogItem, error)
	// Submit orders, configures and submits one certificate request (new, renewal by new order, or
	// the first request of a reissue where the provider has no reissue command).
	Submit(ctx context.Context, req Request) (*Submission, error)
	// Status reports the state of a submitted request and, once issued, the certificate.
	Status(ctx context.Context, q StatusQuery) (*Status, error)
}

// ApproverLister lists the addresses that may approve e-mail DCV for a name.
type ApproverLister interface {
	ApproverEmails(ctx context.Context, item, domain string) ([]string, error)
}

// Reissuer reissues an issued certificate with a new CSR.
type Reissuer interface {
	Reissue(ctx context.Context, ref string, req Request) (*Submission, error)
}

// Renewer renews natively (remaining time carried over where the CA allows). Providers without it
// renew by a new order through Submit.
type Renewer interface {
	Renew(ctx context.Context, ref string, req Request) (*Submission, error)
}

// Revoker revokes an issued certificate.
type Revoker interface {
	Revoke(ctx context.Context, ref string, reason string) error
}

// Canceller cancels a request before issue upstream, with a refund where the provider has one.
type Canceller interface {
	Cancel(ctx context.Context, ref string) (refunded bool, err error)
}

// DCVChanger changes the DCV method or approver of pending names.
type DCVChanger interface {
	ChangeDCV(ctx context.Context, ref string, dcv []DomainDCV) ([]DomainDCV, error)
}

// DCVResender sends the validation e-mail again.
type DCVResender interface {
	ResendDCV(ctx context.Context, ref string) error
}

// Finder finds orders placed upstream, for the reconciler after a crash between "submitting" and
// the recorded result: by our reference where the provider keeps one, else by names and date.
type Finder interface {
	Find(ctx context.Context, q FindQuery) ([]Found, error)
}

// CatalogItem is one thing an account sells.
type CatalogItem struct {
	Code          string
	Name          string
	Brand         string
	Validation    string // dv, ov, ev
	Wildcard      bool
	IncludedNames int // names in the base price, common name included
	MaxNames      int // all names on the certificate
	Periods       []PeriodCost
	PerNameCost   []PeriodCost // cost of each name beyond IncludedNames, per period
}

// PeriodCost is the cost of a period of months. Cost is nil where costs are entered by staff.
type PeriodCost struct {
	Months int
	Cost   *money.Amount
}

// Contact is a person on the order.
type Contact struct {
	FirstName string
	LastName  string
	Email     string
	Phone     string
	JobTitle  string
}

// Organization is the company of OV and EV certificates.
type Organization struct {
	Name       string
	Phone      string
	Line1      string
	Line2      string
	City       string
	State      string
	PostalCode string
	Country    string
}

// Contacts are the order's contacts.
type Contacts struct {
	Admin        Contact
	Tech         Contact
	Organization Organization
}

// DomainDCV is the validation of one name.
type DomainDCV struct {
	Name          string
	Method        string // email, http, dns
	ApproverEmail string
	Status        string // pending, valid, failed
	Instructions  *Instructions
}

// Instructions tell the client how to prove control of a name.
type Instructions struct {
	Method      string `json:"method"`
	Email       string `json:"email,omitempty"`
	FileURL     string `json:"file_url,omitempty"`
	FilePath    string `json:"file_path,omitempty"`
	FileContent string `json:"file_content,omitempty"`
	RecordName  string `json:"record_name,omitempty"`
	RecordType  string `json:"record_type,omitempty"`
	RecordValue string `json:"record_value,omitempty"`
}

// Request is one certificate request.
type Request struct {
	Ref          string // our unique reference, sent where the provider keeps one
	Item         string
	PeriodMonths int
	Validation   string
	CSR          []byte // PEM
	CommonName   string
	Names        []string // all names, common name first
	DCV          []DomainDCV
	Contacts     Contacts
	ServerType   string
}

// States of a request upstream.
const (
	StatePending   = "pending"
	StateIssued    = "issued"
	StateRejected  = "rejected"
	StateCancelled = "cancelled"
	StateRevoked   = "revoked"
)

// Submission is what the provider answered to a submission.
type Submission struct {
	Ref   string // the provider's reference
	State string
	DCV   []DomainDCV
	// Test is true when the environment issues no real certificates (Enom's test server, Sectigo test=Y).
	Test bool
}

// StatusQuery asks about one submitted request. The request travels along so that adapters whose
// provider keeps little state (and the sandbox) can answer.
type StatusQuery struct {
	Ref         string
	Request     Request
	SubmittedAt time.Time
}

// Status is the state of a request upstream.
type Status struct {
	State  string
	Reason string // why it was rejected
	DCV    []DomainDCV
	// CertPEM and ChainPEM are set once issued.
	CertPEM  []byte
	ChainPEM []byte
	// Raw is the provider's own status value, for the timeline.
	Raw string
}

// FindQuery looks for an order placed upstream.
type FindQuery struct {
	Ref   string
	Names []string
	Since time.Time
}

// Found is an upstream order the reconciler may match.
type Found struct {
	Ref         string
	State       string
	CommonName  string
	SubmittedAt time.Time
	// ByOurRef is true when the provider matched our reference, not just names and dates.
	ByOurRef bool
}
