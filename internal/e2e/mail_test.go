package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/google/uuid"
)

// TestStaffReadMailboxAndResend: with no SMTP server the client's e-mails stay in the development
// mailbox; staff read the configuration e-mail there, see it on the order, and send it again.
func TestStaffReadMailboxAndResend(t *testing.T) {
	sh := newOrderShop(t, "1h")
	o := sh.order(t, "sandbox-dv")

	b := newBrowser(t, sh.s.URL, "mail")
	b.staffSignIn(sh.s)
	b.visit("/t/acme/admin/emails", ".page-header", "mailbox")
	b.reloadUntil(".content", "Set up your certificate", 20*time.Second)
	b.shot("mailbox-kept")
	list := strings.ToLower(b.text(".content"))
	for _, want := range []string{"development mailbox", "bea@example.com", "in mailbox", "configure_link"} {
		if !strings.Contains(list, want) {
			t.Errorf("mailbox lacks %q: %q", want, list)
		}
	}

	b.do("open the message", chromedp.Click(chromedp.CSS("a.row-title")), chromedp.WaitVisible(chromedp.CSS(".mail-body")))
	b.shot("message")
	if body := b.text(".mail-body"); !strings.Contains(body, o.ConfigureURL) || !strings.Contains(body, "Hello Bea Buyer") {
		t.Errorf("message body lacks the configuration link %s: %q", o.ConfigureURL, body)
	}

	b.visit("/t/acme/admin/orders/"+o.ID, "#emails", "order-emails")
	if got := strings.ToLower(b.text("#emails")); !strings.Contains(got, "set up your certificate") || !strings.Contains(got, "in mailbox") {
		t.Errorf("order e-mails: %q", got)
	}
	b.do("send the link again", chromedp.Click(chromedp.CSS(`#emails form[action$="/email-link"] button`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	if flash := b.text(".flash"); !strings.Contains(flash, "on its way") {
		t.Errorf("no confirmation after resend: %q", flash)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		b.do("reload the order", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("#emails")))
		if strings.Count(strings.ToLower(b.text("#emails")), "in mailbox") == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the resent e-mail did not arrive: %q", b.text("#emails"))
		}
		time.Sleep(300 * time.Millisecond)
	}
	b.shot("order-emails-resent")
	if tl := b.text("#timeline"); !strings.Contains(tl, "E-mail kept in the development mailbox") || !strings.Contains(tl, "E-mail sent again on request") {
		t.Errorf("timeline lacks the e-mails: %q", tl)
	}

	// The client, on the configuration page, asks for the link by e-mail too.
	b.visit(strings.TrimPrefix(o.ConfigureURL, sh.s.URL), "#email-link-form", "client-wizard")
	b.do("e-mail me this link", chromedp.Click(chromedp.CSS("#email-link-form button")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	if got := b.text(".flash"); !strings.Contains(got, "on its way") {
		t.Errorf("client resend: %q", got)
	}
	oid := uuid.MustParse(o.ID)
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		list, err := sh.s.App.Mail.List(t.Context(), sh.s.Tenant.ID, &oid, uuid.Nil, 50)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) == 3 && list[0].Status == "kept" && list[0].Template == "configure_link" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the client's request the order has %d e-mails", len(list))
		}
	}
}

// TestStaffRewordEmail: an owner rewords the configuration e-mail; a template with a syntax error
// comes back with the line and is not saved; the preview shows the new wording, and the next order's
// e-mail uses it.
func TestStaffRewordEmail(t *testing.T) {
	sh := newOrderShop(t, "1h")
	b := newBrowser(t, sh.s.URL, "mail-templates")
	b.staffSignIn(sh.s)
	b.visit("/t/acme/admin/emails/templates", ".table", "templates")
	if got := b.text(".table"); !strings.Contains(got, "Configuration link") || !strings.Contains(got, "Certificate issued") {
		t.Fatalf("templates list: %q", got)
	}
	b.visit("/t/acme/admin/emails/templates/configure_link", "#f-text", "template-default")
	if got := b.text("#preview"); !strings.Contains(got, "Set up your certificate for DV certificate") {
		t.Errorf("default preview: %q", got)
	}

	broken := "Subject: Welcome {{.ClientName}}\nHi {{.ClientName}},\nyour link: {{.ConfigureURL\n"
	b.do("save a broken template", chromedp.SetValue(chromedp.CSS("#f-text"), broken),
		chromedp.Click(chromedp.CSS(`button[value=save]`)), chromedp.WaitVisible(chromedp.CSS("#f-text-error")))
	b.shot("template-error")
	if got := b.text("#f-text-error"); !strings.Contains(got, "Line 3") && !strings.Contains(got, "line 3") {
		t.Errorf("the error does not name line 3: %q", got)
	}
	if got := run(b, "read the text", chromedp.Value(chromedp.CSS("#f-text"))); !strings.Contains(got, "{{.ConfigureURL\n") {
		t.Errorf("the typed template was not kept: %q", got)
	}

	good := "Subject: Welcome aboard, {{.ClientName}}\nHi {{.ClientName}},\nset up your certificate here: {{.ConfigureURL}}\n"
	b.do("preview", chromedp.SetValue(chromedp.CSS("#f-text"), good),
		chromedp.Click(chromedp.CSS(`button[value=preview]`)), chromedp.WaitVisible(chromedp.CSS(".tpl-subject")))
	if got := b.text("#preview"); !strings.Contains(got, "Welcome aboard, Bea Buyer") {
		t.Errorf("preview: %q", got)
	}
	b.do("save", chromedp.Click(chromedp.CSS(`button[value=save]`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	b.shot("template-saved")

	// Settings: a bad support address is refused next to its field; a good one is kept.
	b.visit("/t/acme/admin/emails/settings", "#email-settings", "settings")
	b.do("bad support address", fill("#f-support-email", "help"), chromedp.Click(chromedp.CSS("#email-settings .btn-primary")),
		chromedp.WaitVisible(chromedp.CSS("#f-support-email-error")))
	b.shot("settings-error")
	b.do("good support address", fill("#f-support-email", "help@acme.test"), chromedp.Click(chromedp.CSS("#email-settings .btn-primary")),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	if tn, _ := sh.s.App.Tenants.ByID(t.Context(), sh.s.Tenant.ID); tn.Settings.SupportEmail != "help@acme.test" {
		t.Errorf("support address %q", tn.Settings.SupportEmail)
	}

	o := sh.order(t, "sandbox-dv")
	b.visit("/t/acme/admin/emails", ".page-header", "mailbox")
	b.reloadUntil(".content", "Welcome aboard, Bea Buyer", 20*time.Second)
	b.do("open the message", chromedp.Click(chromedp.CSS("a.row-title")), chromedp.WaitVisible(chromedp.CSS(".mail-body")))
	if body := b.text(".mail-body"); !strings.Contains(body, o.ConfigureURL) {
		t.Errorf("the reworded e-mail lacks the link: %q", body)
	}
}

// reloadUntil reloads the page until the element's text contains want.
func (b *browser) reloadUntil(sel, want string, within time.Duration) {
	b.t.Helper()
	deadline := time.Now().Add(within)
	for {
		if strings.Contains(b.text(sel), want) {
			return
		}
		if time.Now().After(deadline) {
			b.shot("failed-reload-until")
			b.t.Fatalf("%s never showed %q: %q", sel, want, b.text(sel))
		}
		time.Sleep(300 * time.Millisecond)
		b.do("reload", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(sel)))
	}
}
