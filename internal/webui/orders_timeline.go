package webui

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/sslreseller/sslreseller/internal/money"
	"github.com/sslreseller/sslreseller/internal/order"
	"github.com/sslreseller/sslreseller/internal/provider"
)

// timelineEntry is one line of an order's timeline as the detail page shows it.
type timelineEntry struct {
	At      time.Time
	Call    bool
	Title   string
	Actor   string
	From    string // status labels of a transition
	To      string
	ToClass string
	Facts   []fact
	Raw     string // the event's data, indented

	// Upstream calls.
	OK         bool
	Outcome    string
	DurationMS int
	HTTPStatus int
	Request    string
	Response   string
	Error      string
}

// fact is one labelled value of an event.
type fact struct {
	Label, Value string
	Mono         bool
}

// Icon picks the marker of the entry.
func (e timelineEntry) Icon() string {
	switch {
	case e.Call:
		return "code"
	case e.To != "":
		return "arrow-right"
	default:
		return "info"
	}
}

// Tone colours the marker.
func (e timelineEntry) Tone() string {
	switch {
	case e.Call && !e.OK:
		return "red"
	case e.Call:
		return "gray"
	case e.ToClass != "":
		return e.ToClass
	}
	return "blue"
}

var eventTitles = map[string]string{
	"email.sent":               "E-mail sent to the client",
	"email.kept":               "E-mail kept in the development mailbox",
	"email.failed":             "E-mail could not be delivered",
	"email.resend":             "E-mail sent again on request",
	"order.created":            "Order created",
	"order.activate":           "Activated by staff",
	"order.submit":             "Configuration submitted",
	"order.submitted":          "Accepted by the provider",
	"order.submit_invalid":     "The provider refused the request",
	"order.issue":              "Certificate issued",
	"order.reject":             "Rejected by the certificate authority",
	"order.reconfigure":        "Reconfigured by the client",
	"order.cancel":             "Cancelled",
	"order.needs_attention":    "Flagged for attention",
	"order.resume":             "Validation resumed",
	"order.revoke":             "Revoked",
	"order.expire":             "Term ended",
	"order.renew":              "Renewed",
	"order.reissue":            "Reissue requested",
	"order.change_dcv":         "Validation method changed",
	"order.resend_dcv":         "Validation e-mail sent again",
	"order.check":              "Checked with the provider",
	"order.reset":              "Validation checks restarted",
	"issuance.submitting":      "Request prepared for submission",
	"issuance.submitted":       "Request submitted to the provider",
	"issuance.failed":          "The provider refused the request",
	"issuance.rejected":        "Request rejected",
	"issuance.submit_deferred": "Submission deferred, will retry",
	"issuance.reconciled":      "Found at the provider after an interruption",
	"issuance.needs_attention": "Request needs attention",
	"issuance.reopened":        "Request reopened for reconciliation",
	"issuance.issued":          "Certificate collected",
}

// factKeys are the event fields worth a line, in the order shown.
var factKeys = []struct{ key, label string }{
	{"note", "Note"}, {"reason", "Reason"}, {"result", "Result"}, {"kind", "Kind"}, {"product", "Product"},
	{"period_months", "Period"}, {"price", "Price"}, {"domains_count", "Names"}, {"billing_reference", "Billing reference"},
	{"common_name", "Common name"}, {"names", "Names"}, {"server_type", "Server type"}, {"key_generated", "Key made by us"},
	{"provider_reference", "Provider reference"}, {"test", "Test certificate"}, {"serial", "Serial"},
	{"not_after", "Expires"}, {"term_ends_at", "Term ends"}, {"class", "Error class"}, {"outcome", "Outcome"},
	{"matched_by_reference", "Matched by our reference"},
	{"subject", "Subject"}, {"recipient", "To"}, {"error", "Error"},
}

func timelineEntries(list []order.Entry, providerTitle func(string) string) []timelineEntry {
	out := make([]timelineEntry, 0, len(list))
	for _, e := range list {
		if e.Call != nil {
			out = append(out, callEntry(e.Call, providerTitle(e.Call.Provider)))
			continue
		}
		out = append(out, eventEntry(e))
	}
	// Newest first: staff look for what happened last.
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.After(out[j].At) })
	return out
}

func callEntry(c *provider.LoggedCall, providerTitle string) timelineEntry {
	e := timelineEntry{At: c.StartedAt, Call: true, Title: providerTitle + " · " + c.Command,
		OK: c.Outcome == "ok", Outcome: c.Outcome, DurationMS: c.DurationMS, HTTPStatus: c.HTTPStatus,
		Request: prettyBody(c.Request), Response: prettyBody(c.Response), Error: c.Error}
	return e
}

func eventEntry(e order.Entry) timelineEntry {
	t := timelineEntry{At: e.At, Title: eventTitles[e.Action], Actor: e.Actor}
	if t.Title == "" {
		t.Title = sentence(strings.ReplaceAll(strings.TrimPrefix(strings.TrimPrefix(e.Action, "order."), "issuance."), "_", " "))
		t.Title = strings.TrimSuffix(t.Title, ".")
	}
	var data map[string]any
	if len(e.Data) > 0 && json.Unmarshal(e.Data, &data) == nil {
		if from, ok := data["from"].(string); ok {
			t.From = styleOf(order.Status(from)).Staff
		}
		if to, ok := data["to"].(string); ok {
			st := styleOf(order.Status(to))
			t.To, t.ToClass = st.Staff, st.Class
		}
		if s, ok := data["status"].(string); ok && e.Action == "order.created" {
			st := styleOf(order.Status(s))
			t.To, t.ToClass = st.Staff, st.Class
		}
		for _, k := range factKeys {
			v, ok := data[k.key]
			if !ok {
				continue
			}
			if s := factValue(k.key, v); s != "" {
				t.Facts = append(t.Facts, fact{Label: k.label, Value: s, Mono: k.key == "serial" || k.key == "provider_reference"})
			}
		}
		if b, err := json.MarshalIndent(data, "", "  "); err == nil && len(data) > 0 {
			t.Raw = string(b)
		}
	}
	return t
}

func factValue(key string, v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		if key == "not_after" || key == "term_ends_at" {
			if ts, err := time.Parse(time.RFC3339Nano, x); err == nil {
				return ts.Local().Format("Jan 2, 2006 15:04")
			}
		}
		if key == "server_type" {
			if l, ok := serverTypeLabels[x]; ok {
				return l
			}
		}
		return x
	case bool:
		if key == "test" && !x {
			return ""
		}
		if x {
			return "yes"
		}
		return "no"
	case float64:
		if key == "period_months" {
			return periodText(int(x))
		}
		return fmt.Sprint(x)
	case []any:
		parts := make([]string, 0, len(x))
		for _, p := range x {
			parts = append(parts, fmt.Sprint(p))
		}
		return strings.Join(parts, ", ")
	case map[string]any:
		if c, ok := x["currency"].(string); ok {
			if m, ok := x["amount_minor"].(float64); ok {
				return money.Amount{Currency: c, Minor: int64(m)}.String()
			}
		}
	}
	return ""
}
