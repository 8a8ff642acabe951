package provider

import (
	"context"
	"net/url"
	"strings"
	"time"
)

// Call is one upstream request as the call log keeps it. Request and Response are redacted: no
// password, API token, or private key is ever in them.
type Call struct {
	Provider   string
	Command    string
	Started    time.Time
	Duration   time.Duration
	Outcome    string // "ok" or the error Class
	HTTPStatus int
	Request    string
	Response   string
	Error      string
}

// Recorder receives every upstream call. Adapters call it once per HTTP exchange.
type Recorder func(ctx context.Context, c Call)

// NopRecorder drops calls.
func NopRecorder(context.Context, Call) {}

// Redacted is what secrets are replaced with.
const Redacted = "REDACTED"

// RedactForm returns the form encoded with the values of the named keys (case-insensitive)
// replaced, for the call log.
func RedactForm(form url.Values, secretKeys ...string) string {
	out := url.Values{}
	for k, vs := range form {
		secret := false
		for _, s := range secretKeys {
			if strings.EqualFold(k, s) {
				secret = true
			}
		}
		for _, v := range vs {
			if secret && v != "" {
				v = Redacted
			}
			out.Add(k, v)
		}
	}
	return out.Encode()
}

// RedactText replaces every occurrence of the given secret values, and any PEM private key block,
// in a free-text body.
func RedactText(s string, secrets ...string) string {
	for _, sec := range secrets {
		if len(sec) >= 4 {
			s = strings.ReplaceAll(s, sec, Redacted)
		}
	}
	for {
		i := strings.Index(s, "-----BEGIN")
		if i < 0 {
			break
		}
		j := strings.Index(s[i:], "PRIVATE KEY-----")
		if j < 0 || j > 40 {
			break
		}
		end := strings.Index(s[i+j:], "-----END")
		if end < 0 {
			s = s[:i] + Redacted
			break
		}
		tail := strings.Index(s[i+j+end:], "PRIVATE KEY-----")
		if tail < 0 {
			s = s[:i] + Redacted
			break
		}
		s = s[:i] + Redacted + s[i+j+end+tail+len("PRIVATE KEY-----"):]
	}
	return s
}

// Endpoint returns base with scheme, host and port replaced by the override (when set); the path of
// base, the provider's own, stays.
func Endpoint(base, override string) (*url.URL, error) {
	b, err := url.Parse(base)
	if err != nil {
		return nil, err
	}
	if override == "" {
		return b, nil
	}
	o, err := url.Parse(override)
	if err != nil || o.Host == "" || (o.Scheme != "http" && o.Scheme != "https") {
		return nil, Errorf(Invalid, "endpoint %q is not an http(s) URL with a host", override)
	}
	b.Scheme, b.Host = o.Scheme, o.Host
	return b, nil
}
