package httpapi_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/google/uuid"

	"github.com/sslreseller/sslreseller/internal/app/apptest"
	"github.com/sslreseller/sslreseller/internal/mail"
	"github.com/sslreseller/sslreseller/internal/platform/config"
	"github.com/sslreseller/sslreseller/internal/platform/errs"
)

// received is one message the test SMTP server accepted.
type received struct {
	from, to, subject, replyTo string
	text, html                 string
	attachments                map[string][]byte
}

// smtpCatcher is an in-process SMTP server that keeps what it receives and refuses the first
// failFirst messages with a temporary error.
type smtpCatcher struct {
	mu        sync.Mutex
	got       []received
	failFirst int
	refused   int
	t         *testing.T
}

func (c *smtpCatcher) NewSession(*smtp.Conn) (smtp.Session, error) { return &catcherSession{c: c}, nil }

type catcherSession struct {
	c        *smtpCatcher
	from, to string
}

func (s *catcherSession) Reset()        {}
func (s *catcherSession) Logout() error { return nil }
func (s *catcherSession) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}
func (s *catcherSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = to
	return nil
}

func (s *catcherSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	if s.c.refused < s.c.failFirst {
		s.c.refused++
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	m, err := parseMail(raw)
	if err != nil {
		s.c.t.Errorf("the service sent a message that does not parse: %v\n%s", err, raw)
		return err
	}
	m.from, m.to = s.from, s.to
	s.c.got = append(s.c.got, m)
	return nil
}

func (c *smtpCatcher) messages() []received {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]received(nil), c.got...)
}

func parseMail(raw []byte) (received, error) {
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return received{}, err
	}
	dec := new(mime.WordDecoder)
	subject, _ := dec.DecodeHeader(msg.Header.Get("Subject"))
	out := received{subject: subject, replyTo: msg.Header.Get("Reply-To"), attachments: map[string][]byte{}}
	err = walkPart(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), "", msg.Body, &out)
	return out, err
}

func walkPart(contentType, encoding, disposition string, body io.Reader, out *received) error {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return err
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
			if err := walkPart(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p.Header.Get("Content-Disposition"), p, out); err != nil {
				return err
			}
		}
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return err
	}
	switch strings.ToLower(encoding) {
	case "base64":
		b, err = base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(b)), ""))
		if err != nil {
			return err
		}
	case "quoted-printable":
		b, err = io.ReadAll(quotedprintable.NewReader(bytes.NewReader(b)))
		if err != nil {
			return err
		}
	}
	if disposition != "" {
		if d, dp, err := mime.ParseMediaType(disposition); err == nil && d == "attachment" {
			out.attachments[dp["filename"]] = b
			return nil
		}
	}
	switch mt {
	case "text/plain":
		out.text = string(b)
	case "text/html":
		out.html = string(b)
	}
	return nil
}

func startSMTP(t *testing.T, failFirst int) (*smtpCatcher, int) {
	t.Helper()
	c := &smtpCatcher{t: t, failFirst: failFirst}
	srv := smtp.NewServer(c)
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return c, ln.Addr().(*net.TCPAddr).Port
}

// waitMail waits until the catcher holds a message whose subject starts with prefix.
func waitMail(t *testing.T, c *smtpCatcher, prefix string) received {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		for _, m := range c.messages() {
			if strings.HasPrefix(m.subject, prefix) {
				return m
			}
		}
		if time.Now().After(deadline) {
			var subjects []string
			for _, m := range c.messages() {
				subjects = append(subjects, m.subject)
			}
			t.Fatalf("no e-mail %q arrived; got %q", prefix, subjects)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestLifecycleSendsEachEmailOnce(t *testing.T) {
	catcher, port := startSMTP(t, 1)
	s := apptest.New(t, apptest.Options{Configure: func(c *config.Config) {
		c.SMTP = config.SMTP{Host: "127.0.0.1", Port: port, TLS: "none", From: "Platform Mail <mail@platform.test>"}
	}})
	sh := shopWith(t, s)

	o := sh.order(t, "sandbox-dv", 12)
	link := waitMail(t, catcher, "Set up your certificate")
	if link.to != "buyer@example.com" || !strings.Contains(link.text, o.ConfigureURL) || !strings.Contains(link.html, "Set up your certificate") {
		t.Fatalf("configuration e-mail: to %s\n%s", link.to, link.text)
	}
	if link.from != "mail@platform.test" {
		t.Fatalf("envelope sender %q, want the platform's address", link.from)
	}

	r := s.Call(t, "POST", "/api/v1/orders/"+o.ID+"/configure", s.BillingKey, map[string]any{
		"generate_key": map[string]any{"key_type": "ecdsa-p256", "common_name": "www.example.com"}, "dcv_method": "dns", "server_type": "nginx"})
	if r.Status != 202 {
		t.Fatalf("configure: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &o)
	submitted := waitMail(t, catcher, "Prove you control www.example.com")
	if o.Domains[0].Instructions == nil || !strings.Contains(submitted.text, o.Domains[0].Instructions.RecordName) ||
		!strings.Contains(submitted.text, o.Domains[0].Instructions.RecordValue) {
		t.Fatalf("the submitted e-mail lacks the DNS record %+v:\n%s", o.Domains[0].Instructions, submitted.text)
	}

	sh.waitFor(t, o.ID, "issued")
	issued := waitMail(t, catcher, "Your certificate for www.example.com is issued")
	att := issued.attachments["www.example.com.fullchain.pem"]
	if !bytes.Equal(att, download(t, s, o.ID, "fullchain")) {
		t.Fatalf("the issued e-mail's attachment is not the full chain: %q (attachments %v)", att, len(issued.attachments))
	}
	if !strings.Contains(issued.text, "ssl_certificate") {
		t.Fatalf("the issued e-mail lacks nginx install instructions:\n%s", issued.text)
	}

	other := sh.order(t, "sandbox-dv", 12)
	waitMail(t, catcher, "Set up your certificate")
	if r := s.Call(t, "POST", "/api/v1/orders/"+other.ID+"/cancel", s.BillingKey, map[string]any{"reason": "changed my mind"}); r.Status != 200 {
		t.Fatalf("cancel: %d %s", r.Status, r.Body)
	}
	cancelled := waitMail(t, catcher, "Your Sandbox")
	if !strings.Contains(cancelled.subject, "cancelled") {
		t.Fatalf("cancel e-mail subject %q", cancelled.subject)
	}

	// Give stray duplicates a moment, then count: each e-mail once, though the first was refused once.
	time.Sleep(500 * time.Millisecond)
	count := map[string]int{}
	for _, m := range catcher.messages() {
		count[m.subject]++
	}
	for subject, n := range count {
		want := 1
		if strings.HasPrefix(subject, "Set up your certificate") {
			want = 2 // one per order
		}
		if n != want {
			t.Errorf("%d e-mails %q, want %d", n, subject, want)
		}
	}
	if len(count) != 4 {
		t.Errorf("e-mails sent: %v", count)
	}

	oid := uuid.MustParse(o.ID)
	list, err := s.App.Mail.List(t.Context(), s.Tenant.ID, &oid, uuid.Nil, 50)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 3 {
		t.Fatalf("delivery records of the order: %d", len(list))
	}
	for _, m := range list {
		if m.Status != mail.StatusSent || m.To != "buyer@example.com" || m.Subject == "" {
			t.Errorf("delivery record %+v", m)
		}
		if m.Template == "configure_link" && (m.Attempts != 2 || m.Error != "") {
			t.Errorf("the refused first message: %d attempts, error %q", m.Attempts, m.Error)
		}
	}
}

func TestMailboxKeepsMailWithoutSMTP(t *testing.T) {
	s := apptest.New(t)
	sh := shopWith(t, s)
	o := sh.order(t, "sandbox-dv", 12)
	oid := uuid.MustParse(o.ID)
	deadline := time.Now().Add(30 * time.Second)
	for {
		list, err := s.App.Mail.List(t.Context(), s.Tenant.ID, &oid, uuid.Nil, 50)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) == 1 && list[0].Status == mail.StatusKept {
			if !strings.Contains(list[0].Text, o.ConfigureURL) {
				t.Fatalf("kept message lacks the link:\n%s", list[0].Text)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("mailbox: %+v", list)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err := s.App.Mail.Resend(t.Context(), s.Tenant.ID, oid, "issued"); err == nil || !strings.Contains(err.Error(), "no issued certificate") {
		t.Fatalf("resending an issued e-mail before issue: %v", err)
	}
	if err := s.App.Mail.Resend(t.Context(), s.Tenant.ID, oid, "configure_link"); err != nil {
		t.Fatal(err)
	}
	if err := s.App.Mail.Resend(t.Context(), s.Tenant.ID, uuid.Must(uuid.NewV7()), "configure_link"); err == nil {
		t.Fatal("resend for an unknown order succeeded")
	}
}

// TestExpiryNoticesFollowTheSchedule: with an injected clock the term keeper sends the expiring
// e-mail (and the order.expiring event) on the tenant's schedule, each step once.
func TestExpiryNoticesFollowTheSchedule(t *testing.T) {
	clk := &clock{t: time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)}
	s := apptest.New(t, apptest.Options{Now: clk.Now, Configure: func(c *config.Config) { c.Poller.FirstCheck = time.Hour }})
	sh := shopOn(t, s)
	o := sh.order(t, "sandbox-dv", 12)
	if r := s.Call(t, "POST", "/api/v1/orders/"+o.ID+"/configure", s.BillingKey, map[string]any{
		"generate_key": map[string]any{"common_name": "ending.example.com"}, "dcv_method": "dns"}); r.Status != 202 {
		t.Fatalf("configure: %d %s", r.Status, r.Body)
	}
	clk.Set(clk.Now().Add(2 * time.Second))
	s.Call(t, "POST", "/api/v1/orders/"+o.ID+"/check", s.BillingKey, nil)
	o = sh.get(t, o.ID)
	if o.Status != "issued" || o.Term.EndsAt == nil {
		t.Fatalf("order %s, term %+v", o.Status, o.Term)
	}
	end := *o.Term.EndsAt
	oid := uuid.MustParse(o.ID)
	expiring := func(want int) []mail.Message {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for {
			list, err := s.App.Mail.List(t.Context(), s.Tenant.ID, &oid, uuid.Nil, 50)
			if err != nil {
				t.Fatal(err)
			}
			var out []mail.Message
			for _, m := range list {
				if m.Template == "expiring" && m.Status == mail.StatusKept {
					out = append(out, m)
				}
			}
			if len(out) == want {
				return out
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d expiring e-mails, want %d", len(out), want)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	sweep := func(at time.Time) int {
		t.Helper()
		clk.Set(at)
		res, err := s.App.Orders.Sweep(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		return res.Notified
	}

	if n := sweep(end.Add(-40 * 24 * time.Hour)); n != 0 {
		t.Fatalf("%d notices 40 days before the end", n)
	}
	if n := sweep(end.Add(-20 * 24 * time.Hour)); n != 1 {
		t.Fatalf("%d notices 20 days before the end, want the 30-day one", n)
	}
	if got := expiring(1); !strings.Contains(got[0].Subject, "ends in 20 days") || !strings.Contains(got[0].Text, "ending.example.com") {
		t.Fatalf("expiring e-mail: %q\n%s", got[0].Subject, got[0].Text)
	}
	if n := sweep(end.Add(-19 * 24 * time.Hour)); n != 0 {
		t.Fatalf("the 30-day notice went out again: %d", n)
	}
	if n := sweep(end.Add(-13 * 24 * time.Hour)); n != 1 {
		t.Fatalf("%d notices 13 days before the end, want the 14-day one", n)
	}
	got := expiring(2)
	if !strings.Contains(got[0].Subject, "ends in 13 days") {
		t.Fatalf("second notice: %q", got[0].Subject)
	}
}

// TestStaffDigest: the daily digest tells the owner of the orders issued and rejected that day.
func TestStaffDigest(t *testing.T) {
	s := apptest.New(t)
	sh := shopWith(t, s)
	ok := sh.order(t, "sandbox-dv", 12)
	bad := sh.order(t, "sandbox-dv", 12)
	for id, cn := range map[string]string{ok.ID: "good.example.com", bad.ID: "www.reject.test"} {
		if r := s.Call(t, "POST", "/api/v1/orders/"+id+"/configure", s.BillingKey, map[string]any{
			"generate_key": map[string]any{"common_name": cn}, "dcv_method": "dns"}); r.Status != 202 {
			t.Fatalf("configure %s: %d %s", cn, r.Status, r.Body)
		}
	}
	sh.waitFor(t, ok.ID, "issued")
	sh.waitFor(t, bad.ID, "rejected")
	n, err := s.App.Mail.SendDigests(t.Context(), s.App.System, s.URL)
	if err != nil || n != 1 {
		t.Fatalf("digests queued: %d, %v", n, err)
	}
	list, err := s.App.Mail.List(t.Context(), s.Tenant.ID, nil, uuid.Nil, 50)
	if err != nil {
		t.Fatal(err)
	}
	var digest *mail.Message
	for i := range list {
		if list[i].Template == "digest" {
			digest = &list[i]
		}
	}
	if digest == nil || digest.To != s.OwnerEmail || !strings.Contains(digest.Subject, "1 issued, 1 rejected") ||
		!strings.Contains(digest.Text, "good.example.com") || !strings.Contains(digest.Text, "www.reject.test") {
		t.Fatalf("digest: %+v", digest)
	}
}

// TestTenantOwnSMTP: a tenant's own server and sender carry its mail, replies go to its support
// address; bad settings are refused with the field and change nothing.
func TestTenantOwnSMTP(t *testing.T) {
	catcher, port := startSMTP(t, 0)
	s := apptest.New(t)
	sh := shopWith(t, s)
	bad := mail.SettingsInput{SupportEmail: "help", Host: "127.0.0.1", Port: "x", TLS: "sometimes", From: "nobody"}
	err := s.App.Mail.SaveSettings(t.Context(), s.Tenant, bad)
	e, ok := errs.As(err)
	if !ok || len(e.Fields) != 4 {
		t.Fatalf("bad settings: %v", err)
	}
	if tn, _ := s.App.Tenants.ByID(t.Context(), s.Tenant.ID); tn.Settings.SMTP != nil || tn.Settings.SupportEmail != "" {
		t.Fatalf("bad settings were stored: %+v", tn.Settings)
	}
	good := mail.SettingsInput{SupportEmail: "help@acme.test", ExpiryNotices: "20, 5", Host: "127.0.0.1", Port: strconv.Itoa(port), TLS: "none",
		From: "Acme Certificates <ssl@acme.test>"}
	if err := s.App.Mail.SaveSettings(t.Context(), s.Tenant, good); err != nil {
		t.Fatal(err)
	}
	tn, _ := s.App.Tenants.ByID(t.Context(), s.Tenant.ID)
	if got := tn.Settings.ExpirySchedule(); len(got) != 2 || got[0] != 20 {
		t.Fatalf("schedule %v", got)
	}
	sh.order(t, "sandbox-dv", 12)
	m := waitMail(t, catcher, "Set up your certificate")
	if m.from != "ssl@acme.test" || !strings.Contains(m.replyTo, "help@acme.test") {
		t.Fatalf("sent from %q, reply-to %q", m.from, m.replyTo)
	}
}
