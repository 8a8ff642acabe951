package hexonetsim

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sslreseller/sslreseller/internal/pki"
)

// The system entities (s_entity) HEXONET uses to tell its two systems apart. Each has its own data in
// the simulator.
const (
	EntityLive = "54cd"
	EntityTest = "1234"
)

// Defaults of Options.
const (
	DefaultLogin        = "sim.reseller"
	DefaultPassword     = "sim-password-1"
	DefaultPollsToIssue = 2
	DefaultSlowDelay    = 3 * time.Second
	DefaultBalance      = 100000 // 1000.00 in the account currency
	DefaultCurrency     = "USD"
)

// Options configure a simulator. The zero value is usable.
type Options struct {
	// Now is the clock; nil means time.Now. Certificates are issued at Now, so a test clock moves
	// validity and the industry caps with it.
	Now func() time.Time
	// PollsToIssue is how many StatusSSLCert polls a new, reissued or renewed certificate stays pending:
	// it is issued on that poll. 0 means DefaultPollsToIssue; a negative value issues at once.
	PollsToIssue int
	// SlowDelay is how long answers about "slow." names take; 0 means DefaultSlowDelay.
	SlowDelay time.Duration
	// DefaultLogin and DefaultPassword are the credentials of the account New creates in both
	// entities; empty means DefaultLogin and DefaultPassword.
	DefaultLogin, DefaultPassword string
	// Balance is the opening balance of the default account, in minor units; 0 means DefaultBalance.
	Balance int64
}

// Credentials are what a client logs in with.
type Credentials struct {
	// Login is s_login, Password s_pw.
	Login, Password string
}

// Account describes an account to add.
type Account struct {
	// Login is the user name (required). Logins are case-insensitive.
	Login string
	// Password is the password; empty makes a random one, returned by AddAccount.
	Password string
	// Entity limits the account to EntityLive or EntityTest; empty creates it in both, with separate
	// balances and certificates.
	Entity string
	// Currency is the account currency; empty means USD.
	Currency string
	// Balance and Credit are the opening balance and the credit limit in minor units. A purchase needs
	// Balance + Credit to cover the price.
	Balance, Credit int64
	// IPDenied makes every call of the account fail as coming from an IP address that is not allowed.
	IPDenied bool
}

// Sim is a HEXONET API simulator. All state is in memory behind one mutex; it is safe for concurrent
// use.
type Sim struct {
	now          func() time.Time
	ca           *pki.CA
	pollsToIssue int
	slowDelay    time.Duration
	defaultCreds Credentials

	mu        sync.Mutex
	worlds    map[string]*world
	names     map[string]*nameState
	failHTTP  int
	failTemp  int
	malformed int
	delay     time.Duration
	requests  []Request
	nextID    int64
}

// world is the data of one entity.
type world struct {
	accounts map[string]*account // by lower-case login
	certs    map[string]*cert
	order    []string // certificate IDs in creation order
}

// account is one HEXONET user.
type account struct {
	login, password string
	currency        string
	balance, credit int64
	ipDenied        bool
	created         time.Time
	// scenario marks accounts derived from another by a "+suffix" login.
	scenario string
}

// New makes a simulator with its own CA and a default account in both entities. It panics only if
// the CA cannot be made (the system's random source failed).
func New(opts Options) *Sim {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	ca, err := pki.NewCA("HEXONET Simulator CA", now())
	if err != nil {
		panic(fmt.Sprintf("hexonetsim: %v", err))
	}
	s := &Sim{
		now:          now,
		ca:           ca,
		pollsToIssue: opts.PollsToIssue,
		slowDelay:    opts.SlowDelay,
		worlds:       map[string]*world{},
		names:        map[string]*nameState{},
		nextID:       3100000000,
	}
	if s.pollsToIssue == 0 {
		s.pollsToIssue = DefaultPollsToIssue
	}
	if s.slowDelay <= 0 {
		s.slowDelay = DefaultSlowDelay
	}
	for _, e := range []string{EntityLive, EntityTest} {
		s.worlds[e] = &world{accounts: map[string]*account{}, certs: map[string]*cert{}}
	}
	login, password := opts.DefaultLogin, opts.DefaultPassword
	if login == "" {
		login = DefaultLogin
	}
	if password == "" {
		password = DefaultPassword
	}
	balance := opts.Balance
	if balance == 0 {
		balance = DefaultBalance
	}
	s.defaultCreds = s.AddAccount(Account{Login: login, Password: password, Balance: balance})
	return s
}

// DefaultCredentials returns the credentials of the account New created (in both entities).
func (s *Sim) DefaultCredentials() Credentials { return s.defaultCreds }

// RootPEM returns the simulator CA's root certificate: trust it to verify issued certificates.
func (s *Sim) RootPEM() []byte { return s.ca.RootPEM() }

// IntermediatePEM returns the issuing intermediate, the chain (CACRT) of every certificate.
func (s *Sim) IntermediatePEM() []byte { return s.ca.IntermediatePEM() }

// AddAccount adds (or replaces) an account and returns its credentials.
func (s *Sim) AddAccount(a Account) Credentials {
	if a.Password == "" {
		b := make([]byte, 12)
		_, _ = rand.Read(b)
		a.Password = hex.EncodeToString(b)
	}
	if a.Currency == "" {
		a.Currency = DefaultCurrency
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for entity, w := range s.worlds {
		if a.Entity != "" && a.Entity != entity {
			continue
		}
		w.accounts[strings.ToLower(a.Login)] = &account{
			login: a.Login, password: a.Password, currency: strings.ToUpper(a.Currency),
			balance: a.Balance, credit: a.Credit, ipDenied: a.IPDenied, created: s.now(),
		}
	}
	return Credentials{Login: a.Login, Password: a.Password}
}

// eachAccount runs f on the login's account in every entity (or the one given).
func (s *Sim) eachAccount(entity, login string, f func(*account)) bool {
	found := false
	for e, w := range s.worlds {
		if entity != "" && e != entity {
			continue
		}
		if a := w.accounts[strings.ToLower(login)]; a != nil {
			f(a)
			found = true
		}
	}
	return found
}

// SetIPDenied sets whether the account's calls are refused as coming from an address outside its IP
// filter (in both entities). It reports whether the account exists.
func (s *Sim) SetIPDenied(login string, denied bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.eachAccount("", login, func(a *account) { a.ipDenied = denied })
}

// SetPassword changes an account's password (in both entities), e.g. to simulate rotated credentials.
func (s *Sim) SetPassword(login, password string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.eachAccount("", login, func(a *account) { a.password = password })
}

// SetBalance sets an account's balance in one entity ("" for both), in minor units.
func (s *Sim) SetBalance(entity, login string, minor int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.eachAccount(entity, login, func(a *account) { a.balance = minor })
}

// SetCredit sets an account's credit limit in one entity ("" for both), in minor units.
func (s *Sim) SetCredit(entity, login string, minor int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.eachAccount(entity, login, func(a *account) { a.credit = minor })
}

// Balance returns an account's balance in one entity, in minor units.
func (s *Sim) Balance(entity, login string) (int64, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := s.worlds[entity]
	if w == nil {
		return 0, false
	}
	a := w.accounts[strings.ToLower(login)]
	if a == nil {
		return 0, false
	}
	return a.balance, true
}

// FailNext makes the next n requests fail with HTTP 503 and an HTML page, before any processing.
func (s *Sim) FailNext(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failHTTP = n
}

// TemporaryErrorNext makes the next n requests answer "421 Command failed due to server error. Client
// should try again", before any processing.
func (s *Sim) TemporaryErrorNext(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failTemp = n
}

// MalformedNext makes the next n requests answer a body cut off before its end, before any processing.
func (s *Sim) MalformedNext(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.malformed = n
}

// SetDelay makes every answer wait d (0 turns it off). A client that gives up earlier sees a timeout.
func (s *Sim) SetDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delay = d
}

// nameState is the scenario of one domain name, from the naming conventions and the Go setters.
type nameState struct {
	pollsToIssue *int
	reject       string
	slow         time.Duration
	late         bool // CreateSSLCert is carried out at once, its answer waits SlowDelay
	noCredit     bool
	// Counters of CreateSSLCert calls still to fail in each way.
	failCreates, malformCreates, loseCreates int
}

// conventions reads the scenario a name asks for by its first label (see the package documentation).
func conventions(name string) *nameState {
	st := &nameState{}
	label, _, _ := strings.Cut(baseName(name), ".")
	switch {
	case label == "reject":
		st.reject = "Rejected by the certificate authority (simulated)"
	case label == "slow":
		st.slow = -1 // the simulator's SlowDelay
	case label == "late":
		st.late = true
	case label == "unavailable":
		st.failCreates = 1
	case label == "malformed":
		st.malformCreates = 1
	case label == "lost":
		st.loseCreates = 1
	case label == "nocredit":
		st.noCredit = true
	case strings.HasPrefix(label, "polls"):
		if n, err := strconv.Atoi(label[len("polls"):]); err == nil && n >= 0 && n <= 1000 {
			st.pollsToIssue = &n
		}
	}
	return st
}

// name returns the state of a name, made from the conventions on first use. The caller holds s.mu.
func (s *Sim) name(n string) *nameState {
	n = baseName(n)
	st := s.names[n]
	if st == nil {
		st = conventions(n)
		s.names[n] = st
	}
	return st
}

// SetPollsToIssue makes certificates for name issue on the n-th StatusSSLCert poll (n <= 0: at once).
func (s *Sim) SetPollsToIssue(name string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.name(name).pollsToIssue = &n
}

// Reject makes certificates for name fail (STATUS FAILED) when they would have been issued, with reason
// as STATUSDETAILS.
func (s *Sim) Reject(name, reason string) {
	if reason == "" {
		reason = "Rejected by the certificate authority (simulated)"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.name(name).reject = reason
}

// SetSlow makes every answer about name wait d.
func (s *Sim) SetSlow(name string, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.name(name).slow = d
}

// FailCreates makes the next n CreateSSLCert calls for name fail with HTTP 503; nothing is bought.
func (s *Sim) FailCreates(name string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.name(name).failCreates = n
}

// MalformCreates makes the next n CreateSSLCert calls for name answer a damaged body; nothing is bought.
func (s *Sim) MalformCreates(name string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.name(name).malformCreates = n
}

// LoseCreates makes the next n CreateSSLCert calls for name buy the certificate but answer HTTP 502, as
// if the answer was lost: the order exists upstream and the client does not know its ID.
func (s *Sim) LoseCreates(name string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.name(name).loseCreates = n
}

// Request is one API request the simulator received, for tests.
type Request struct {
	// Time is when it arrived (the simulator's clock).
	Time time.Time
	// Entity and Login are s_entity and s_login as sent, whether or not they were accepted.
	Entity, Login string
	// Command is the COMMAND attribute as sent.
	Command string
	// Attributes are the command's attributes (upper-case keys); the password is not among them.
	Attributes map[string]string
}

// Requests returns the requests received so far, oldest first.
func (s *Sim) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		r.Attributes = cloneMap(r.Attributes)
		out[i] = r
	}
	return out
}

// Order is a snapshot of one certificate order, for tests.
type Order struct {
	// Entity is the system the order was placed in; ID its SSLCERTID; Login the account; Class the
	// SSLCERTCLASS.
	Entity, ID, Login, Class string
	// Period is the term in years.
	Period int
	// Kind is "create" (CreateSSLCert) or "renew" (RenewSSLCert); OldID the renewed certificate.
	Kind, OldID string
	// Status is HEXONET's STATUS; StatusDetails its STATUSDETAILS.
	Status, StatusDetails string
	// CommonName and Domains are the certificate's names, common name first.
	CommonName string
	Domains    []string
	// Price is what the purchase debited, in minor units of Currency.
	Price    int64
	Currency string
	// Created is when the order was placed.
	Created time.Time
	// Polls counts StatusSSLCert calls since the last request; Resends ResendSSLCertEmail calls;
	// Reissues ReissueSSLCert calls.
	Polls, Resends, Reissues int
	// CertificatePEM is the issued certificate, once issued.
	CertificatePEM string
	// Approvers are the approver addresses of the validations.
	Approvers []string
}

// Orders returns every order of both entities in creation order. Each purchase (CreateSSLCert or
// RenewSSLCert that debited the account) is one order, so len(Orders()) counts purchases.
func (s *Sim) Orders() []Order {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Order
	for _, entity := range []string{EntityTest, EntityLive} {
		w := s.worlds[entity]
		for _, id := range w.order {
			out = append(out, w.certs[id].snapshot(entity))
		}
	}
	slices.SortStableFunc(out, func(a, b Order) int { return a.Created.Compare(b.Created) })
	return out
}

// Purchases counts the orders bought in one entity ("" for both).
func (s *Sim) Purchases(entity string) int {
	n := 0
	for _, o := range s.Orders() {
		if entity == "" || o.Entity == entity {
			n++
		}
	}
	return n
}

// Order returns one order by entity and ID.
func (s *Sim) Order(entity, id string) (Order, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := s.worlds[entity]
	if w == nil || w.certs[id] == nil {
		return Order{}, false
	}
	return w.certs[id].snapshot(entity), true
}

// authenticate finds the account of a request; the caller holds s.mu. A login "<login>+<scenario>"
// with the password of <login> reaches a derived account made on first use: "+ipdenied" is refused as
// coming from an address outside the IP filter, "+nocredit" has no balance and no credit.
func (s *Sim) authenticate(w *world, login, password string) (*account, bool) {
	a := w.accounts[strings.ToLower(login)]
	if a == nil {
		base, suffix, ok := strings.Cut(login, "+")
		parent := w.accounts[strings.ToLower(base)]
		if !ok || parent == nil || (suffix != "ipdenied" && suffix != "nocredit") {
			return nil, false
		}
		a = &account{login: login, password: parent.password, currency: parent.currency, created: s.now(), scenario: suffix}
		switch suffix {
		case "ipdenied":
			a.ipDenied, a.balance, a.credit = true, parent.balance, parent.credit
		case "nocredit":
			a.balance, a.credit = 0, 0
		}
		if subtle.ConstantTimeCompare([]byte(password), []byte(a.password)) != 1 {
			return nil, false
		}
		w.accounts[strings.ToLower(login)] = a
	}
	if subtle.ConstantTimeCompare([]byte(password), []byte(a.password)) != 1 {
		return nil, false
	}
	return a, true
}

func cloneMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
