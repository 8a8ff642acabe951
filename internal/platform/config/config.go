// Package config loads sslreseller's configuration with viper: built-in defaults, an optional YAML file,
// and environment variables named SSLR_ plus the upper-cased key with "." as "_" (database.url is
// SSLR_DATABASE_URL). Load validates every key and names the first bad one; Masked renders the
// effective configuration with secrets hidden, for the start-up log.
package config

import (
	"encoding/base64"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/spf13/viper"
)

// Config is the effective configuration.
type Config struct {
	Database  Database  `mapstructure:"database"`
	HTTP      HTTP      `mapstructure:"http"`
	Crypto    Crypto    `mapstructure:"crypto"`
	Log       Log       `mapstructure:"log"`
	Auth      Auth      `mapstructure:"auth"`
	Providers Providers `mapstructure:"providers"`
	Webhooks  Webhooks  `mapstructure:"webhooks"`
	Worker    Worker    `mapstructure:"worker"`
	Poller    Poller    `mapstructure:"poller"`
	Orders    Orders    `mapstructure:"orders"`
	SMTP      SMTP      `mapstructure:"smtp"`
}

// SMTP is the platform's mail server. With no host, mail is kept in the development mailbox of the
// admin UI instead of being sent.
type SMTP struct {
	Host     string `mapstructure:"host"`
	Port     int    `mapstructure:"port"`
	Username string `mapstructure:"username"`
	Password string `mapstructure:"password"`
	TLS      string `mapstructure:"tls"` // none, starttls or tls
	From     string `mapstructure:"from"`
}

// Poller holds the validation poller's schedule.
type Poller struct {
	FirstCheck      time.Duration `mapstructure:"first_check"`
	InitialInterval time.Duration `mapstructure:"initial_interval"`
	MaxInterval     time.Duration `mapstructure:"max_interval"`
	MaxPendingAge   time.Duration `mapstructure:"max_pending_age"`
	SubmitLease     time.Duration `mapstructure:"submit_lease"`
}

// Orders holds order settings.
type Orders struct {
	ConfigureLinkTTL time.Duration `mapstructure:"configure_link_ttl"`
	ReissueBefore    time.Duration `mapstructure:"reissue_before"`
}

// Database holds the connection settings.
type Database struct {
	URL        string `mapstructure:"url"`
	MigrateURL string `mapstructure:"migrate_url"`
	MaxConns   int32  `mapstructure:"max_conns"`
}

// HTTP holds the listener settings.
type HTTP struct {
	Addr            string        `mapstructure:"addr"`
	BaseURL         string        `mapstructure:"base_url"`
	MaxBodyBytes    int64         `mapstructure:"max_body_bytes"`
	ShutdownTimeout time.Duration `mapstructure:"shutdown_timeout"`
}

// Crypto holds the sealing keys: key is base64 of 32 bytes; previous_keys still open old values.
type Crypto struct {
	Key          string   `mapstructure:"key"`
	PreviousKeys []string `mapstructure:"previous_keys"`
}

// Log holds the logger settings.
type Log struct {
	Level  string `mapstructure:"level"`
	Format string `mapstructure:"format"`
}

// Auth holds password hashing and session settings.
type Auth struct {
	Argon2MemoryKiB  uint32        `mapstructure:"argon2_memory_kib"`
	Argon2Iterations uint32        `mapstructure:"argon2_iterations"`
	SessionLifetime  time.Duration `mapstructure:"session_lifetime"`
	LoginAttempts    int           `mapstructure:"login_attempts"`
	LoginWindow      time.Duration `mapstructure:"login_window"`
}

// Providers holds settings for upstream providers.
type Providers struct {
	AllowCustomEndpoints bool `mapstructure:"allow_custom_endpoints"`
}

// Webhooks holds settings for webhook deliveries.
type Webhooks struct {
	AllowPrivateTargets bool `mapstructure:"allow_private_targets"`
}

// Worker holds background job settings.
type Worker struct {
	Concurrency int `mapstructure:"concurrency"`
}

// defaults lists every key with its default: viper only maps environment variables for keys it knows.
var defaults = map[string]any{
	"database.url":                     "",
	"database.migrate_url":             "",
	"database.max_conns":               int32(20),
	"http.addr":                        "127.0.0.1:8080",
	"http.base_url":                    "",
	"http.max_body_bytes":              int64(1 << 20),
	"http.shutdown_timeout":            "15s",
	"crypto.key":                       "",
	"crypto.previous_keys":             []string{},
	"log.level":                        "info",
	"log.format":                       "json",
	"auth.argon2_memory_kib":           uint32(64 * 1024),
	"auth.argon2_iterations":           uint32(2),
	"auth.session_lifetime":            "12h",
	"auth.login_attempts":              10,
	"auth.login_window":                "15m",
	"providers.allow_custom_endpoints": false,
	"webhooks.allow_private_targets":   false,
	"worker.concurrency":               20,
	"poller.first_check":               "30s",
	"poller.initial_interval":          "5m",
	"poller.max_interval":              "4h",
	"poller.max_pending_age":           "720h",
	"poller.submit_lease":              "2m",
	"orders.configure_link_ttl":        "336h",
	"orders.reissue_before":            "720h",
	"smtp.host":                        "",
	"smtp.port":                        587,
	"smtp.username":                    "",
	"smtp.password":                    "",
	"smtp.tls":                         "starttls",
	"smtp.from":                        "sslreseller <no-reply@localhost>",
}

// Keys returns every configuration key, sorted.
func Keys() []string {
	keys := make([]string, 0, len(defaults))
	for k := range defaults {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Load reads defaults, the file (when path is not empty) and the environment, then validates.
func Load(path string) (*Config, error) {
	v := viper.New()
	for k, d := range defaults {
		v.SetDefault(k, d)
	}
	v.SetEnvPrefix("SSLR")
	v.SetEnvKeyReplacer(strings.NewReplacer(".", "_"))
	v.AutomaticEnv()
	if path != "" {
		v.SetConfigFile(path)
		if err := v.ReadInConfig(); err != nil {
			return nil, fmt.Errorf("config: read %s: %w", path, err)
		}
	}
	var c Config
	if err := v.Unmarshal(&c); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	// An environment variable gives previous_keys as one string; accept commas or spaces.
	var keys []string
	for _, k := range c.Crypto.PreviousKeys {
		keys = append(keys, strings.FieldsFunc(k, func(r rune) bool { return r == ',' || r == ' ' })...)
	}
	c.Crypto.PreviousKeys = keys
	if c.Database.MigrateURL == "" {
		c.Database.MigrateURL = c.Database.URL
	}
	if c.HTTP.BaseURL == "" {
		c.HTTP.BaseURL = "http://" + c.HTTP.Addr
	}
	c.HTTP.BaseURL = strings.TrimRight(c.HTTP.BaseURL, "/")
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// Validate checks every key and returns one line naming the first bad key.
func (c *Config) Validate() error {
	bad := func(key, format string, args ...any) error {
		return fmt.Errorf("config: %s (env SSLR_%s): %s", key, strings.ToUpper(strings.ReplaceAll(key, ".", "_")), fmt.Sprintf(format, args...))
	}
	for _, kv := range []struct{ key, u string }{{"database.url", c.Database.URL}, {"database.migrate_url", c.Database.MigrateURL}} {
		key, u := kv.key, kv.u
		if u == "" {
			continue
		}
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "postgres" && p.Scheme != "postgresql") {
			return bad(key, "must be a postgres:// URL")
		}
	}
	if c.Database.MaxConns < 2 {
		return bad("database.max_conns", "must be at least 2, got %d", c.Database.MaxConns)
	}
	if _, _, err := net.SplitHostPort(c.HTTP.Addr); err != nil {
		return bad("http.addr", "must be host:port, got %q", c.HTTP.Addr)
	}
	if u, err := url.Parse(c.HTTP.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return bad("http.base_url", "must be an absolute http or https URL, got %q", c.HTTP.BaseURL)
	}
	if c.HTTP.MaxBodyBytes < 1024 {
		return bad("http.max_body_bytes", "must be at least 1024")
	}
	if c.Crypto.Key != "" {
		if err := checkKey(c.Crypto.Key); err != nil {
			return bad("crypto.key", "%v", err)
		}
	}
	for i, k := range c.Crypto.PreviousKeys {
		if err := checkKey(k); err != nil {
			return bad("crypto.previous_keys", "entry %d: %v", i+1, err)
		}
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		return bad("log.level", "must be debug, info, warn or error, got %q", c.Log.Level)
	}
	switch c.Log.Format {
	case "json", "console":
	default:
		return bad("log.format", "must be json or console, got %q", c.Log.Format)
	}
	if c.Auth.Argon2MemoryKiB < 8 || c.Auth.Argon2Iterations < 1 {
		return bad("auth.argon2_memory_kib", "argon2 needs at least 8 KiB and 1 iteration")
	}
	if c.Auth.SessionLifetime < time.Minute {
		return bad("auth.session_lifetime", "must be at least 1m")
	}
	if c.Auth.LoginAttempts < 1 || c.Auth.LoginWindow <= 0 {
		return bad("auth.login_attempts", "needs at least 1 attempt in a positive auth.login_window")
	}
	for _, kv := range []struct {
		key string
		d   time.Duration
	}{{"poller.first_check", c.Poller.FirstCheck}, {"poller.initial_interval", c.Poller.InitialInterval},
		{"poller.max_interval", c.Poller.MaxInterval}, {"poller.max_pending_age", c.Poller.MaxPendingAge},
		{"poller.submit_lease", c.Poller.SubmitLease}, {"orders.configure_link_ttl", c.Orders.ConfigureLinkTTL},
		{"orders.reissue_before", c.Orders.ReissueBefore}} {
		if kv.d <= 0 {
			return bad(kv.key, "must be a positive duration such as 30s, 5m or 4h")
		}
	}
	if c.Poller.MaxInterval < c.Poller.InitialInterval {
		return bad("poller.max_interval", "must not be shorter than poller.initial_interval")
	}
	switch c.SMTP.TLS {
	case "none", "starttls", "tls":
	default:
		return bad("smtp.tls", "must be none, starttls or tls (got %q)", c.SMTP.TLS)
	}
	if c.SMTP.Port < 1 || c.SMTP.Port > 65535 {
		return bad("smtp.port", "must be a TCP port between 1 and 65535 (got %d)", c.SMTP.Port)
	}
	if _, err := mail.ParseAddress(c.SMTP.From); err != nil {
		return bad("smtp.from", "must be an e-mail address such as \"Example <no-reply@example.com>\" (%v)", err)
	}
	if c.Worker.Concurrency < 1 {
		return bad("worker.concurrency", "must be at least 1")
	}
	return nil
}

func checkKey(k string) error {
	b, err := base64.StdEncoding.DecodeString(k)
	if err != nil {
		return fmt.Errorf("must be base64 of 32 bytes (it is not valid base64)")
	}
	if len(b) != 32 {
		return fmt.Errorf("must be base64 of 32 bytes (got %d bytes)", len(b))
	}
	return nil
}

// RequireDatabase reports a missing database.url in words that say what to do.
func (c *Config) RequireDatabase() error {
	if c.Database.URL == "" {
		return fmt.Errorf("config: database.url (env SSLR_DATABASE_URL) is not set: point it at PostgreSQL, or use `make run`, which starts a local cluster")
	}
	return nil
}

// RequireCryptoKey reports a missing crypto.key in words that say what to do.
func (c *Config) RequireCryptoKey() error {
	if c.Crypto.Key == "" {
		return fmt.Errorf("config: crypto.key (env SSLR_CRYPTO_KEY) is not set: generate one with `head -c 32 /dev/urandom | base64`")
	}
	return nil
}

// Masked returns the effective configuration as key/value pairs with secrets hidden.
func (c *Config) Masked() map[string]any {
	secret := func(s string) string {
		if s == "" {
			return ""
		}
		return "***"
	}
	prev := make([]string, len(c.Crypto.PreviousKeys))
	for i := range prev {
		prev[i] = "***"
	}
	return map[string]any{
		"database.url":                     MaskURL(c.Database.URL),
		"database.migrate_url":             MaskURL(c.Database.MigrateURL),
		"database.max_conns":               c.Database.MaxConns,
		"http.addr":                        c.HTTP.Addr,
		"http.base_url":                    c.HTTP.BaseURL,
		"http.max_body_bytes":              c.HTTP.MaxBodyBytes,
		"http.shutdown_timeout":            c.HTTP.ShutdownTimeout.String(),
		"crypto.key":                       secret(c.Crypto.Key),
		"crypto.previous_keys":             prev,
		"log.level":                        c.Log.Level,
		"log.format":                       c.Log.Format,
		"auth.argon2_memory_kib":           c.Auth.Argon2MemoryKiB,
		"auth.argon2_iterations":           c.Auth.Argon2Iterations,
		"auth.session_lifetime":            c.Auth.SessionLifetime.String(),
		"auth.login_attempts":              c.Auth.LoginAttempts,
		"auth.login_window":                c.Auth.LoginWindow.String(),
		"providers.allow_custom_endpoints": c.Providers.AllowCustomEndpoints,
		"webhooks.allow_private_targets":   c.Webhooks.AllowPrivateTargets,
		"worker.concurrency":               c.Worker.Concurrency,
		"poller.first_check":               c.Poller.FirstCheck.String(),
		"poller.initial_interval":          c.Poller.InitialInterval.String(),
		"poller.max_interval":              c.Poller.MaxInterval.String(),
		"poller.max_pending_age":           c.Poller.MaxPendingAge.String(),
		"poller.submit_lease":              c.Poller.SubmitLease.String(),
		"orders.configure_link_ttl":        c.Orders.ConfigureLinkTTL.String(),
		"orders.reissue_before":            c.Orders.ReissueBefore.String(),
		"smtp.host":                        c.SMTP.Host,
		"smtp.port":                        c.SMTP.Port,
		"smtp.username":                    c.SMTP.Username,
		"smtp.password":                    secret(c.SMTP.Password),
		"smtp.tls":                         c.SMTP.TLS,
		"smtp.from":                        c.SMTP.From,
	}
}

// MaskURL hides the password of a URL.
func MaskURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// FromEnvOrFile returns the path in SSLR_CONFIG, for commands that take no --config flag.
func FromEnvOrFile(flagValue string) string {
	if flagValue != "" {
		return flagValue
	}
	return os.Getenv("SSLR_CONFIG")
}
