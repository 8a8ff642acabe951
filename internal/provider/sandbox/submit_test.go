package sandbox

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sslreseller/sslreseller/internal/pki"
	"github.com/sslreseller/sslreseller/internal/provider"
)

var (
	filePathRE    = regexp.MustCompile(`^/\.well-known/pki-validation/[0-9A-F]{32}\.txt$`)
	fileContentRE = regexp.MustCompile(`^[0-9a-f]{64}\nsandbox-dcv\.test$`)
	recordValueRE = regexp.MustCompile(`^[0-9a-f]{32}\.[0-9a-f]{32}\.sandbox-dcv\.test$`)
)

// checkInstructions fails unless d carries realistic instructions for its method.
func checkInstructions(tb testing.TB, d provider.DomainDCV) {
	tb.Helper()
	in := d.Instructions
	if in == nil || in.Method != d.Method {
		tb.Fatalf("%s: instructions %+v for method %s", d.Name, in, d.Method)
	}
	base := strings.TrimPrefix(d.Name, "*.")
	switch d.Method {
	case provider.DCVEmail:
		if in.Email != d.ApproverEmail || in.Email == "" {
			tb.Errorf("%s: e-mail instructions %+v", d.Name, in)
		}
	case provider.DCVHTTP:
		if !filePathRE.MatchString(in.FilePath) || in.FileURL != "http://"+base+in.FilePath || !fileContentRE.MatchString(in.FileContent) {
			tb.Errorf("%s: http instructions %+v", d.Name, in)
		}
	case provider.DCVDNS:
		if !regexp.MustCompile(`^_[0-9a-f]{32}\.`+regexp.QuoteMeta(base)+`$`).MatchString(in.RecordName) ||
			in.RecordType != "CNAME" || !recordValueRE.MatchString(in.RecordValue) {
			tb.Errorf("%s: dns instructions %+v", d.Name, in)
		}
	default:
		tb.Errorf("%s: method %q", d.Name, d.Method)
	}
}

func TestSubmitAccepts(t *testing.T) {
	t.Parallel()
	multi := []string{"example.com", "www.example.com", "shop.example.com", "api.example.org", "example.net"}
	tests := []struct {
		name string
		now  time.Time
		req  func(tb testing.TB) provider.Request
	}{
		{"dv by dns", today, func(tb testing.TB) provider.Request { return request(tb, "a1", ItemDV, "example.com") }},
		{"dv by http", today, func(tb testing.TB) provider.Request {
			r := request(tb, "a2", ItemDV, "www.example.com")
			r.DCV[0].Method = provider.DCVHTTP
			return r
		}},
		{"dv by e-mail to a parent", today, func(tb testing.TB) provider.Request {
			r := request(tb, "a3", ItemDV, "www.shop.example.com")
			r.DCV[0] = provider.DomainDCV{Name: "www.shop.example.com", Method: provider.DCVEmail, ApproverEmail: "Hostmaster@Example.com"}
			return r
		}},
		{"e-mail on the last day it is allowed", at(2028, time.March, 14, 23, 59, 59), func(tb testing.TB) provider.Request {
			r := request(tb, "a4", ItemDV, "example.com")
			r.DCV[0] = provider.DomainDCV{Name: "example.com", Method: provider.DCVEmail, ApproverEmail: "admin@example.com"}
			return r
		}},
		{"wildcard by dns", today, func(tb testing.TB) provider.Request {
			return request(tb, "a5", ItemDVWildcard, "*.example.com")
		}},
		{"wildcard by e-mail", today, func(tb testing.TB) provider.Request {
			r := request(tb, "a6", ItemDVWildcard, "*.example.com")
			r.DCV[0] = provider.DomainDCV{Name: "*.example.com", Method: provider.DCVEmail, ApproverEmail: "webmaster@example.com"}
			return r
		}},
		{"multi-domain with mixed methods", today, func(tb testing.TB) provider.Request {
			r := request(tb, "a7", ItemDVMulti, multi...)
			r.DCV[1].Method = provider.DCVHTTP
			r.DCV[3] = provider.DomainDCV{Name: "api.example.org", Method: provider.DCVEmail, ApproverEmail: "admin@api.example.org"}
			return r
		}},
		{"names from the CSR alone, dns by default", today, func(tb testing.TB) provider.Request {
			r := request(tb, "a8", ItemDVMulti, multi[:3]...)
			r.Names, r.CommonName, r.DCV = nil, "", nil
			return r
		}},
		{"names added to the CSR's", today, func(tb testing.TB) provider.Request {
			r := request(tb, "a9", ItemDVMulti, "example.com")
			r.Names = []string{"example.com", "www.example.com"}
			return r
		}},
		{"ov with organisation", today, func(tb testing.TB) provider.Request {
			return withOrg(request(tb, "a10", ItemOV, "example.com"))
		}},
		{"ev with organisation and matching level", today, func(tb testing.TB) provider.Request {
			r := withOrg(request(tb, "a11", ItemEV, "example.com"))
			r.Validation = provider.EV
			return r
		}},
		{"rsa key", today, func(tb testing.TB) provider.Request {
			r := request(tb, "a12", ItemDV, "example.com")
			r.CSR = newCSR(tb, pki.KeyRSA2048, "example.com")
			return r
		}},
		{"12 months", today, func(tb testing.TB) provider.Request {
			r := request(tb, "a13", ItemDV, "example.com")
			r.PeriodMonths = 12
			return r
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, today, nil)
			f.clock.Set(tt.now)
			req := tt.req(t)
			sub, err := f.a.Submit(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			if sub.Ref != "sbx-"+req.Ref || sub.State != provider.StatePending || sub.Test {
				t.Fatalf("submission %+v", sub)
			}
			info, err := pki.ParseCSR(req.CSR)
			if err != nil {
				t.Fatal(err)
			}
			wantNames := req.Names
			if len(wantNames) == 0 {
				wantNames = info.Names
			}
			if len(sub.DCV) != len(wantNames) {
				t.Fatalf("%d validations for %d names", len(sub.DCV), len(wantNames))
			}
			for i, d := range sub.DCV {
				if d.Name != wantNames[i] || d.Status != "pending" {
					t.Errorf("validation %d: %+v", i, d)
				}
				checkInstructions(t, d)
			}
			// The same reference answers the same: submission is idempotent.
			again, err := f.a.Submit(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(sub, again); diff != "" {
				t.Errorf("resubmission differs (-first +again):\n%s", diff)
			}
		})
	}
}

func TestSubmitInstructionsPerReference(t *testing.T) {
	t.Parallel()
	f := newFixture(t, today, nil)
	ctx := context.Background()
	a := request(t, "ref-a", ItemDV, "example.com")
	a.DCV[0].Method = provider.DCVHTTP
	b := a
	b.Ref = "ref-b"
	subA, err := f.a.Submit(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	subB, err := f.a.Submit(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	if subA.DCV[0].Instructions.FilePath == subB.DCV[0].Instructions.FilePath {
		t.Error("two submissions share a validation file")
	}
}

func TestSubmitRefuses(t *testing.T) {
	t.Parallel()
	tooMany := make([]string, 101)
	for i := range tooMany {
		tooMany[i] = fmt.Sprintf("host%d.example.com", i)
	}
	tests := []struct {
		name  string
		now   time.Time
		req   func(tb testing.TB) provider.Request
		field string
	}{
		{"weak key", today, func(tb testing.TB) provider.Request {
			r := request(tb, "b1", ItemDV, "example.com")
			r.CSR = weakCSR(tb, "example.com")
			return r
		}, "csr"},
		{"not a CSR", today, func(tb testing.TB) provider.Request {
			r := request(tb, "b2", ItemDV, "example.com")
			r.CSR = []byte("hello")
			return r
		}, "csr"},
		{"private key pasted", today, func(tb testing.TB) provider.Request {
			r := request(tb, "b3", ItemDV, "example.com")
			r.CSR = []byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
			return r
		}, "csr"},
		{"IP address in the CSR", today, func(tb testing.TB) provider.Request {
			r := request(tb, "b4", ItemDV, "example.com")
			r.CSR = ipCSR(tb, "example.com")
			return r
		}, "csr"},
		{"wildcard on a single-name item", today, func(tb testing.TB) provider.Request {
			return request(tb, "b5", ItemDV, "*.example.com")
		}, "domains"},
		{"wildcard on multi-domain", today, func(tb testing.TB) provider.Request {
			return request(tb, "b6", ItemDVMulti, "example.com", "*.example.org")
		}, "domains"},
		{"two names on a single-name item", today, func(tb testing.TB) provider.Request {
			return request(tb, "b7", ItemDV, "example.com", "www.example.com")
		}, "domains"},
		{"101 names on multi-domain", today, func(tb testing.TB) provider.Request {
			return request(tb, "b8", ItemDVMulti, tooMany...)
		}, "domains"},
		{"CSR name missing from the order's names", today, func(tb testing.TB) provider.Request {
			r := request(tb, "b9", ItemDVMulti, "example.com", "www.example.com")
			r.Names, r.DCV = []string{"example.com"}, r.DCV[:1]
			return r
		}, "domains"},
		{"common name not among the names", today, func(tb testing.TB) provider.Request {
			r := request(tb, "b10", ItemDV, "example.com")
			r.CommonName = "other.example.com"
			return r
		}, "domains"},
		{"internal name", today, func(tb testing.TB) provider.Request {
			r := request(tb, "b11", ItemDV, "example.com")
			r.Names = []string{"example.com", "intranet.local"}
			r.Item = ItemDVMulti
			return r
		}, "domains"},
		{"validation for a name not on the certificate", today, func(tb testing.TB) provider.Request {
			r := request(tb, "b12", ItemDV, "example.com")
			r.DCV = append(r.DCV, provider.DomainDCV{Name: "other.com", Method: provider.DCVDNS})
			return r
		}, "domains"},
		{"unknown item", today, func(tb testing.TB) provider.Request {
			r := request(tb, "b13", ItemDV, "example.com")
			r.Item = "sandbox-platinum"
			return r
		}, "item"},
		{"period not sold", today, func(tb testing.TB) provider.Request {
			r := request(tb, "b14", ItemDV, "example.com")
			r.PeriodMonths = 36
			return r
		}, "period_months"},
		{"no period", today, func(tb testing.TB) provider.Request {
			r := request(tb, "b15", ItemDV, "example.com")
			r.PeriodMonths = 0
			return r
		}, "period_months"},
		{"validation level of another item", today, func(tb testing.TB) provider.Request {
			r := request(tb, "b16", ItemDV, "example.com")
			r.Validation = provider.OV
			return r
		}, "validation"},
		{"approver not in the list", today, func(tb testing.TB) provider.Request {
			r := request(tb, "b17", ItemDV, "example.com")
			r.DCV[0] = provider.DomainDCV{Name: "example.com", Method: provider.DCVEmail, ApproverEmail: "ceo@example.com"}
			return r
		}, "approver_email"},
		{"approver at another domain", today, func(tb testing.TB) provider.Request {
			r := request(tb, "b18", ItemDV, "example.com")
			r.DCV[0] = provider.DomainDCV{Name: "example.com", Method: provider.DCVEmail, ApproverEmail: "admin@example.org"}
			return r
		}, "approver_email"},
		{"approver at the public suffix", today, func(tb testing.TB) provider.Request {
			r := request(tb, "b19", ItemDV, "example.com")
			r.DCV[0] = provider.DomainDCV{Name: "example.com", Method: provider.DCVEmail, ApproverEmail: "admin@com"}
			return r
		}, "approver_email"},
		{"no approver", today, func(tb testing.TB) provider.Request {
			r := request(tb, "b20", ItemDV, "example.com")
			r.DCV[0] = provider.DomainDCV{Name: "example.com", Method: provider.DCVEmail}
			return r
		}, "approver_email"},
		{"e-mail validation from 2028-03-15", at(2028, time.March, 15, 0, 0, 0), func(tb testing.TB) provider.Request {
			r := request(tb, "b21", ItemDV, "example.com")
			r.DCV[0] = provider.DomainDCV{Name: "example.com", Method: provider.DCVEmail, ApproverEmail: "admin@example.com"}
			return r
		}, "dcv_method"},
		{"http file for a wildcard", today, func(tb testing.TB) provider.Request {
			r := request(tb, "b22", ItemDVWildcard, "*.example.com")
			r.DCV[0].Method = provider.DCVHTTP
			return r
		}, "dcv_method"},
		{"unknown method", today, func(tb testing.TB) provider.Request {
			r := request(tb, "b23", ItemDV, "example.com")
			r.DCV[0].Method = "carrier-pigeon"
			return r
		}, "dcv_method"},
		{"ov without organisation", today, func(tb testing.TB) provider.Request {
			return request(tb, "b24", ItemOV, "example.com")
		}, "contacts.organization.name"},
		{"ev without country", today, func(tb testing.TB) provider.Request {
			r := withOrg(request(tb, "b25", ItemEV, "example.com"))
			r.Contacts.Organization.Country = "United Kingdom"
			return r
		}, "contacts.organization.address.country"},
		{"no reference", today, func(tb testing.TB) provider.Request {
			return request(tb, "", ItemDV, "example.com")
		}, "ref"},
		{"reference with a space", today, func(tb testing.TB) provider.Request {
			return request(tb, "a b", ItemDV, "example.com")
		}, "ref"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, today, nil)
			f.clock.Set(tt.now)
			sub, err := f.a.Submit(context.Background(), tt.req(t))
			if sub != nil {
				t.Fatalf("accepted: %+v", sub)
			}
			pe := wantProviderError(t, err, provider.Invalid, tt.field)
			if pe.Command != "Submit" {
				t.Errorf("command %q", pe.Command)
			}
		})
	}
}

func TestApproverEmails(t *testing.T) {
	t.Parallel()
	addrs := func(domains ...string) []string {
		var out []string
		for _, d := range domains {
			for _, lp := range []string{"admin", "administrator", "hostmaster", "postmaster", "webmaster"} {
				out = append(out, lp+"@"+d)
			}
		}
		return out
	}
	tests := []struct {
		name, item, domain string
		want               []string
		field              string
	}{
		{"registered domain", ItemDV, "example.com", addrs("example.com"), ""},
		{"subdomain and its parents", ItemDVMulti, "www.shop.example.com", addrs("www.shop.example.com", "shop.example.com", "example.com"), ""},
		{"wildcard label dropped", ItemDVWildcard, "*.shop.example.com", addrs("shop.example.com", "example.com"), ""},
		{"upper case", "", "WWW.Example.COM", addrs("www.example.com", "example.com"), ""},
		{"not a domain", ItemDV, "not a domain", nil, "domain"},
		{"bare top-level domain", ItemDV, "com", nil, "domain"},
		{"unknown item", "sandbox-gold", "example.com", nil, "item"},
	}
	f := newFixture(t, today, nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := f.a.ApproverEmails(context.Background(), tt.item, tt.domain)
			if tt.field != "" {
				wantProviderError(t, err, provider.Invalid, tt.field)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("approvers (-want +got):\n%s", diff)
			}
		})
	}
}
