package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestStaffReadMailboxAndResend: with no SMTP server the client's e-mails stay in the development
// mailbox; staff read the configuration e-mail there, see it on the order, and send it again.
func TestStaffReadMailboxAndResend(t *testing.T) {
	sh := newOrderShop(t, "1h")
	o := sh.order(t, "sandbox-dv")

	b := newBrowser(t, sh.s.URL, "mail")
	b.staffSignIn(sh.s)
	b.visit("/t/acme/admin/emails", ".page-header", "mailbox")
	b.waitText(".table", "Set up your certificate", 20*time.Second)
	b.do("reload the mailbox", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(".badge")))
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
}
