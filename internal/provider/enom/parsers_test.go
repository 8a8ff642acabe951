package enom

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sslreseller/sslreseller/internal/provider"
)

// wantErr checks a parser error's class (and optional field), or no error when class is "".
func wantErr(tb testing.TB, err error, class provider.Class, field string) {
	tb.Helper()
	if class == "" {
		if err != nil {
			tb.Fatalf("unexpected error: %v", err)
		}
		return
	}
	var pe *provider.Error
	if !errors.As(err, &pe) {
		tb.Fatalf("error %v (%T), want class %s", err, err, class)
	}
	if pe.Class != class {
		tb.Fatalf("class %s (%v), want %s", pe.Class, pe, class)
	}
	if field != "" && pe.Field != field {
		tb.Fatalf("field %q (%v), want %q", pe.Field, pe, field)
	}
}

func TestParseGetBalance(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		body  string
		want  *Balance
		class provider.Class
	}{
		{"xml with thousands", sampleBalanceXML, &Balance{Balance: 226165, Available: 193950, Currency: "USD"}, ""},
		{"text colon lines negative", sampleBalanceColonText, &Balance{Balance: -183223, Available: 619337, Currency: "USD"}, ""},
		{"text equals crlf", sampleBalanceEqualsCRLF, &Balance{Balance: 1000, Available: 950, Currency: "USD"}, ""},
		{"only available", "<interface-response><AvailableBalance>5.00</AvailableBalance><ErrCount>0</ErrCount><Done>true</Done></interface-response>",
			&Balance{Balance: 500, Available: 500, Currency: "USD"}, ""},
		{"no balance", "<interface-response><ErrCount>0</ErrCount><Done>true</Done></interface-response>", nil, provider.Temporary},
		{"bad login", sampleBadLoginXML, nil, provider.Auth},
		{"ip refused without done", sampleIPRefused, nil, provider.Auth},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := parseGetBalance([]byte(tt.body))
			wantErr(t, err, tt.class, "")
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("balance (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseGetCerts(t *testing.T) {
	t.Parallel()
	rapid := Product{Code: "certificate-rapidssl-rapidssl", Type: 23, Description: "SSL Certificate - RapidSSL", QtyDesc: "Year(s)",
		ResellerPrice: 995, HasResellerPrice: true, RetailPrice: 1995, HasRetailPrice: true, Enabled: true}
	quick := Product{Code: "certificate-geotrust-quickssl", Type: 26, Description: "SSL Certificate - GeoTrust QuickSSL",
		ResellerPrice: 6900, HasResellerPrice: true, RetailPrice: 12500, HasRetailPrice: true, Enabled: true}
	with := func(p Product, years ...int) Product { p.Years = years; return p }
	tests := []struct {
		name string
		body string
		want *Catalogue
	}{
		{"nested xml", sampleGetCertsXML, &Catalogue{Reseller: true, Products: []Product{
			with(rapid, 1, 2, 3, 4, 5), quick,
			{Code: "certificate-comodo-ev", Type: 221, Description: "SSL Certificate - Comodo EV", ResellerPrice: 114900,
				HasResellerPrice: true, Enabled: false, Years: []int{1, 2}},
		}}},
		{"vendor sample with lost tags", sampleGetCertsVendor, &Catalogue{Reseller: true, Products: []Product{with(rapid, 1, 2), quick}}},
		{"text colon lines", sampleGetCertsText, &Catalogue{Reseller: true, Products: []Product{
			with(Product{Code: "certificate-rapidssl-rapidssl", Type: 23, Description: "SSL Certificate - RapidSSL", QtyDesc: "Year(s)",
				ResellerPrice: 995, HasResellerPrice: true, RetailPrice: 1595, HasRetailPrice: true, Enabled: true}, 1, 2),
			{Code: "certificate-geotrust-quickssl", Type: 26, Description: "SSL Certificate - GeoTrust QuickSSL",
				ResellerPrice: 6900, HasResellerPrice: true, RetailPrice: 8900, HasRetailPrice: true, Enabled: true},
		}}},
		{"empty list", "<interface-response><CertCount>0</CertCount><ErrCount>0</ErrCount><Done>true</Done></interface-response>", &Catalogue{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := parseGetCerts([]byte(tt.body))
			wantErr(t, err, "", "")
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("catalogue (-want +got):\n%s", diff)
			}
		})
	}
}

func TestProductCost(t *testing.T) {
	t.Parallel()
	p := Product{ResellerPrice: 995, HasResellerPrice: true, Years: []int{1, 2}}
	tests := []struct {
		name  string
		p     Product
		years int
		want  int64
		ok    bool
	}{
		{"one year", p, 1, 995, true},
		{"two years", p, 2, 1990, true},
		{"not on sale", p, 3, 0, false},
		{"no price", Product{Years: []int{1}}, 1, 0, false},
		{"no years listed", Product{ResellerPrice: 100, HasResellerPrice: true}, 4, 400, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.p.Cost(tt.years)
			if got != tt.want || ok != tt.ok {
				t.Errorf("Cost(%d) = %d, %v; want %d, %v", tt.years, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestParsePurchaseServices(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		body    string
		want    *Purchase
		class   provider.Class
		unknown bool
	}{
		{"ok", samplePurchaseServices, &Purchase{CertID: "726340", OrderID: "267562071"}, "", false},
		{"success without cert id", samplePurchaseNoCertID, nil, provider.Temporary, true},
		{"success false", strings.Replace(samplePurchaseServices, "<Success>True", "<Success>False", 1), nil, provider.Temporary, true},
		{"insufficient funds", sampleInsufficientFunds, nil, provider.Temporary, false},
		{"truncated", samplePurchaseServices[:120], nil, provider.Temporary, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := parsePurchaseServices([]byte(tt.body))
			wantErr(t, err, tt.class, "")
			if errors.Is(err, ErrOutcomeUnknown) != tt.unknown {
				t.Errorf("outcome unknown = %v, want %v (%v)", !tt.unknown, tt.unknown, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("purchase (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseCertGetCerts(t *testing.T) {
	t.Parallel()
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		name string
		body string
		want *CertList
	}{
		{"vendor sample", sampleCertGetCerts, &CertList{StartPosition: 1, PageSize: 2, TotalRecords: 105, Certs: []CertSummary{
			{CertID: "726340", OrderID: "267562071", DomainName: "buditest.com", ProdType: 23, ProdDesc: "SSL Certificate - RapidSSL",
				OrderDate: day(2016, 12, 15), ExpirationDate: day(2017, 12, 15), ValidityMonths: 12,
				StatusID: "7", StatusText: "Cert Issued", Status: StatusIssued},
			{CertID: "435118", OrderID: "237772242", DomainName: "buditest.com", ProdType: 23, ProdDesc: "SSL Certificate - RapidSSL",
				OrderDate: day(2013, 12, 9), ExpirationDate: day(2014, 12, 9), ValidityMonths: 12, IsExpired: true,
				StatusID: "1", StatusText: "Awaiting Configuration", Status: StatusAwaitingConfiguration},
		}}},
		{"text rows", sampleCertGetCertsText, &CertList{TotalRecords: 2, Certs: []CertSummary{
			{CertID: "11", OrderDate: day(2026, 1, 2), DomainName: "a.example.com", StatusID: "2", StatusText: "Processing", Status: StatusPending},
			{CertID: "12", DomainName: "b.example.com", StatusID: "4", StatusText: "Certificate Issued", IsExpired: true, Status: StatusExpired},
		}}},
		{"no rows", "<interface-response><CertGetCerts><Certs><TotalRecords>0</TotalRecords></Certs></CertGetCerts><ErrCount>0</ErrCount><Done>true</Done></interface-response>",
			&CertList{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := parseCertGetCerts([]byte(tt.body))
			wantErr(t, err, "", "")
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("list (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseCertConfigureCert(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		body  string
		want  *ConfigureResult
		class provider.Class
		field string
	}{
		{"approvers", sampleConfigure, &ConfigureResult{CertID: "725899", ProdType: 23,
			CSR:       CSRData{DomainName: "resellerdocs.com", Organization: "rightside.co", OrganizationUnit: "dev", Locality: "kirkland", State: "wa", Country: "US"},
			Approvers: []Approver{{Email: "admin@resellerdocs.com", Type: "Domain"}, {Email: "webmaster@resellerdocs.com", Type: "Generic"}},
		}, "", ""},
		{"dns instructions", sampleConfigureDNS, &ConfigureResult{CertID: "726216", ProdType: 286,
			Validation: DomainValidation{Method: "DNS", DNSEntry: "@", DNSType: "TXT",
				DNSAddress: "20170303210335hi8lp217ob29a2f4vh4joryuhiy3iv8qymsrvb2312922kcfe", DNSHostUpdated: true}}, "", ""},
		{"csr not read", strings.Replace(sampleConfigure, "<Success>True</Success>\n   <Organization>", "<Success>False</Success>\n   <Organization>", 1),
			nil, provider.Invalid, "csr"},
		{"csr error", `<interface-response><ErrCount>1</ErrCount><errors><Err1>Invalid CSR: bad signature</Err1></errors><responses><response>
			<ResponseNumber>304397</ResponseNumber></response></responses></interface-response>`, nil, provider.Invalid, "csr"},
		{"bad phone", `<interface-response><ErrCount>1</ErrCount><errors><Err1>Invalid phone number format for TechPhone</Err1></errors>
			<responses><response><ResponseNumber>304067</ResponseNumber></response></responses><Done>true</Done></interface-response>`,
			nil, provider.Invalid, "phone"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := parseCertConfigureCert([]byte(tt.body))
			wantErr(t, err, tt.class, tt.field)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseCertGetApproverEmail(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		body  string
		want  []Approver
		class provider.Class
	}{
		{"vendor casing and cdata", sampleApprovers, []Approver{{Email: "admin@buditest.com", Type: "Domain"}, {Email: "hostmaster@buditest.com", Type: "Generic"}}, ""},
		{"text lines", sampleApproversText, []Approver{{Email: "admin@t.example.com"}, {Email: "webmaster@example.com"}}, ""},
		{"success false", strings.Replace(sampleApprovers, "<Success>True", "<Success>false", 1), nil, provider.Invalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := parseCertGetApproverEmail([]byte(tt.body))
			wantErr(t, err, tt.class, "")
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("approvers (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseCertParseCSR(t *testing.T) {
	t.Parallel()
	got, err := parseCertParseCSR([]byte(sampleParseCSR))
	wantErr(t, err, "", "")
	want := &CSRData{DomainName: "buditest.com", Organization: "rightside.co", OrganizationUnit: "dev", Locality: "kirkland", State: "wa", Country: "US"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("csr data (-want +got):\n%s", diff)
	}
	_, err = parseCertParseCSR([]byte(strings.Replace(sampleParseCSR, "<Success>True", "<Success>False", 1)))
	wantErr(t, err, provider.Invalid, "csr")
	_, err = parseCertParseCSR([]byte(strings.Replace(sampleParseCSR, "<HasBadExtensions>False", "<HasBadExtensions>TRUE", 1)))
	wantErr(t, err, "", "")
}

func TestParseCertPurchaseCert(t *testing.T) {
	t.Parallel()
	got, err := parseCertPurchaseCert([]byte(samplePurchaseCert))
	wantErr(t, err, "", "")
	want := &PurchaseCertResult{CertID: "48455", GeoTrustOrderID: "14228176", Validation: DomainValidation{ApproverEmail: "admin@buditest.com"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
	_, err = parseCertPurchaseCert([]byte(strings.Replace(samplePurchaseCert, "<Success>True", "<Success>False", 1)))
	wantErr(t, err, provider.Rejected, "")
	_, err = parseCertPurchaseCert([]byte(`<interface-response><ErrCount>1</ErrCount><errors><Err1>The certificate authority declined the order for x.com</Err1></errors>
		<responses><response><ResponseNumber>714397</ResponseNumber></response></responses><Done>true</Done></interface-response>`))
	wantErr(t, err, provider.Rejected, "")
}

func TestParseCertGetCertDetail(t *testing.T) {
	t.Parallel()
	t.Run("vendor sample", func(t *testing.T) {
		t.Parallel()
		got, err := parseCertGetCertDetail([]byte(sampleCertDetail))
		wantErr(t, err, "", "")
		want := &CertDetail{
			CertID: "726347", OrderID: "267562392", DomainName: "buditest.com", ProdType: 286, ProdDesc: "Symantec Encryption Everywhere",
			StatusID: "1", StatusText: "Awaiting Configuration", Status: StatusAwaitingConfiguration,
			OrderDate:       time.Date(2016, 12, 15, 17, 13, 2, 0, time.UTC),
			ExpirationDate:  time.Date(2017, 12, 15, 17, 13, 2, 0, time.UTC),
			ValidityMonths:  12,
			Validation:      DomainValidation{Method: "DNS", DNSEntry: "s23lxkrm431e2d23d1188qij441a", DNSAddress: "s20201215064552.buditest.com"},
			CertificatePEM:  testCertPEM,
			ChainPEM:        "-----BEGIN CERTIFICATE-----\nMIIBICA=\n-----END CERTIFICATE-----\n",
			CSR:             "-----BEGIN NEW CERTIFICATE REQUEST-----\nMIIBCSR=\n-----END NEW CERTIFICATE REQUEST-----\n",
			WebServerTypeID: 18, WebServerTypeName: "Other",
			Admin: Contact{FirstName: "John", LastName: "Smith", Organization: "Rightside", JobTitle: "Dev", Province: "BC",
				Phone: "+1.4252744500", Email: "john@buditest.com"},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("detail (-want +got):\n%s", diff)
		}
	})
	t.Run("issued utf-16 label crlf", func(t *testing.T) {
		t.Parallel()
		got, err := parseCertGetCertDetail([]byte(sampleCertDetailIssued))
		wantErr(t, err, "", "")
		if got.Status != StatusIssued || got.CertificatePEM != testCertPEM ||
			got.ChainPEM != "-----BEGIN CERTIFICATE-----\nMIICA==\n-----END CERTIFICATE-----\n" ||
			!got.ExpirationDate.Equal(time.Date(2026, 10, 18, 9, 0, 0, 0, time.UTC)) ||
			strings.Join(got.DomainList, ",") != "shop.example.com,www.shop.example.com" {
			t.Errorf("detail %+v", got)
		}
	})
	t.Run("issued without certificate is pending", func(t *testing.T) {
		t.Parallel()
		body := strings.Replace(sampleCertDetailIssued, testCertPEM, "", 1)
		got, err := parseCertGetCertDetail([]byte(body))
		wantErr(t, err, "", "")
		if got.Status != StatusPending {
			t.Errorf("status %s", got.Status)
		}
	})
	t.Run("unknown cert", func(t *testing.T) {
		t.Parallel()
		_, err := parseCertGetCertDetail([]byte(`<interface-response><ErrCount>1</ErrCount><errors><Err1>Certificate not found: CertID 9</Err1></errors>
			<responses><response><ResponseNumber>316397</ResponseNumber></response></responses><Done>true</Done></interface-response>`))
		wantErr(t, err, provider.NotFound, "")
	})
}

func TestParseSmallResponses(t *testing.T) {
	t.Parallel()
	t.Run("reissue without root", func(t *testing.T) {
		got, err := parseCertReissueCert([]byte(sampleReissue))
		wantErr(t, err, "", "")
		if diff := cmp.Diff(&ReissueResult{}, got); diff != "" {
			t.Errorf("reissue (-want +got):\n%s", diff)
		}
	})
	t.Run("reissue refused", func(t *testing.T) {
		_, err := parseCertReissueCert([]byte(`<interface-response><ErrCount>1</ErrCount><errors><Err1>CertReissueCert is available for Symantec, VeriSign and GeoTrust certificates only</Err1></errors>
			<responses><response><ResponseNumber>715397</ResponseNumber></response></responses><Done>true</Done></interface-response>`))
		wantErr(t, err, provider.Unsupported, "")
	})
	t.Run("reissue success false", func(t *testing.T) {
		_, err := parseCertReissueCert([]byte(strings.Replace(sampleReissue, "<Success>True", "<Success>False", 1)))
		wantErr(t, err, provider.Rejected, "")
	})
	t.Run("modify order", func(t *testing.T) {
		got, err := parseCertModifyOrder([]byte(sampleModifyOrder))
		wantErr(t, err, "", "")
		if got != "48455" {
			t.Errorf("cert id %q", got)
		}
	})
	t.Run("change approver", func(t *testing.T) {
		got, err := parseApproverChange(cmdCertChangeApproverEmail, []byte(sampleChangeApprover))
		wantErr(t, err, "", "")
		if got != "webmaster@buditest.com" {
			t.Errorf("approver %q", got)
		}
	})
	t.Run("resend approver", func(t *testing.T) {
		got, err := parseApproverChange(cmdCertResendApproverEmail, []byte(sampleResendApprover))
		wantErr(t, err, "", "")
		if got != "admin@buditest.com" {
			t.Errorf("approver %q", got)
		}
	})
	t.Run("change approver refused", func(t *testing.T) {
		_, err := parseApproverChange(cmdCertChangeApproverEmail, []byte(strings.Replace(sampleChangeApprover, "<Success>true", "<Success>False", 1)))
		wantErr(t, err, provider.Invalid, "approver_email")
	})
}

func TestDecodeMalformed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
	}{
		{"empty", ""},
		{"whitespace", " \r\n\t"},
		{"html error page", "<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>"},
		{"json", `{"error":"nope"}`},
		{"truncated xml", sampleBalanceXML[:200]},
		{"truncated inside a tag", sampleBalanceXML[:len(sampleBalanceXML)-60] + "<Don"},
		{"no done", strings.Replace(sampleBalanceXML, "<Done>true</Done>", "", 1)},
		{"done false", strings.Replace(sampleBalanceXML, "<Done>true</Done>", "<Done>false</Done>", 1)},
		{"errcount not a number", strings.Replace(sampleBalanceXML, "<ErrCount>0</ErrCount>", "<ErrCount>zero</ErrCount>", 1)},
		{"truncated text", sampleBalanceEqualsCRLF[:60]},
		{"binary", "\x00\x01\x02\xff\xfe"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := parseGetBalance([]byte(tt.body))
			wantErr(t, err, provider.Temporary, "")
			if !errors.Is(err, ErrOutcomeUnknown) {
				t.Errorf("malformed body not marked outcome-unknown: %v", err)
			}
			if !strings.Contains(err.Error(), "could not be read") {
				t.Errorf("message %q does not say the answer was unreadable", err.Error())
			}
		})
	}
}

func TestDecodeOddButLegal(t *testing.T) {
	t.Parallel()
	utf16 := func(s string) []byte {
		b := []byte{0xFF, 0xFE}
		for _, r := range s {
			b = append(b, byte(r), byte(r>>8))
		}
		return b
	}
	tests := []struct {
		name string
		body []byte
		want int64
	}{
		{"utf-8 bom", append([]byte{0xEF, 0xBB, 0xBF}, sampleBalanceXML...), 226165},
		{"utf-16 bytes with bom", utf16(strings.Replace(sampleBalanceXML, `encoding="utf-8"`, `encoding="utf-16"`, 1)), 226165},
		{"utf-16 label on utf-8 bytes", []byte(strings.Replace(sampleBalanceXML, `encoding="utf-8"`, `encoding="utf-16"`, 1)), 226165},
		{"latin-1 bytes", []byte("<interface-response><Note>caf\xe9</Note><Balance>1.00</Balance><ErrCount>0</ErrCount><Done>true</Done></interface-response>"), 100},
		{"mixed case names", []byte("<Interface-Response><BALANCE>2.00</BALANCE><errcount>0</errcount><DONE>TRUE</DONE></interface-RESPONSE>"), 200},
		{"end tag in other case", []byte("<interface-response><Balance>3.00</balance><ErrCount>0</errcount><Done>true</done></interface-response>"), 300},
		{"extra whitespace and unknown fields", []byte("\n\n  <interface-response>\n <Future a='1'><X/></Future>\n <Balance>\n  4.00 \n</Balance> <ErrCount> 0 </ErrCount>\n <Done> true </Done></interface-response>\n\n"), 400},
		{"html entity", []byte("<interface-response><Site>e&nbsp;Nom &amp; co</Site><Balance>5.00</Balance><ErrCount>0</ErrCount><Done>true</Done></interface-response>"), 500},
		{"control character", []byte("<interface-response><Site>a\x01b</Site><Balance>6.00</Balance><ErrCount>0</ErrCount><Done>true</Done></interface-response>"), 600},
		{"text cr only", []byte("Balance=7.00\rErrCount=0\rDone=true\r"), 700},
		{"text key colon value", []byte("Balance : 8.00\nErrCount: 0\nDone: True\n"), 800},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := parseGetBalance(tt.body)
			wantErr(t, err, "", "")
			if got.Balance != tt.want {
				t.Errorf("balance %d, want %d", got.Balance, tt.want)
			}
		})
	}
}

func TestParseTextPEM(t *testing.T) {
	t.Parallel()
	body := "CertStatusID=4\r\nCertStatus=Certificate Issued\r\nSSLCertificate=-----BEGIN CERTIFICATE-----\r\nMIIBfzCCASWgAwIBAgIQV9OHOE3c6nT93ARUn2LWozAK\r\n" +
		"BggqhkjOPQQDAjAA\r\n-----END CERTIFICATE-----\r\nCACerts=\r\nErrCount=0\r\nDone=true\r\n"
	got, err := parseCertGetCertDetail([]byte(body))
	wantErr(t, err, "", "")
	if got.CertificatePEM != testCertPEM || got.Status != StatusIssued {
		t.Errorf("detail %+v", got)
	}
}

func TestCleanPEM(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"empty", "", ""},
		{"markers only", "-----BEGIN RSA PRIVATE KEY-----\n  -----END RSA PRIVATE KEY-----", ""},
		{"one line", "-----BEGIN CERTIFICATE----- QUJD -----END CERTIFICATE-----", "-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----\n"},
		{"indented crlf", "  -----BEGIN CERTIFICATE-----\r\n   QUJD\r\n   REVG\r\n  -----END CERTIFICATE-----\r\n", "-----BEGIN CERTIFICATE-----\nQUJD\nREVG\n-----END CERTIFICATE-----\n"},
		{"not pem", "hello", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cleanPEM(tt.in); got != tt.want {
				t.Errorf("cleanPEM(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
