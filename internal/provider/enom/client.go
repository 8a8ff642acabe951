package enom

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/sslreseller/sslreseller/internal/provider"
)

// The Enom reseller API endpoints (providers.md 1.1). The test server sells from a separate test
// balance and provisions nothing: it issues no real certificates.
const (
	LiveURL = "https://reseller.enom.com/interface.asp"
	TestURL = "https://resellertest.enom.com/interface.asp"
)

// The environments of a provider account.
const (
	EnvTest = "test"
	EnvLive = "live"
)

// ProviderName is the name calls are recorded under.
const ProviderName = "enom"

// Defaults of Config.
const (
	DefaultTimeout = 60 * time.Second
	maxBodyBytes   = 8 << 20
)

// Credentials are an Enom account's API login.
type Credentials struct {
	// UID is the account's login ID.
	UID string
	// PW is the API token (older accounts: the account password). It is a secret.
	PW string
}

// Config configures a Client.
type Config struct {
	// Environment is "test" (resellertest.enom.com) or "live" (reseller.enom.com).
	Environment string
	// Endpoint, when set, replaces the scheme, host and port of the environment's URL; the path
	// stays /interface.asp. It reaches simulators and private gateways.
	Endpoint string
	// Credentials are the account's login ID and API token.
	Credentials Credentials
	// HTTPClient sends the requests; nil means a client with no timeout of its own (Timeout bounds
	// each call).
	HTTPClient *http.Client
	// Record receives every HTTP exchange, redacted; nil drops them.
	Record provider.Recorder
	// Timeout bounds one call when the context has no earlier deadline; 0 means DefaultTimeout.
	Timeout time.Duration
	// ResponseType is "XML" (the default, and what the service uses) or "Text"; both are parsed.
	ResponseType string
	// Method is "POST" (the default: credentials travel in the body, not the URL) or "GET".
	Method string
	// Now is the clock for recorded calls; nil means time.Now.
	Now func() time.Time
}

// Client speaks Enom's reseller API (/interface.asp) for SSL certificates. It is safe for
// concurrent use. Every method returns a *provider.Error on failure, classified as Invalid (our
// input), Rejected (the CA or Enom's policy said no), Auth (credentials or IP address; the message
// tells staff what to fix), Temporary (network, timeout, HTTP 5xx, maintenance, unreadable answer),
// Unsupported (not available for this certificate) or NotFound (unknown certificate). Temporary
// errors after which Enom may have acted wrap ErrOutcomeUnknown.
type Client struct {
	url          *url.URL
	env          string
	creds        Credentials
	http         *http.Client
	record       provider.Recorder
	timeout      time.Duration
	responseType string
	method       string
	now          func() time.Time
}

// NewClient checks cfg and makes a Client. A bad environment, missing credentials or an unusable
// endpoint are Invalid errors naming the field.
func NewClient(cfg Config) (*Client, error) {
	base := ""
	switch strings.ToLower(strings.TrimSpace(cfg.Environment)) {
	case EnvTest:
		base = TestURL
	case EnvLive:
		base = LiveURL
	default:
		return nil, &provider.Error{Class: provider.Invalid, Field: "environment",
			Message: fmt.Sprintf("environment %q is neither %q nor %q", cfg.Environment, EnvTest, EnvLive)}
	}
	if strings.TrimSpace(cfg.Credentials.UID) == "" {
		return nil, &provider.Error{Class: provider.Invalid, Field: "uid", Message: "the Enom login ID (uid) is required"}
	}
	if cfg.Credentials.PW == "" {
		return nil, &provider.Error{Class: provider.Invalid, Field: "pw", Message: "the Enom API token (pw) is required"}
	}
	u, err := provider.Endpoint(base, cfg.Endpoint)
	if err != nil {
		var pe *provider.Error
		if errors.As(err, &pe) {
			pe.Field = "endpoint"
			return nil, pe
		}
		return nil, &provider.Error{Class: provider.Invalid, Field: "endpoint", Message: err.Error()}
	}
	c := &Client{
		url:          u,
		env:          strings.ToLower(strings.TrimSpace(cfg.Environment)),
		creds:        Credentials{UID: strings.TrimSpace(cfg.Credentials.UID), PW: cfg.Credentials.PW},
		http:         cfg.HTTPClient,
		record:       cfg.Record,
		timeout:      cfg.Timeout,
		responseType: "XML",
		method:       http.MethodPost,
		now:          cfg.Now,
	}
	if c.http == nil {
		c.http = &http.Client{}
	}
	if c.record == nil {
		c.record = provider.NopRecorder
	}
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
	}
	if c.now == nil {
		c.now = time.Now
	}
	switch strings.ToLower(cfg.ResponseType) {
	case "", "xml":
	case "text":
		c.responseType = "Text"
	default:
		return nil, &provider.Error{Class: provider.Invalid, Field: "response_type", Message: "response type must be XML or Text"}
	}
	switch strings.ToUpper(cfg.Method) {
	case "", http.MethodPost:
	case http.MethodGet:
		c.method = http.MethodGet
	default:
		return nil, &provider.Error{Class: provider.Invalid, Field: "method", Message: "method must be GET or POST"}
	}
	return c, nil
}

// URL returns the endpoint the client calls.
func (c *Client) URL() string { return c.url.String() }

// Environment returns "test" or "live".
func (c *Client) Environment() string { return c.env }

// IssuesRealCertificates is false for the test environment: Enom's test server accepts orders but
// never provisions a certificate, so such orders must be shown as test orders rather than left to
// look stuck. (The simulator issues certificates from its own CA whichever environment is named.)
func (c *Client) IssuesRealCertificates() bool { return c.env == EnvLive }

// call sends one command and parses the answer with parse; it records the exchange once and makes
// sure no credential reaches the returned error.
func call[T any](ctx context.Context, c *Client, command string, params url.Values, parse func([]byte) (T, error)) (T, error) {
	form := url.Values{}
	form.Set("command", command)
	form.Set("uid", c.creds.UID)
	form.Set("pw", c.creds.PW)
	form.Set("ResponseType", c.responseType)
	for k, vs := range params {
		for _, v := range vs {
			if v != "" {
				form.Add(k, v)
			}
		}
	}
	started := c.now()
	body, status, err := c.exchange(ctx, command, form)
	var result T
	if err == nil {
		result, err = parse(body)
	}
	err = c.scrub(command, err)
	rec := provider.Call{
		Provider:   ProviderName,
		Command:    command,
		Started:    started,
		Duration:   c.now().Sub(started),
		Outcome:    "ok",
		HTTPStatus: status,
		Request:    provider.RedactForm(form, "pw", "uid"),
		Response:   provider.RedactText(string(body), c.secrets()...),
	}
	if err != nil {
		rec.Outcome = string(provider.ClassOf(err))
		rec.Error = err.Error()
	}
	c.record(ctx, rec)
	return result, err
}

// secrets are the forms the API token may take in a body or message; it must never appear in a log
// or error. (The login ID is not a secret; it is redacted from recorded requests only because it is
// half of the login.)
func (c *Client) secrets() []string {
	return []string{c.creds.PW, url.QueryEscape(c.creds.PW)}
}

// exchange performs the HTTP request and returns the body and status, or a classified error.
func (c *Client) exchange(ctx context.Context, command string, form url.Values) ([]byte, int, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	u := *c.url
	var req *http.Request
	var err error
	if c.method == http.MethodGet {
		u.RawQuery = form.Encode()
		req, err = http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	} else {
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, u.String(), strings.NewReader(form.Encode()))
		if req != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	}
	if err != nil {
		return nil, 0, &provider.Error{Class: provider.Invalid, Field: "endpoint", Command: command, Message: "cannot build the request: " + err.Error()}
	}
	req.Header.Set("Accept", "text/xml, application/xml, text/plain")
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, 0, c.transportError(ctx, command, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes+1))
	if err != nil {
		return body, resp.StatusCode, c.transportError(ctx, command, err)
	}
	if len(body) > maxBodyBytes {
		return body[:maxBodyBytes], resp.StatusCode, malformed(command, "it is larger than "+strconv.Itoa(maxBodyBytes>>20)+" MiB")
	}
	if perr := statusError(command, resp.StatusCode); perr != nil {
		return body, resp.StatusCode, perr
	}
	return body, resp.StatusCode, nil
}

// transportError classifies a failure to get an answer: always Temporary with the outcome unknown.
func (c *Client) transportError(ctx context.Context, command string, err error) error {
	cause := err
	var ue *url.Error
	if errors.As(err, &ue) {
		cause = ue.Err // url.Error repeats the URL, which holds the credentials for GET
	}
	msg := "could not reach Enom at " + c.url.Host + ": " + cause.Error()
	if ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) {
		msg = "Enom at " + c.url.Host + " did not answer in time"
		if errors.Is(ctx.Err(), context.Canceled) {
			msg = "the call to Enom at " + c.url.Host + " was cancelled"
		}
	}
	return &provider.Error{Class: provider.Temporary, Command: command, Message: msg,
		Err: &outcomeUnknown{cause: cause}}
}

// outcomeUnknown wraps a transport failure with ErrOutcomeUnknown.
type outcomeUnknown struct{ cause error }

func (e *outcomeUnknown) Error() string   { return ErrOutcomeUnknown.Error() + ": " + e.cause.Error() }
func (e *outcomeUnknown) Unwrap() []error { return []error{ErrOutcomeUnknown, e.cause} }

// statusError classifies a non-2xx HTTP status. Enom answers business errors with 200, so any other
// status comes from the server or a proxy in front of it.
func statusError(command string, status int) *provider.Error {
	text := fmt.Sprintf("HTTP %d %s", status, http.StatusText(status))
	switch {
	case status >= 200 && status < 300:
		return nil
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return &provider.Error{Class: provider.Auth, Command: command, Code: strconv.Itoa(status),
			Message: "Enom's server refused access (" + text + "): register this server's public IP address for API access " +
				"in the Enom reseller control panel, and check the login ID, API token and environment (test or live)"}
	case status == http.StatusNotFound || status == http.StatusMethodNotAllowed || status == http.StatusGone:
		return &provider.Error{Class: provider.Invalid, Field: "endpoint", Command: command, Code: strconv.Itoa(status),
			Message: "the endpoint answered " + text + ": check the endpoint override (Enom's API lives at /interface.asp)"}
	case status == http.StatusTooManyRequests:
		return &provider.Error{Class: provider.Temporary, Command: command, Code: strconv.Itoa(status),
			Message: "Enom is limiting the request rate (" + text + "); the request will be retried"}
	case status >= 500:
		return &provider.Error{Class: provider.Temporary, Command: command, Code: strconv.Itoa(status),
			Message: "Enom answered " + text + "; the request will be retried", Err: ErrOutcomeUnknown}
	default:
		return &provider.Error{Class: provider.Temporary, Command: command, Code: strconv.Itoa(status),
			Message: "Enom answered " + text + "; the request will be retried", Err: ErrOutcomeUnknown}
	}
}

// scrub sets the command on a classified error and removes credentials from its message; any other
// error becomes Temporary.
func (c *Client) scrub(command string, err error) error {
	if err == nil {
		return nil
	}
	var pe *provider.Error
	if !errors.As(err, &pe) {
		pe = &provider.Error{Class: provider.Temporary, Message: err.Error(), Err: err}
	}
	out := *pe
	if out.Command == "" {
		out.Command = command
	}
	out.Message = provider.RedactText(out.Message, c.secrets()...)
	return &out
}
