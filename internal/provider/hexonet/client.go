package hexonet

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/sslreseller/sslreseller/internal/provider"
)

// ProviderName is the name calls are logged under.
const ProviderName = "hexonet"

// The environments of a provider account.
const (
	EnvironmentTest = "test"
	EnvironmentLive = "live"
)

// The HEXONET API endpoints and system entities (s_entity) of the two environments: LIVE ("54cd") and
// the OT&E test system ("1234"), which has its own accounts and data.
const (
	LiveURL    = "https://api.ispapi.net/api/call.cgi"
	TestURL    = "https://api-ote.ispapi.net/api/call.cgi"
	EntityLive = "54cd"
	EntityTest = "1234"
)

// maxBody bounds the size of an answer: a certificate with its chain is a few kilobytes, a long list
// a few megabytes.
const maxBody = 16 << 20

// defaultTimeout bounds one exchange when the caller gives no HTTP client of its own.
const defaultTimeout = 60 * time.Second

// Config is what a client needs: the environment, the account's credentials, and the plumbing.
type Config struct {
	// Environment is EnvironmentTest (OT&E host, entity 1234) or EnvironmentLive (live host, entity
	// 54cd).
	Environment string
	// Endpoint optionally replaces scheme, host and port of the environment's URL (a simulator or a
	// private gateway); the path stays /api/call.cgi.
	Endpoint string
	// Login is the HEXONET user name (s_login); a role user is written "account!role".
	Login string
	// Password is the user's password (s_pw). It is never logged nor put in an error.
	Password string
	// HTTPClient makes the requests; nil means a client with a 60-second timeout.
	HTTPClient *http.Client
	// Record receives every HTTP exchange, redacted; nil drops them.
	Record provider.Recorder
	// Now is the clock for call timestamps; nil means time.Now.
	Now func() time.Time
}

// Client speaks the HEXONET API for one account in one environment. It is safe for concurrent use.
type Client struct {
	url      string
	env      string
	entity   string
	login    string
	password string
	http     *http.Client
	record   provider.Recorder
	now      func() time.Time
}

// NewClient checks cfg and makes a client. Missing or unknown settings are Invalid errors naming the
// field ("environment", "endpoint", "login", "password").
func NewClient(cfg Config) (*Client, error) {
	c := &Client{login: strings.TrimSpace(cfg.Login), password: cfg.Password, http: cfg.HTTPClient, record: cfg.Record, now: cfg.Now}
	var base string
	switch strings.ToLower(strings.TrimSpace(cfg.Environment)) {
	case EnvironmentTest:
		c.env, c.entity, base = EnvironmentTest, EntityTest, TestURL
	case EnvironmentLive:
		c.env, c.entity, base = EnvironmentLive, EntityLive, LiveURL
	default:
		return nil, &provider.Error{Class: provider.Invalid, Field: "environment", Message: fmt.Sprintf("unknown environment %q; use %q or %q", cfg.Environment, EnvironmentTest, EnvironmentLive)}
	}
	u, err := provider.Endpoint(base, strings.TrimSpace(cfg.Endpoint))
	if err != nil {
		var pe *provider.Error
		if errors.As(err, &pe) {
			pe.Field = "endpoint"
			return nil, pe
		}
		return nil, &provider.Error{Class: provider.Invalid, Field: "endpoint", Message: "the endpoint is not a valid URL", Err: err}
	}
	c.url = u.String()
	if c.login == "" {
		return nil, &provider.Error{Class: provider.Invalid, Field: "login", Message: "the HEXONET user name is required"}
	}
	if c.password == "" {
		return nil, &provider.Error{Class: provider.Invalid, Field: "password", Message: "the HEXONET password is required"}
	}
	if c.http == nil {
		c.http = &http.Client{Timeout: defaultTimeout}
	}
	if c.record == nil {
		c.record = provider.NopRecorder
	}
	if c.now == nil {
		c.now = time.Now
	}
	return c, nil
}

// URL is the endpoint the client posts to.
func (c *Client) URL() string { return c.url }

// Environment is EnvironmentTest or EnvironmentLive.
func (c *Client) Environment() string { return c.env }

// Entity is the s_entity sent: EntityTest or EntityLive.
func (c *Client) Entity() string { return c.entity }

// params are the attributes of one command, keys upper case.
type params map[string]string

// set stores a non-empty value, with CR and LF removed (the command text is line based).
func (p params) set(key, value string) {
	value = strings.NewReplacer("\r", "", "\n", "").Replace(strings.TrimSpace(value))
	if value != "" {
		p[strings.ToUpper(key)] = value
	}
}

// list stores values as KEY0, KEY1, ... skipping empty ones without leaving gaps.
func (p params) list(key string, values []string) {
	i := 0
	for _, v := range values {
		if strings.TrimSpace(v) == "" {
			continue
		}
		p.set(fmt.Sprintf("%s%d", key, i), v)
		i++
	}
}

// commandText is the s_command value: COMMAND first, then the attributes sorted, one KEY=VALUE per line.
func commandText(command string, p params) string {
	keys := make([]string, 0, len(p))
	for k := range p {
		if k != "COMMAND" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var b strings.Builder
	b.WriteString("COMMAND=" + command)
	for _, k := range keys {
		b.WriteString("\n" + k + "=" + p[k])
	}
	return b.String()
}

// form builds the POST body fields.
func (c *Client) form(command string, p params) url.Values {
	f := url.Values{}
	f.Set("s_entity", c.entity)
	f.Set("s_login", c.login)
	f.Set("s_pw", c.password)
	f.Set("s_command", commandText(command, p))
	return f
}

// secretFormKeys are the form fields whose values never reach the call log.
var secretFormKeys = []string{"s_pw", "s_otp", "s_session"}

// redactRequest renders the form for the call log without secrets.
func (c *Client) redactRequest(f url.Values) string {
	return provider.RedactText(provider.RedactForm(f, secretFormKeys...), c.password, url.QueryEscape(c.password))
}

// redactResponse renders a body for the call log: the password (should a server ever echo it) and any
// private key (PEM properties, PEM blocks) are replaced.
func (c *Client) redactResponse(body []byte) string {
	lines := strings.Split(string(body), "\n")
	for i, l := range lines {
		key, _, ok := splitLine(l)
		if ok && strings.HasPrefix(strings.ToUpper(key), "PROPERTY[PEM]") {
			lines[i] = key + " = " + provider.Redacted
		}
	}
	return provider.RedactText(strings.Join(lines, "\n"), c.password, url.QueryEscape(c.password))
}

// call runs one command: it posts the form, hands a 200 answer's body to parse, classifies failures,
// and reports the exchange to the recorder exactly once.
func (c *Client) call(ctx context.Context, command string, p params, parse func(body []byte) error) error {
	f := c.form(command, p)
	started := c.now()
	status, body, err := c.post(ctx, f)
	var result error
	switch {
	case err != nil:
		result = transportError(ctx, err)
	case status != http.StatusOK:
		result = httpStatusError(status)
	default:
		result = parse(body)
	}
	var pe *provider.Error
	if result != nil && errors.As(result, &pe) {
		pe.Command = command
		pe.Message = provider.RedactText(pe.Message, c.password)
	}
	callRec := provider.Call{
		Provider:   ProviderName,
		Command:    command,
		Started:    started,
		Duration:   c.now().Sub(started),
		Outcome:    "ok",
		HTTPStatus: status,
		Request:    c.redactRequest(f),
		Response:   c.redactResponse(body),
	}
	if result != nil {
		callRec.Outcome = string(provider.ClassOf(result))
		callRec.Error = provider.RedactText(result.Error(), c.password)
	}
	c.record(ctx, callRec)
	return result
}

// post sends the form and reads the answer.
func (c *Client) post(ctx context.Context, f url.Values) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, strings.NewReader(f.Encode()))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "text/plain")
	req.Header.Set("User-Agent", "sslreseller-hexonet/1")
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return resp.StatusCode, body, err
	}
	if len(body) > maxBody {
		return resp.StatusCode, body[:maxBody], errTooLarge
	}
	return resp.StatusCode, bytes.Clone(body), nil
}

var errTooLarge = errors.New("the answer is larger than 16 MiB")

// transportError classifies a failed exchange: always Temporary, with a message that does not repeat the
// request (the form holds the password).
func transportError(ctx context.Context, err error) *provider.Error {
	e := &provider.Error{Class: provider.Temporary, Err: err}
	var ne net.Error
	switch {
	case errors.Is(err, errTooLarge):
		e.Message = "HEXONET's answer was too large to read; the call will be retried"
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()):
		e.Message = "HEXONET did not answer in time; the call will be retried"
	case errors.Is(err, context.Canceled):
		e.Message = "the call to HEXONET was cancelled"
	default:
		e.Message = "HEXONET could not be reached (" + networkReason(err) + "); the call will be retried"
	}
	return e
}

// networkReason describes a transport error without the URL (which is harmless) or anything else.
func networkReason(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return err.Error()
}

// httpStatusError classifies an HTTP status other than 200. HEXONET itself answers 200 even for errors,
// so another status comes from a proxy, a load balancer or a wrong endpoint.
func httpStatusError(status int) *provider.Error {
	e := &provider.Error{Class: provider.Temporary, Code: fmt.Sprintf("HTTP %d", status)}
	switch {
	case status == http.StatusTooManyRequests:
		e.Message = "HEXONET's rate limit was reached (HTTP 429); the call will be retried"
	case status >= 500:
		e.Message = fmt.Sprintf("HEXONET is unavailable (HTTP %d); the call will be retried", status)
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		e.Class = provider.Auth
		e.Message = fmt.Sprintf("the HEXONET endpoint refused access (HTTP %d). ", status) + authAdvice
	case status == http.StatusNotFound:
		e.Message = "the HEXONET endpoint answered 404 Not Found; check the endpoint URL of this provider account (the path must be /api/call.cgi)"
	default:
		e.Message = fmt.Sprintf("HEXONET answered with HTTP status %d; the call will be retried", status)
	}
	return e
}
