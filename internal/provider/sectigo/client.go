package sectigo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/sslreseller/sslreseller/internal/provider"
)

// ProviderName is the provider's name in the registry and the call log.
const ProviderName = "sectigo"

// Environments of a provider account.
const (
	EnvironmentLive = "live"
	EnvironmentTest = "test"
)

// Hosts. Sectigo has no sandbox host: test orders go to the live host with test=Y and are never issued.
const (
	LiveBaseURL = "https://secure.trust-provider.com/products/"
	TestBaseURL = LiveBaseURL
)

// The commands, as named in the call log and in errors.
const (
	cmdApply     = "AutoApplySSL"
	cmdCollect   = "CollectSSL"
	cmdEmails    = "GetDCVEmailAddressList"
	cmdDecode    = "DecodeCSR"
	cmdReplace   = "AutoReplaceSSL"
	cmdRevoke    = "AutoRevokeSSL"
	cmdRefund    = "AutoRefund"
	cmdUpdateDCV = "AutoUpdateDCV"
	cmdResend    = "ResendDCVEmail"
	cmdAuthorize = "AutoAuthorize"
	cmdReport    = "WebHostReport"
)

// endpointPath is the path of each command below /products/.
func endpointPath(command string) string {
	if command == cmdCollect {
		return "download/CollectSSL"
	}
	return "!" + command
}

// Limits of one exchange.
const (
	defaultTimeout   = 60 * time.Second
	maxBody          = 8 << 20  // answers carry a few certificates at most
	maxRecordedBody  = 64 << 10 // the call log keeps this much of a body
	recordTruncation = "\n[truncated]"
)

// Config configures a Client.
type Config struct {
	// Environment is "live" or "test"; test sends test=Y on AutoApplySSL, AutoRevokeSSL and AutoAuthorize.
	Environment string
	// Endpoint, when set, replaces the scheme, host and port of Sectigo's URL (simulators, gateways); the
	// paths stay Sectigo's.
	Endpoint string
	// LoginName and LoginPassword are the reseller API credentials (case-sensitive).
	LoginName     string
	LoginPassword string // never logged: the call log shows it as provider.Redacted
	// HTTPClient makes the requests; nil means a client with a 60-second timeout. Redirects are never
	// followed: Sectigo does not redirect, and a redirect turns the POST into a GET Sectigo refuses.
	HTTPClient *http.Client
	// Record receives every HTTP exchange, redacted; nil drops them.
	Record provider.Recorder
	// NewlineFormat asks for responseFormat=0 (newline-delimited) instead of 1 (URL-encoded), for gateways
	// that only speak it. URL-encoded answers carry more (certificate status texts, validity dates).
	NewlineFormat bool
	// CollectLimiter, when set, guards every CollectSSL call (keyed by LoginName and order).
	CollectLimiter *CollectLimiter
	// Now reads the clock for the call log; nil means time.Now.
	Now func() time.Time
}

// Client speaks Sectigo's reseller API for one account. It is safe for concurrent use.
type Client struct {
	base     *url.URL
	test     bool
	login    string
	password string
	http     *http.Client
	record   provider.Recorder
	newline  bool
	limiter  *CollectLimiter
	now      func() time.Time
}

// NewClient checks cfg and makes a client. Problems are Invalid *provider.Error values naming the field.
func NewClient(cfg Config) (*Client, error) {
	var base string
	switch cfg.Environment {
	case EnvironmentLive:
		base = LiveBaseURL
	case EnvironmentTest:
		base = TestBaseURL
	default:
		return nil, &provider.Error{Class: provider.Invalid, Field: "environment",
			Message: fmt.Sprintf("environment %q is neither %q nor %q", cfg.Environment, EnvironmentLive, EnvironmentTest)}
	}
	if strings.TrimSpace(cfg.LoginName) == "" {
		return nil, &provider.Error{Class: provider.Invalid, Field: "login_name", Message: "the Sectigo login name is required"}
	}
	if cfg.LoginPassword == "" {
		return nil, &provider.Error{Class: provider.Invalid, Field: "login_password", Message: "the Sectigo login password is required"}
	}
	u, err := provider.Endpoint(base, cfg.Endpoint)
	if err != nil {
		var pe *provider.Error
		if errors.As(err, &pe) {
			pe.Field = "endpoint"
			return nil, pe
		}
		return nil, &provider.Error{Class: provider.Invalid, Field: "endpoint", Message: "the endpoint is not a valid URL", Err: err}
	}
	hc := http.Client{Timeout: defaultTimeout}
	if cfg.HTTPClient != nil {
		hc = *cfg.HTTPClient
	}
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	rec := cfg.Record
	if rec == nil {
		rec = provider.NopRecorder
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return &Client{base: u, test: cfg.Environment == EnvironmentTest, login: cfg.LoginName, password: cfg.LoginPassword,
		http: &hc, record: rec, newline: cfg.NewlineFormat, limiter: cfg.CollectLimiter, now: now}, nil
}

// Test reports whether the client places test orders (test=Y), which Sectigo never bills nor issues.
func (c *Client) Test() bool { return c.test }

// URL returns the URL of a command, for display.
func (c *Client) URL(command string) string { return c.urlOf(command).String() }

func (c *Client) urlOf(command string) *url.URL {
	u := *c.base
	u.Path = strings.TrimSuffix(u.Path, "/") + "/" + endpointPath(command)
	// Sectigo's paths start with a literal '!', which Go would otherwise send as %21.
	u.RawPath = u.Path
	return &u
}

// credentials returns a form holding the login; commands add their own arguments.
func (c *Client) credentials() url.Values {
	return url.Values{"loginName": {c.login}, "loginPassword": {c.password}}
}

// format adds responseFormat to a form for commands that accept it.
func (c *Client) format(form url.Values) {
	if c.newline {
		form.Set("responseFormat", "0")
	} else {
		form.Set("responseFormat", "1")
	}
}

// testFlag adds test=Y in the test environment.
func (c *Client) testFlag(form url.Values) {
	if c.test {
		form.Set("test", "Y")
	}
}

// post sends one form, hands a readable answer to parse, and records the exchange exactly once with its
// outcome. Transport failures, HTTP 5xx and 429 come back as Temporary errors without calling parse.
func (c *Client) post(ctx context.Context, command string, form url.Values, parse func(status int, body []byte) error) error {
	started := c.now()
	u := c.urlOf(command)
	call := provider.Call{Provider: ProviderName, Command: command, Started: started,
		Request: "POST " + u.String() + "\n\n" + provider.RedactForm(form, "loginPassword")}
	err := c.exchange(ctx, command, u, form, &call, parse)
	call.Duration = c.now().Sub(started)
	call.Outcome = "ok"
	if err != nil {
		call.Outcome = string(provider.ClassOf(err))
		call.Error = err.Error()
	}
	c.record(ctx, call)
	return err
}

func (c *Client) exchange(ctx context.Context, command string, u *url.URL, form url.Values, call *provider.Call, parse func(int, []byte) error) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), strings.NewReader(form.Encode()))
	if err != nil {
		return &provider.Error{Command: command, Class: provider.Invalid, Field: "endpoint", Message: "the request could not be made", Err: err}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "text/plain, application/x-www-form-urlencoded, */*")
	resp, err := c.http.Do(req)
	if err != nil {
		return c.transportError(ctx, command, err)
	}
	defer resp.Body.Close()
	call.HTTPStatus = resp.StatusCode
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	call.Response = c.redactBody(body)
	if err != nil {
		return c.transportError(ctx, command, err)
	}
	if len(body) > maxBody {
		return malformed(command, "the answer is larger than any Sectigo answer")
	}
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		return &provider.Error{Command: command, Class: provider.Invalid, Field: "endpoint", Code: httpCode(resp.StatusCode),
			Message: fmt.Sprintf("the endpoint redirected to %q; Sectigo does not redirect, so set the endpoint to the final https:// URL", resp.Header.Get("Location"))}
	}
	if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests {
		return classifyText(command, resp.StatusCode, string(body))
	}
	if resp.StatusCode >= 400 {
		if e := statusError(command, resp.StatusCode, body); e != nil {
			return e
		}
	}
	if err := parse(resp.StatusCode, body); err != nil {
		return c.scrub(err)
	}
	return nil
}

// statusError classifies an HTTP 4xx answer that carries no Sectigo status code: a refusal by a
// firewall or gateway in front of Sectigo (401, 403) is Auth, a URL that serves no API (404, 405, 410) is a
// wrong endpoint. Other answers go to the parser.
func statusError(command string, status int, body []byte) *provider.Error {
	if r, err := parseReply(body); err == nil && r.hasCode {
		return nil
	}
	if e := classifyText(command, status, string(body)); e.Class != provider.Temporary {
		return e
	}
	switch status {
	case http.StatusUnauthorized, http.StatusForbidden:
		return &provider.Error{Command: command, Class: provider.Auth, Code: httpCode(status), Message: authAdvice}
	case http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusGone:
		return &provider.Error{Command: command, Class: provider.Invalid, Field: "endpoint", Code: httpCode(status),
			Message: "the endpoint does not serve Sectigo's API at /products/; check the endpoint URL (only scheme, host and port are taken from it)"}
	}
	return nil
}

// transportError classifies a failure to talk to Sectigo at all: always Temporary.
func (c *Client) transportError(ctx context.Context, command string, err error) error {
	msg := "Sectigo could not be reached; the call will be retried"
	var ue *url.Error
	switch {
	case ctx.Err() != nil:
		msg = "the call to Sectigo was cancelled or ran out of time; it will be retried"
	case errors.As(err, &ue) && ue.Timeout(), errors.Is(err, context.DeadlineExceeded):
		msg = "Sectigo did not answer in time; the call will be retried"
	}
	return &provider.Error{Command: command, Class: provider.Temporary, Message: msg, Err: c.scrubErr(err)}
}

// redactBody prepares a body for the call log: secrets and private keys replaced, cut to a size.
func (c *Client) redactBody(body []byte) string {
	s := provider.RedactText(string(body), c.password)
	if len(s) > maxRecordedBody {
		s = s[:maxRecordedBody] + recordTruncation
	}
	return s
}

// scrub removes the password from a classified error's message, should Sectigo ever echo it.
func (c *Client) scrub(err error) error {
	var pe *provider.Error
	if errors.As(err, &pe) {
		pe.Message = provider.RedactText(pe.Message, c.password)
	}
	return err
}

func (c *Client) scrubErr(err error) error {
	if err == nil || !strings.Contains(err.Error(), c.password) || len(c.password) < 4 {
		return err
	}
	return errors.New(provider.RedactText(err.Error(), c.password))
}

// roundTrip posts form and reads the answer with parseFn, keeping its result.
func roundTrip[T any](ctx context.Context, c *Client, command string, form url.Values, parseFn func([]byte) (T, error)) (T, error) {
	var out T
	err := c.post(ctx, command, form, func(status int, body []byte) error {
		v, err := parseFn(body)
		if err != nil {
			var pe *provider.Error
			if errors.As(err, &pe) && pe.Code == "" && status != http.StatusOK {
				pe.Code = httpCode(status)
			}
			return err
		}
		out = v
		return nil
	})
	return out, err
}
