package sandbox

import (
	"context"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sslreseller/sslreseller/internal/pki"
	"github.com/sslreseller/sslreseller/internal/provider"
)

// Name is the provider's registry name.
const Name = "sandbox"

// Settings of a sandbox account and their defaults.
const (
	// SettingApproveAfter is how long after submission validation succeeds (a Go duration).
	SettingApproveAfter = "approve_after"
	// SettingRejectSuffix rejects any request with a name ending in it; empty rejects nothing.
	SettingRejectSuffix = "reject_suffix"

	DefaultApproveAfter = "30s"
	DefaultRejectSuffix = "reject.test"
)

// refPrefix starts every sandbox reference: the provider's reference is refPrefix + our reference.
const refPrefix = "sbx-"

// maxRootNameLen keeps the root's common name within X.520's 64 characters.
const maxRootNameLen = 64

// Spec registers the sandbox provider.
func Spec() provider.Spec {
	return provider.Spec{
		Name:  Name,
		Title: "Sandbox (built-in test CA)",
		Settings: []provider.Key{
			{Name: SettingApproveAfter, Label: "Approve after", Default: DefaultApproveAfter,
				Help: "How long after submission domain validation succeeds and the certificate is issued (Go duration, e.g. 30s, 2m, 1h)."},
			{Name: SettingRejectSuffix, Label: "Reject names ending in", Default: DefaultRejectSuffix,
				Help: "Requests with a name ending in this suffix are rejected, to try the rejection path. Empty rejects nothing."},
		},
		Capabilities: provider.Capabilities{
			CatalogCosts:   true,
			ApproverEmails: true,
			DecodeCSR:      false, // CSRs are decoded locally
			Reissue:        true,
			Renew:          provider.RenewNative,
			Revoke:         true,
			Cancel:         provider.CancelRefund,
			ChangeDCV:      true,
			ResendDCV:      true,
			Find:           true,
			DCVMethods:     []string{provider.DCVEmail, provider.DCVHTTP, provider.DCVDNS},
			TestIssues:     true,
			MinPoll:        0,
		},
		New: func(acct provider.Account, deps provider.Deps) (provider.Provider, error) {
			return New(acct, deps)
		},
		Init:          Init,
		CheckSettings: CheckSettings,
	}
}

// settings are an account's parsed settings.
type settings struct {
	approveAfter time.Duration
	rejectSuffix string
}

// parseSettings reads the settings, a missing key taking its default. Problems are Invalid errors on
// "settings.<key>".
func parseSettings(m map[string]string) (settings, error) {
	s := settings{}
	raw, ok := m[SettingApproveAfter]
	if !ok {
		raw = DefaultApproveAfter
	}
	d, err := time.ParseDuration(strings.TrimSpace(raw))
	switch {
	case err != nil:
		return s, invalid("settings."+SettingApproveAfter, "%q is not a duration; write it like 30s, 2m or 1h", raw)
	case d < 0:
		return s, invalid("settings."+SettingApproveAfter, "%q is negative; use 0s to approve at once", raw)
	}
	s.approveAfter = d
	suffix, ok := m[SettingRejectSuffix]
	if !ok {
		suffix = DefaultRejectSuffix
	}
	suffix = strings.TrimPrefix(strings.ToLower(strings.TrimSpace(suffix)), ".")
	if msg := suffixProblem(suffix); msg != "" {
		return s, invalid("settings."+SettingRejectSuffix, "%s", msg)
	}
	s.rejectSuffix = suffix
	return s, nil
}

// suffixProblem says what is wrong with a reject suffix, or "". It is a domain name or its tail: labels
// of letters, digits and hyphens.
func suffixProblem(s string) string {
	if s == "" {
		return ""
	}
	if len(s) > 253 || !utf8.ValidString(s) {
		return "must be a domain name suffix such as reject.test"
	}
	for _, l := range strings.Split(s, ".") {
		if l == "" || len(l) > 63 {
			return fmt.Sprintf("%q is not a domain name suffix (empty or over-long label); use one such as reject.test", s)
		}
		for _, r := range l {
			if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '-' {
				return fmt.Sprintf("%q is not a domain name suffix (it contains %q); use one such as reject.test", s, r)
			}
		}
	}
	return ""
}

// CheckSettings validates an account's settings: approve_after a non-negative Go duration,
// reject_suffix empty or a domain name suffix. Problems are provider Invalid errors naming the field
// ("settings.approve_after", "settings.reject_suffix").
func CheckSettings(m map[string]string) error {
	_, err := parseSettings(m)
	return err
}

// Init makes the account's own CA, "<account name> Sandbox Root" with its issuing intermediate, and
// returns it marshalled, private keys included, for the framework to seal and store as Account.State.
func Init(_ context.Context, acct provider.Account, now time.Time) ([]byte, error) {
	name := strings.TrimSpace(acct.Name)
	if limit := maxRootNameLen - len(" Sandbox Root"); len(name) > limit {
		name = strings.TrimSpace(truncate(name, limit))
	}
	ca, err := pki.NewCA(strings.TrimSpace(name+" Sandbox Root"), now)
	if err != nil {
		return nil, fmt.Errorf("sandbox: init: %w", err)
	}
	state, err := ca.Marshal()
	if err != nil {
		return nil, fmt.Errorf("sandbox: init: %w", err)
	}
	return state, nil
}

// truncate cuts s to at most n bytes without splitting a UTF-8 sequence.
func truncate(s string, n int) string {
	for len(s) > n {
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
	}
	return s
}

// Adapter is a sandbox account's provider. It holds the account's CA and settings and nothing that
// changes, so one value serves many goroutines.
type Adapter struct {
	ca       *pki.CA
	inter    *x509.Certificate
	interKey crypto.Signer
	rootCN   string
	settings settings
	now      func() time.Time
	rec      provider.Recorder
}

// The capabilities the adapter implements; Spec's Capabilities say the same.
var (
	_ provider.Provider       = (*Adapter)(nil)
	_ provider.ApproverLister = (*Adapter)(nil)
	_ provider.Reissuer       = (*Adapter)(nil)
	_ provider.Renewer        = (*Adapter)(nil)
	_ provider.Revoker        = (*Adapter)(nil)
	_ provider.Canceller      = (*Adapter)(nil)
	_ provider.DCVChanger     = (*Adapter)(nil)
	_ provider.DCVResender    = (*Adapter)(nil)
	_ provider.Finder         = (*Adapter)(nil)
)

// New builds the adapter of an account from its state (the CA Init made) and settings. A missing or
// damaged CA is an Auth error, which tells staff to reconnect the account; bad settings are Invalid
// errors naming the setting. deps.Now is the clock of every decision; without one the system clock is
// used.
func New(acct provider.Account, deps provider.Deps) (*Adapter, error) {
	s, err := parseSettings(acct.Settings)
	if err != nil {
		return nil, err
	}
	if len(acct.State) == 0 {
		return nil, &provider.Error{Class: provider.Auth, Command: "New",
			Message: "this sandbox account has no CA of its own (its state is missing); delete the account and connect it again"}
	}
	ca, err := pki.LoadCA(acct.State)
	if err != nil {
		return nil, &provider.Error{Class: provider.Auth, Command: "New", Err: err,
			Message: "this sandbox account's CA is damaged and cannot be loaded; delete the account and connect it again"}
	}
	inter, interKey, err := issuingPair(acct.State)
	if err != nil {
		return nil, &provider.Error{Class: provider.Auth, Command: "New", Err: err,
			Message: "this sandbox account's CA is damaged and cannot be loaded; delete the account and connect it again"}
	}
	roots, err := pki.ParseCertificatesPEM(ca.RootPEM())
	if err != nil {
		return nil, fmt.Errorf("sandbox: root: %w", err)
	}
	a := &Adapter{ca: ca, inter: inter, interKey: interKey, rootCN: roots[0].Subject.CommonName, settings: s,
		now: deps.Now, rec: deps.Record}
	if a.now == nil {
		a.now = time.Now
	}
	if a.rec == nil {
		a.rec = provider.NopRecorder
	}
	return a, nil
}

// issuingPair reads the intermediate certificate and key from what pki.CA.Marshal wrote (root, root
// key, intermediate, intermediate key). pki.LoadCA has checked the whole; the adapter needs the pair
// itself to give its certificates a serial derived from the reference (see stableCert).
func issuingPair(state []byte) (*x509.Certificate, crypto.Signer, error) {
	var blocks []*pem.Block
	for rest := state; ; {
		var b *pem.Block
		if b, rest = pem.Decode(rest); b == nil {
			break
		}
		blocks = append(blocks, b)
	}
	if len(blocks) < 4 {
		return nil, nil, errors.New("sandbox: ca state: expected four PEM blocks")
	}
	cert, err := x509.ParseCertificate(blocks[2].Bytes)
	if err != nil {
		return nil, nil, fmt.Errorf("sandbox: ca state: intermediate: %w", err)
	}
	k, err := x509.ParsePKCS8PrivateKey(blocks[3].Bytes)
	if err != nil {
		return nil, nil, fmt.Errorf("sandbox: ca state: intermediate key: %w", err)
	}
	key, ok := k.(crypto.Signer)
	if !ok {
		return nil, nil, fmt.Errorf("sandbox: ca state: intermediate key of type %T cannot sign", k)
	}
	return cert, key, nil
}

// RootPEM returns the account's root certificate, the trust anchor its certificates verify against.
func (a *Adapter) RootPEM() []byte { return a.ca.RootPEM() }

// TestConnection reports that the CA is ready and what it does; it never fails once the adapter is
// built.
func (a *Adapter) TestConnection(ctx context.Context) (detail string, err error) {
	start := a.now()
	defer func() { err = a.record(ctx, "TestConnection", start, "", detail, err) }()
	if err := ctx.Err(); err != nil {
		return "", cancelled(err)
	}
	reject := "no names are rejected"
	if a.settings.rejectSuffix != "" {
		reject = fmt.Sprintf("names ending in %s are rejected", a.settings.rejectSuffix)
	}
	return fmt.Sprintf("Sandbox CA ready: root %q, issues test certificates that browsers do not trust; "+
		"validation succeeds %s after submission and %s.", a.rootCN, a.settings.approveAfter, reject), nil
}

// Catalog lists the built-in catalogue, costs in USD.
func (a *Adapter) Catalog(ctx context.Context) (items []provider.CatalogItem, err error) {
	start := a.now()
	defer func() { err = a.record(ctx, "Catalog", start, "", fmt.Sprintf("items=%d", len(items)), err) }()
	if err := ctx.Err(); err != nil {
		return nil, cancelled(err)
	}
	return catalog(), nil
}

// record reports one operation to the call log and returns err with the command filled in. The
// request and response are short summaries (references, names, states, serials); the CSR is left out
// for size and nothing secret is ever in them.
func (a *Adapter) record(ctx context.Context, command string, start time.Time, request, response string, err error) error {
	c := provider.Call{Provider: Name, Command: command, Started: start, Duration: a.now().Sub(start), Outcome: "ok",
		Request: provider.RedactText(request), Response: provider.RedactText(response)}
	if err != nil {
		var pe *provider.Error
		if errors.As(err, &pe) && pe.Command == "" {
			pe.Command = command
		}
		c.Outcome = string(provider.ClassOf(err))
		c.Response = ""
		c.Error = err.Error()
	}
	a.rec(ctx, c)
	return err
}

// invalid is an Invalid error about one of our fields.
func invalid(field, format string, args ...any) *provider.Error {
	return &provider.Error{Class: provider.Invalid, Field: field, Message: fmt.Sprintf(format, args...)}
}

// notFound is the answer for a reference the sandbox did not make.
func notFound(ref string) *provider.Error {
	return &provider.Error{Class: provider.NotFound, Message: fmt.Sprintf("%q is not a sandbox reference (they start with %q)", ref, refPrefix)}
}

// cancelled turns a done context into a Temporary error: the work was not done and may be retried.
func cancelled(err error) *provider.Error {
	return &provider.Error{Class: provider.Temporary, Message: "the request was cancelled", Err: err}
}
