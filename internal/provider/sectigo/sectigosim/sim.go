package sectigosim

import (
	"crypto/rand"
	"fmt"
	"math/big"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/sslreseller/sslreseller/internal/pki"
)

// Order states of the simulator (Sectigo's own vocabulary shows in CollectSSL's certificateStatus).
const (
	StateAwaitingValidation = "awaiting_validation"
	StateIssued             = "issued"
	StateRejected           = "rejected"
	StateCancelled          = "cancelled"
	StateRevoked            = "revoked"
	// StateReplaced is a certificate's state after a reissue issued its successor.
	StateReplaced = "replaced"
)

// Defaults of Options.
const (
	DefaultIssueAfterPolls = 2
	DefaultSlowDelay       = 3 * time.Second
	DefaultBalance         = 100000 // 1000.00 in minor units
	DefaultCurrency        = "USD"
	DefaultLogin           = "sim-reseller"
)

// Options configures a Sim. Zero values take the defaults.
type Options struct {
	// Now is the simulator's clock (order dates, certificate validity); default time.Now.
	Now func() time.Time
	// IssueAfterPolls is how many CollectSSL calls an order needs before it issues (default 2).
	IssueAfterPolls int
	// SlowDelay is how long answers about "slow." names take (default 3s).
	SlowDelay time.Duration
	// RequireHTTPS answers -1 to plain-HTTP requests, as Sectigo does; off by default because the
	// simulator serves plain HTTP on loopback.
	RequireHTTPS bool
	// IssueTestOrders lets test=Y orders issue from the simulator CA; by default they never issue, as at
	// Sectigo.
	IssueTestOrders bool
	// DefaultLogin and DefaultPassword are the default account's credentials (default "sim-reseller" and
	// a random password).
	DefaultLogin    string
	DefaultPassword string // see DefaultLogin
}

// Account is a reseller account of the simulator.
type Account struct {
	// LoginName and LoginPassword are the credentials (both case-sensitive).
	LoginName     string
	LoginPassword string
	// Balance is the credit in minor units of Currency; orders are debited, refunds credited.
	Balance  int64
	Currency string // ISO 4217 code of Balance and of the costs
	// IPBlocked makes every call answer -16, as Sectigo does for a source IP outside the allow-list.
	IPBlocked bool
	// PayLater places orders unpaid (errorCode 1) until AutoAuthorize pays them.
	PayLater bool
}

// Certificate is one certificate (issuance) of an order.
type Certificate struct {
	CertificateID string // Sectigo's certificate ID
	State         string // awaiting_validation, issued, replaced, revoked, rejected, cancelled
	DCVMethod     string // EMAIL, HTTP_CSR_HASH, HTTPS_CSR_HASH or CNAME_CSR_HASH
	UniqueValue   string // sent or generated at order time
	CSR           string // the request, as PEM
	Serial        string // lower-case hex, once issued
	// NotBefore, NotAfter, CertPEM and ChainPEM (the intermediate) describe the certificate once issued.
	NotBefore time.Time
	NotAfter  time.Time
	CertPEM   []byte
	ChainPEM  []byte
}

// Order is a snapshot of a simulator order.
type Order struct {
	OrderNumber        string   // Sectigo's 7-8 digit order number
	ForeignOrderNumber string   // the client's reference, when sent
	Account            string   // login name of the account that placed it
	Product            int      // product code
	Days               int      // term in days
	Names              []string // the certificate's names, the common name first
	Test               bool     // placed with test=Y: not billed, never issued
	Paid               bool     // false until AutoAuthorize for PayLater accounts
	Refunded           bool     // AutoRefund was called
	Cost               int64    // minor units of the account's currency
	State              string   // one of the State constants
	RejectReason       string   // why it was rejected
	// Polls counts CollectSSL calls since the current certificate was requested.
	Polls int
	// Resends counts ResendDCVEmail calls.
	Resends int
	// Placed is when the order was placed, to the second.
	Placed time.Time
	// Certificates are the order's certificates, the original first and each reissue after it.
	Certificates []Certificate
}

// Sim is a Sectigo reseller API simulator. All state is in memory behind one mutex; it is safe for
// concurrent use.
type Sim struct {
	opts Options
	now  func() time.Time
	ca   *pki.CA

	mu          sync.Mutex
	accounts    map[string]*Account
	defaultAcct string
	orders      []*order
	nextOrder   int64
	nextCert    int64
	failNext    int
	failStatus  int
	malformNext int
	delay       time.Duration
	issueAfter  map[string]int
	reject      map[string]string
	triedNames  map[string]bool
	requests    map[string]int
}

type order struct {
	Order
	current    int  // index of the certificate CollectSSL reports
	issueAfter int  // polls the current certificate needs; -1 never
	baseIssue  int  // polls a certificate of this order needs after a new CSR
	sentBusy   bool // the one -26 of an "issuing." order was sent
	validation pki.Validation
	org        pki.Subject
	csrs       []*request
}

// New makes a simulator with its own CA and a default account (see DefaultAccount), plus the account
// "ipblocked-<default login>" with the same password whose calls are refused as from a foreign IP.
// It panics only if the system cannot make keys.
func New(opts Options) *Sim {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.IssueAfterPolls <= 0 {
		opts.IssueAfterPolls = DefaultIssueAfterPolls
	}
	if opts.SlowDelay <= 0 {
		opts.SlowDelay = DefaultSlowDelay
	}
	if opts.DefaultLogin == "" {
		opts.DefaultLogin = DefaultLogin
	}
	if opts.DefaultPassword == "" {
		opts.DefaultPassword = randomString(16)
	}
	ca, err := pki.NewCA("Sectigo Simulator Root", opts.Now())
	if err != nil {
		panic(fmt.Sprintf("sectigosim: making the simulator CA: %v", err))
	}
	s := &Sim{opts: opts, now: opts.Now, ca: ca,
		accounts: map[string]*Account{}, issueAfter: map[string]int{}, reject: map[string]string{},
		triedNames: map[string]bool{}, requests: map[string]int{},
		nextOrder: 1000000 + randomInt(7000000), nextCert: 2000000000 + randomInt(900000000)}
	s.defaultAcct = opts.DefaultLogin
	s.AddAccount(Account{LoginName: opts.DefaultLogin, LoginPassword: opts.DefaultPassword})
	s.AddAccount(Account{LoginName: "ipblocked-" + opts.DefaultLogin, LoginPassword: opts.DefaultPassword, IPBlocked: true})
	return s
}

// Handler serves the API under /products/ like secure.trust-provider.com.
func (s *Sim) Handler() http.Handler { return http.HandlerFunc(s.serve) }

// RootPEM is the simulator CA's root certificate, to trust the certificates it issues.
func (s *Sim) RootPEM() []byte { return s.ca.RootPEM() }

// IntermediatePEM is the simulator CA's issuing certificate.
func (s *Sim) IntermediatePEM() []byte { return s.ca.IntermediatePEM() }

// DefaultAccount returns the account New created, for `sslreseller simulate` to print.
func (s *Sim) DefaultAccount() Account {
	s.mu.Lock()
	defer s.mu.Unlock()
	return *s.accounts[s.defaultAcct]
}

// AddAccount adds (or replaces) an account and returns it with the defaults filled in: a generated
// login name and password when empty, DefaultBalance when Balance is 0 (use SetBalance for an empty
// account) and DefaultCurrency.
func (s *Sim) AddAccount(a Account) Account {
	if a.LoginName == "" {
		a.LoginName = "reseller-" + strings.ToLower(randomString(6))
	}
	if a.LoginPassword == "" {
		a.LoginPassword = randomString(16)
	}
	if a.Balance == 0 {
		a.Balance = DefaultBalance
	}
	if a.Currency == "" {
		a.Currency = DefaultCurrency
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	acct := a
	s.accounts[a.LoginName] = &acct
	return a
}

// Account returns an account by login name.
func (s *Sim) Account(login string) (Account, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[login]
	if !ok {
		return Account{}, false
	}
	return *a, true
}

func (s *Sim) withAccount(login string, f func(*Account)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[login]
	if !ok {
		return fmt.Errorf("sectigosim: no account %q", login)
	}
	f(a)
	return nil
}

// SetIPBlocked makes an account's calls fail as from an IP address outside its allow-list (-16).
func (s *Sim) SetIPBlocked(login string, blocked bool) error {
	return s.withAccount(login, func(a *Account) { a.IPBlocked = blocked })
}

// SetPassword changes an account's password, so the old one becomes bad credentials.
func (s *Sim) SetPassword(login, password string) error {
	return s.withAccount(login, func(a *Account) { a.LoginPassword = password })
}

// SetBalance sets an account's credit in minor units (0 makes every paid order fail with -15).
func (s *Sim) SetBalance(login string, minor int64) error {
	return s.withAccount(login, func(a *Account) { a.Balance = minor })
}

// SetPayLater makes an account place orders unpaid (errorCode 1) until AutoAuthorize.
func (s *Sim) SetPayLater(login string, on bool) error {
	return s.withAccount(login, func(a *Account) { a.PayLater = on })
}

// Balance returns an account's credit in minor units (0 for an unknown account).
func (s *Sim) Balance(login string) int64 {
	a, _ := s.Account(login)
	return a.Balance
}

// SetIssueAfter makes orders for domain (their first name) issue after polls CollectSSL calls.
func (s *Sim) SetIssueAfter(domain string, polls int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.issueAfter[strings.ToLower(domain)] = polls
}

// SetReject makes orders for domain be rejected with reason when they would issue.
func (s *Sim) SetReject(domain, reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if reason == "" {
		reason = "Domain control validation failed"
	}
	s.reject[strings.ToLower(domain)] = reason
}

// FailNext makes the next n requests fail with the HTTP status (503 when 0) and an HTML page, without
// touching any state.
func (s *Sim) FailNext(n, status int) {
	if status == 0 {
		status = http.StatusServiceUnavailable
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext, s.failStatus = n, status
}

// MalformNext makes the next n requests answer 200 with an HTML page instead of Sectigo's format,
// without touching any state.
func (s *Sim) MalformNext(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.malformNext = n
}

// SetDelay delays every answer by d (0 turns it off).
func (s *Sim) SetDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delay = d
}

// Issue makes the order's current certificate issue at its next CollectSSL call.
func (s *Sim) Issue(orderNumber string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.findOrder(orderNumber)
	if o == nil {
		return fmt.Errorf("sectigosim: no order %s", orderNumber)
	}
	o.issueAfter = 0
	return nil
}

// Reject rejects a pending order now.
func (s *Sim) Reject(orderNumber, reason string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.findOrder(orderNumber)
	if o == nil || o.State != StateAwaitingValidation {
		return fmt.Errorf("sectigosim: no pending order %s", orderNumber)
	}
	s.rejectOrder(o, reason)
	return nil
}

// Orders returns snapshots of every order, in the order they were placed.
func (s *Sim) Orders() []Order {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Order, 0, len(s.orders))
	for _, o := range s.orders {
		out = append(out, o.snapshot())
	}
	return out
}

// Order returns one order by number.
func (s *Sim) Order(number string) (Order, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.findOrder(number)
	if o == nil {
		return Order{}, false
	}
	return o.snapshot(), true
}

// Purchases counts the orders an account placed ("" counts all accounts), test orders included: what
// exactly-once tests assert on.
func (s *Sim) Purchases(login string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, o := range s.orders {
		if login == "" || o.Account == login {
			n++
		}
	}
	return n
}

// Requests counts the requests that reached an endpoint (e.g. "AutoApplySSL", "CollectSSL"), including
// refused ones.
func (s *Sim) Requests(endpoint string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[endpoint]
}

func (o *order) snapshot() Order {
	c := o.Order
	c.Names = append([]string(nil), o.Names...)
	c.Certificates = append([]Certificate(nil), o.Certificates...)
	return c
}

// findOrder finds an order by order number or by a certificate ID; the caller holds the lock.
func (s *Sim) findOrder(ref string) *order {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return nil
	}
	for _, o := range s.orders {
		if o.OrderNumber == ref {
			return o
		}
		for _, c := range o.Certificates {
			if c.CertificateID == ref {
				return o
			}
		}
	}
	return nil
}

func (s *Sim) rejectOrder(o *order, reason string) {
	o.State, o.RejectReason = StateRejected, reason
	o.Certificates[o.current].State = StateRejected
}

func (s *Sim) newOrderNumber() string {
	s.nextOrder += 1 + randomInt(7)
	return fmt.Sprint(s.nextOrder)
}

func (s *Sim) newCertificateID() string {
	s.nextCert += 1 + randomInt(97)
	return fmt.Sprint(s.nextCert)
}

// sortedOrders returns the orders by placement time then number; the caller holds the lock.
func (s *Sim) sortedOrders() []*order {
	out := append([]*order(nil), s.orders...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Placed.Before(out[j].Placed) })
	return out
}

const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"

func randomString(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[randomInt(int64(len(alphabet)))]
	}
	return string(b)
}

func randomInt(n int64) int64 {
	v, err := rand.Int(rand.Reader, big.NewInt(n))
	if err != nil {
		panic(fmt.Sprintf("sectigosim: random: %v", err))
	}
	return v.Int64()
}
