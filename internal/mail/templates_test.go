package mail

import (
	"strings"
	"testing"

	"github.com/sslreseller/sslreseller/internal/platform/errs"
)

func TestDefaultTemplatesRender(t *testing.T) {
	for _, c := range catalogue {
		text, html := defaults(c.name)
		r, err := Preview(c.name, text, html)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if r.Subject == "" || strings.Contains(r.Text, "Subject:") || !strings.Contains(r.Text, "Bea Buyer") || !strings.Contains(r.HTML, "Bea Buyer") {
			t.Errorf("%s renders %q / %q", c.name, r.Subject, r.Text)
		}
	}
}

func TestPreviewNamesTheLine(t *testing.T) {
	cases := []struct {
		name, text, html, field, want string
	}{
		{"syntax error in text", "Subject: Hi\nline two\nHello {{.ClientName}\n", "<p>x</p>", "text", "Line 3:"},
		{"unknown field", "Subject: Hi\n\nHello {{.Nobody}}\n", "<p>x</p>", "text", "Line 3:"},
		{"no subject", "Hello\n", "<p>x</p>", "text", "Line 1:"},
		{"empty subject", "Subject: \nHello\n", "<p>x</p>", "text", "the subject is empty"},
		{"syntax error in html", "Subject: Hi\n", "<p>\n{{.RefundDue | nosuch}}\n</p>", "html", "Line 2: function \"nosuch\" not defined"},
	}
	for _, c := range cases {
		_, err := Preview("issued", c.text, c.html)
		e, ok := errs.As(err)
		if !ok || len(e.Fields) != 1 || e.Fields[0].Field != c.field || !strings.Contains(e.Fields[0].Detail, c.want) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	r, err := Preview("issued", "Subject: Issued {{.CommonName}}\nDone.", "<p>{{.ClientName}}</p>")
	if err != nil || r.Subject != "Issued www.example.com" || r.HTML != "<p>Bea Buyer</p>" {
		t.Fatalf("good template: %+v %v", r, err)
	}
}
