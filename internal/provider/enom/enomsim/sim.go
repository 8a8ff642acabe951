package enomsim

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sslreseller/sslreseller/internal/pki"
)

// Defaults of Options.
const (
	DefaultUID          = "resellid"
	DefaultPW           = "resellpw"
	DefaultBalance      = 500000 // cents: $5,000, what Enom resets a test account to
	DefaultPollsToIssue = 2
	DefaultSlowDelay    = 3 * time.Second
	DefaultCAName       = "Enom Simulator CA"
)

// Suffixes of the scenario accounts New creates beside the default account.
const (
	SuffixNoFunds   = "-nofunds"
	SuffixIPBlocked = "-ipblocked"
)

// Options configure a simulator.
type Options struct {
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// UID and PW are the default account's credentials; empty means DefaultUID and DefaultPW.
	UID, PW string
	// Balance is the default account's starting balance in US cents; 0 means DefaultBalance.
	Balance int64
	// PollsToIssue is the CertGetCertDetail call after submission that finds the certificate issued
	// (1 = the first poll); 0 means DefaultPollsToIssue. Names and SetPollsToIssue override it.
	PollsToIssue int
	// SlowDelay is how long answers about a "slow." certificate wait; 0 means DefaultSlowDelay.
	SlowDelay time.Duration
	// CAName names the simulator's CA; empty means DefaultCAName.
	CAName string
}

// Credentials are an account's login, as the client sends it (uid, pw).
type Credentials struct {
	UID string // login ID
	PW  string // API token
}

// Account describes an account to add.
type Account struct {
	// UID and PW are the login; empty means generated ones.
	UID, PW string
	// Balance is the starting balance in US cents.
	Balance int64
	// IPNotPermitted refuses every call with Enom's "User not permitted from this IP address".
	IPNotPermitted bool
	// AllowedIPs, when set, is the account's API allow-list; calls from other addresses are refused.
	AllowedIPs []string
}

// AccountInfo describes an account for printing (sslreseller simulate).
type AccountInfo struct {
	Credentials
	Balance int64 // US cents
	// Scenario says what the account is for: "default", "insufficient balance", "IP not permitted".
	Scenario string
}

type account struct {
	Credentials
	balance        int64
	ipNotPermitted bool
	allowedIPs     []string
	badCredentials bool
	scenario       string
}

// cert is one certificate the simulator sold, with its state machine (providers.md 1.9):
// 1 Awaiting Configuration -> (CertPurchaseCert) 2 Processing, or 9 Approval Email Sent for Comodo
// -> (status polls) 4 Certificate Issued or 6 Rejected by Customer; CertModifyOrder takes 2/9/10 back
// to 1; 7 and 8 (refunds) only through SetStatus.
type cert struct {
	id, orderID, orderDetailID int
	uid                        string
	product                    product
	years                      int
	price                      int64
	statusID                   int
	orderDate, configDate      time.Time
	configured                 bool
	csr                        string
	names                      []string
	subject                    pki.Subject
	webServerType              int
	contacts                   map[string]map[string]string
	approverEmail              string
	dvMethod                   string
	fileName, fileContents     string
	dnsEntry, dnsAddress       string
	geoTrustOrderID            int
	organization               pki.Subject
	polls, pollsToIssue        int
	reject                     bool
	issued                     *pki.Issued
	reissuing                  bool
	reissueStatus              string
	resends                    int
	slow                       bool
	failLeft, malformLeft      int
}

func (c *cert) domain() string {
	if len(c.names) == 0 {
		return ""
	}
	return c.names[0]
}

// Sim is an Enom reseller API simulator: an http.Handler serving /interface.asp with accounts,
// balances, certificates and scenarios, all in memory. It is safe for concurrent use.
type Sim struct {
	now          func() time.Time
	pollsToIssue int
	slowDelay    time.Duration
	ca           *pki.CA
	defaultUID   string

	mu            sync.Mutex
	accounts      []*account
	certs         map[int]*cert
	nextCertID    int
	nextOrderID   int
	failNext      int
	malformNext   int
	delay         time.Duration
	domainPolls   map[string]int
	rejectDomains map[string]bool
	calls         map[string]int
	purchases     int
}

// New makes a simulator with its own CA, a default account (Options.UID/PW, balance
// Options.Balance) and two scenario accounts with the default password: "<uid>-nofunds" with no
// balance and "<uid>-ipblocked" refused for its IP address.
func New(opts Options) *Sim {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.UID == "" {
		opts.UID = DefaultUID
	}
	if opts.PW == "" {
		opts.PW = DefaultPW
	}
	if opts.Balance == 0 {
		opts.Balance = DefaultBalance
	}
	if opts.PollsToIssue <= 0 {
		opts.PollsToIssue = DefaultPollsToIssue
	}
	if opts.SlowDelay <= 0 {
		opts.SlowDelay = DefaultSlowDelay
	}
	if opts.CAName == "" {
		opts.CAName = DefaultCAName
	}
	ca, err := pki.NewCA(opts.CAName, opts.Now())
	if err != nil {
		// Only a broken random source makes key generation fail.
		panic(fmt.Sprintf("enomsim: cannot make the simulator CA: %v", err))
	}
	s := &Sim{
		now:           opts.Now,
		pollsToIssue:  opts.PollsToIssue,
		slowDelay:     opts.SlowDelay,
		ca:            ca,
		defaultUID:    opts.UID,
		certs:         map[int]*cert{},
		nextCertID:    726400,
		nextOrderID:   267600100,
		domainPolls:   map[string]int{},
		rejectDomains: map[string]bool{},
		calls:         map[string]int{},
	}
	s.addAccount(Account{UID: opts.UID, PW: opts.PW, Balance: opts.Balance}, "default")
	s.addAccount(Account{UID: opts.UID + SuffixNoFunds, PW: opts.PW}, "insufficient balance")
	s.addAccount(Account{UID: opts.UID + SuffixIPBlocked, PW: opts.PW, Balance: opts.Balance, IPNotPermitted: true}, "IP not permitted")
	return s
}

// RootPEM returns the simulator CA's root certificate, to trust what it issues.
func (s *Sim) RootPEM() []byte { return s.ca.RootPEM() }

// IntermediatePEM returns the intermediate served as CACerts with every certificate.
func (s *Sim) IntermediatePEM() []byte { return s.ca.IntermediatePEM() }

// DefaultAccount returns the default account's credentials.
func (s *Sim) DefaultAccount() Credentials {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.accountByUID(s.defaultUID).Credentials
}

// AddAccount adds an account and returns its credentials (generated when a.UID or a.PW is empty).
// An existing UID is replaced.
func (s *Sim) AddAccount(a Account) Credentials {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addAccount(a, "added")
}

func (s *Sim) addAccount(a Account, scenario string) Credentials {
	if a.UID == "" {
		a.UID = "sim" + randomHex(4)
	}
	if a.PW == "" {
		a.PW = randomHex(12)
	}
	acct := &account{
		Credentials:    Credentials{UID: a.UID, PW: a.PW},
		balance:        a.Balance,
		ipNotPermitted: a.IPNotPermitted,
		allowedIPs:     append([]string(nil), a.AllowedIPs...),
		scenario:       scenario,
	}
	for i, old := range s.accounts {
		if strings.EqualFold(old.UID, a.UID) {
			s.accounts[i] = acct
			return acct.Credentials
		}
	}
	s.accounts = append(s.accounts, acct)
	return acct.Credentials
}

// Accounts lists the accounts with their credentials, balances and scenarios.
func (s *Sim) Accounts() []AccountInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]AccountInfo, 0, len(s.accounts))
	for _, a := range s.accounts {
		out = append(out, AccountInfo{Credentials: a.Credentials, Balance: a.balance, Scenario: a.scenario})
	}
	return out
}

// accountByUID finds an account; Enom login IDs are not case-sensitive.
func (s *Sim) accountByUID(uid string) *account {
	for _, a := range s.accounts {
		if strings.EqualFold(a.UID, uid) {
			return a
		}
	}
	return nil
}

// withAccount runs fn on an account, reporting whether it exists.
func (s *Sim) withAccount(uid string, fn func(*account)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.accountByUID(uid)
	if a == nil {
		return false
	}
	fn(a)
	return true
}

// SetBalance sets an account's balance in US cents (0 triggers "insufficient funds" on purchase).
func (s *Sim) SetBalance(uid string, cents int64) bool {
	return s.withAccount(uid, func(a *account) { a.balance = cents })
}

// Balance returns an account's balance in US cents.
func (s *Sim) Balance(uid string) int64 {
	var b int64
	s.withAccount(uid, func(a *account) { b = a.balance })
	return b
}

// SetIPNotPermitted makes every call of the account fail as coming from an unregistered IP address.
func (s *Sim) SetIPNotPermitted(uid string, on bool) bool {
	return s.withAccount(uid, func(a *account) { a.ipNotPermitted = on })
}

// SetBadCredentials makes the account's login fail even with the right password.
func (s *Sim) SetBadCredentials(uid string, on bool) bool {
	return s.withAccount(uid, func(a *account) { a.badCredentials = on })
}

// SetPollsToIssue makes certificates for domain (their first name) issue on the nth status poll
// after submission; 0 issues at submission.
func (s *Sim) SetPollsToIssue(domain string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.domainPolls[strings.ToLower(domain)] = n
}

// Reject makes certificates for domain end "Rejected by Customer" instead of issued.
func (s *Sim) Reject(domain string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rejectDomains[strings.ToLower(domain)] = true
}

// FailNext makes the next n requests, whatever they are, answer HTTP 503 before doing anything.
func (s *Sim) FailNext(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext = n
}

// MalformNext makes the next n requests carry out their command but answer with a body cut short.
func (s *Sim) MalformNext(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.malformNext = n
}

// SetDelay makes every answer wait d (0 to stop); a client's deadline then cuts the call short.
func (s *Sim) SetDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delay = d
}

// SetStatus forces a certificate's CertStatusID, as Enom staff would (7 and 8 are refunds).
func (s *Sim) SetStatus(certID string, statusID int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.certs[atoi(certID)]
	if c == nil {
		return fmt.Errorf("enomsim: no certificate %q", certID)
	}
	if _, ok := statusTexts[statusID]; !ok {
		return fmt.Errorf("enomsim: unknown status id %d", statusID)
	}
	c.statusID = statusID
	return nil
}

// Order is a certificate the simulator sold, as tests inspect it.
type Order struct {
	CertID        string    // Enom CertID
	OrderID       string    // Enom OrderID
	UID           string    // owning account
	Service       string    // product code
	ProdType      int       // numeric product id
	Years         int       // term bought
	Price         int64     // US cents debited
	StatusID      int       // CertStatusID
	Status        string    // CertStatus text
	Names         []string  // names to certify, common name first
	ApproverEmail string    // chosen approver
	DVAuthMethod  string    // File, DNS, or empty for e-mail
	Polls         int       // status polls since submission
	Resends       int       // CertResendApproverEmail calls
	OrderDate     time.Time // when it was bought
	// CertificatePEM is the issued certificate; empty until issued.
	CertificatePEM string
}

// Orders returns every certificate sold, in CertID order.
func (s *Sim) Orders() []Order {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]int, 0, len(s.certs))
	for id := range s.certs {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	out := make([]Order, 0, len(ids))
	for _, id := range ids {
		out = append(out, s.certs[id].order())
	}
	return out
}

// Order returns one certificate by CertID.
func (s *Sim) Order(certID string) (Order, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.certs[atoi(certID)]
	if c == nil {
		return Order{}, false
	}
	return c.order(), true
}

func (c *cert) order() Order {
	o := Order{
		CertID: strconv.Itoa(c.id), OrderID: strconv.Itoa(c.orderID), UID: c.uid, Service: c.product.code,
		ProdType: c.product.prodType, Years: c.years, Price: c.price, StatusID: c.statusID, Status: statusTexts[c.statusID],
		Names: append([]string(nil), c.names...), ApproverEmail: c.approverEmail, DVAuthMethod: c.dvMethod,
		Polls: c.polls, Resends: c.resends, OrderDate: c.orderDate,
	}
	if c.issued != nil {
		o.CertificatePEM = string(c.issued.CertPEM)
	}
	return o
}

// Purchases counts successful PurchaseServices calls: exactly-once purchase tests count here.
func (s *Sim) Purchases() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.purchases
}

// Calls counts the requests received for a command (case-insensitive), whatever their outcome.
func (s *Sim) Calls(command string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[strings.ToLower(command)]
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func atoi(s string) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0
	}
	return n
}
