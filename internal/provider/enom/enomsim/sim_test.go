package enomsim

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sslreseller/sslreseller/internal/pki"
)

func TestTransport(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	t.Run("xml trailer", func(t *testing.T) {
		body := e.call(t, "GetBalance")
		mustContain(t, body, `<?xml version="1.0" encoding="utf-8"?>`, "<interface-response>", "<Balance>5,000.00</Balance>",
			"<AvailableBalance>5,000.00</AvailableBalance>", "<Command>GETBALANCE</Command>", "<ErrCount>0</ErrCount>",
			"<Done>true</Done>", "<Site>eNom</Site>", "\r\n", "</interface-response>")
	})
	t.Run("get with names in any case", func(t *testing.T) {
		body, status := e.raw(t, http.MethodGet, "getbalance", "UID", e.uid, "PW", e.pw, "responsetype", "xml")
		if status != http.StatusOK {
			t.Fatalf("status %d", status)
		}
		mustContain(t, body, "<Command>GETBALANCE</Command>", "<ErrCount>0</ErrCount>")
	})
	t.Run("text is the default", func(t *testing.T) {
		body, _ := e.raw(t, http.MethodPost, "GetBalance", "ResponseType", "")
		mustContain(t, body, ";URL Interface\r\n", "Balance=5,000.00\r\n", "Command=GETBALANCE\r\n", "ErrCount=0\r\n", "Done=true\r\n")
	})
	t.Run("path", func(t *testing.T) {
		resp, err := http.Get(e.srv.URL + "/api.asp")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("status %d, want 404", resp.StatusCode)
		}
	})
	t.Run("method", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPut, e.srv.URL+"/interface.asp", nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("status %d, want 405", resp.StatusCode)
		}
	})
	t.Run("unknown command", func(t *testing.T) {
		mustContain(t, e.call(t, "CertFrobnicate"), "<ErrCount>1</ErrCount>", "<Err1>Invalid command name: CertFrobnicate</Err1>",
			"<ResponseNumber>304150</ResponseNumber>")
	})
}

func TestAuthScenarios(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	tests := []struct {
		name  string
		setup func()
		kv    []string
		want  []string
	}{
		{name: "wrong password", kv: []string{"pw", "nope"},
			want: []string{"<Err1>Bad User name or Password</Err1>", "<ResponseNumber>304155</ResponseNumber>",
				"<ResponseString>Validation error; invalid ; loginid</ResponseString>"}},
		{name: "unknown login", kv: []string{"uid", "nobody"}, want: []string{"<Err1>Bad User name or Password</Err1>"}},
		{name: "ip blocked account", kv: []string{"uid", DefaultUID + SuffixIPBlocked},
			want: []string{"<Err1>User not permitted from this IP address: 127.0.0.1</Err1>", "<ResponseCount>0</ResponseCount>"}},
		{name: "allow-list", setup: func() {
			e.sim.AddAccount(Account{UID: "listed", PW: "secret-pw", AllowedIPs: []string{"192.0.2.1"}})
		}, kv: []string{"uid", "listed", "pw", "secret-pw"}, want: []string{"User not permitted from this IP address: 127.0.0.1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.setup != nil {
				tt.setup()
			}
			body := e.call(t, "GetBalance", tt.kv...)
			mustContain(t, body, append(tt.want, "<ErrCount>1</ErrCount>", "<Done>true</Done>")...)
		})
	}
	t.Run("bad credentials flag", func(t *testing.T) {
		e := newEnv(t, Options{})
		e.sim.SetBadCredentials(e.uid, true)
		mustContain(t, e.call(t, "GetBalance"), "<Err1>Bad User name or Password</Err1>")
		e.sim.SetBadCredentials(e.uid, false)
		e.sim.SetIPNotPermitted(e.uid, true)
		mustContain(t, e.call(t, "GetBalance"), "User not permitted from this IP address")
	})
	t.Run("accounts for printing", func(t *testing.T) {
		accts := e.sim.Accounts()
		if len(accts) < 3 || accts[0].UID != DefaultUID || accts[0].PW != DefaultPW || accts[1].UID != DefaultUID+SuffixNoFunds {
			t.Errorf("accounts = %+v", accts)
		}
		c := e.sim.AddAccount(Account{Balance: 100})
		if c.UID == "" || len(c.PW) < 16 {
			t.Errorf("generated credentials %+v", c)
		}
	})
}

func TestCatalogueAndPurchase(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	body := e.call(t, "GetCerts")
	mustContain(t, body, "<GetCerts>", "<Cert1>", "<ProdCode>certificate-rapidssl-rapidssl</ProdCode>", "<ProdType>23</ProdType>",
		"<ProdDesc>SSL Certificate - RapidSSL</ProdDesc>", "<ResellerPrice>$9.95</ResellerPrice>", "<RetailPrice>$19.95</RetailPrice>",
		"<Years>3</Years>", "<ProdCode>certificate-comodo-ucc-ov</ProdCode>", "<CertCount>19</CertCount>", "<Command>GETCERTS</Command>")

	body = e.call(t, "PurchaseServices", "Service", "Certificate-RapidSSL-RapidSSL", "NumYears", "2")
	mustContain(t, body, "<Success>True</Success>", "<CertID>726400</CertID>", "<OrderID>", "<Command>PURCHASESERVICES</Command>")
	if got := e.sim.Balance(e.uid); got != DefaultBalance-2*995 {
		t.Errorf("balance %d, want %d", got, DefaultBalance-2*995)
	}
	mustContain(t, e.call(t, "PurchaseServices", "Service", "Certificate-RapidSSL"), "<CertID>726401</CertID>")
	if n := e.sim.Purchases(); n != 2 {
		t.Errorf("purchases %d, want 2", n)
	}
	o, ok := e.sim.Order("726400")
	if !ok || o.Service != "certificate-rapidssl-rapidssl" || o.Years != 2 || o.Price != 1990 || o.Status != "Awaiting Configuration" {
		t.Errorf("order %+v", o)
	}

	errs := []struct {
		name string
		kv   []string
		want []string
	}{
		{"insufficient funds", []string{"uid", DefaultUID + SuffixNoFunds, "Service", "certificate-comodo-essential"},
			[]string{"<Err1>Insufficient funds in the reseller account to complete this purchase</Err1>", "<ResponseNumber>524181</ResponseNumber>"}},
		{"unknown service", []string{"Service", "certificate-nope"}, []string{"<Err1>Invalid Service: certificate-nope</Err1>", "304182"}},
		{"years out of range", []string{"Service", "certificate-comodo-ev", "NumYears", "3"}, []string{"NumYears must be from 1 to 2", "303197"}},
		{"no service", nil, []string{"<Err1>Service is required</Err1>"}},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			mustContain(t, e.call(t, "PurchaseServices", tt.kv...), append(tt.want, "<ErrCount>1</ErrCount>")...)
		})
	}
	if n := e.sim.Purchases(); n != 2 {
		t.Errorf("failed purchases counted: %d", n)
	}
}

func TestLifecycleIssuesRealCertificate(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 4, 1, 10, 0, 0, 0, time.UTC)
	e := newEnv(t, Options{Now: func() time.Time { return now }})
	id := e.buy(t, "certificate-rapidssl-rapidssl", "1")

	body, key := e.configure(t, id, "21", "shop.example.com", "www.shop.example.com", "other.example.org")
	mustContain(t, body, "<CertConfigureCert>", "<CertID>"+id+"</CertID>", "<ProdType>23</ProdType>", "<CSRData>",
		"<DomainName>shop.example.com</DomainName>", "<Organization>Example Ltd</Organization>",
		`<Approver Type="Generic">`, "<ApproverEmail>admin@shop.example.com</ApproverEmail>",
		"<ApproverEmail>webmaster@example.com</ApproverEmail>", `<Approver Type="Manual"/>`)
	if strings.Contains(body, "other.example.org") {
		t.Error("approvers include a name of another domain")
	}

	body = e.call(t, "CertGetApproverEmail", "CertID", id)
	mustContain(t, body, "<CertGetApproverEMail>", "<ApproverEmail>hostmaster@shop.example.com</ApproverEmail>",
		"<ApproverEmail>postmaster@example.com</ApproverEmail>", "<Command>CERTGETAPPROVEREMAIL</Command>")

	body = e.call(t, "CertGetCertDetail", "CertID", id)
	mustContain(t, body, "<CertStatusID>1</CertStatusID>", "<CertStatus>Awaiting Configuration</CertStatus>",
		"<WebServerTypeID>21</WebServerTypeID>", "<AdminPhone>+1.4252744500</AdminPhone>", "<SSLCertificate><![CDATA[]]></SSLCertificate>")

	body = e.call(t, "CertPurchaseCert", "CertID", id, "ApproverEmail", "webmaster@example.com")
	mustContain(t, body, "<CertPurchaseCert>", "<Success>True</Success>", "<GeoTrustOrderID>", "<ApproverEmail>webmaster@example.com</ApproverEmail>")

	body = e.call(t, "CertGetCertDetail", "CertID", id)
	mustContain(t, body, "<CertStatusID>2</CertStatusID>", "<CertStatus>Processing</CertStatus>")
	now = now.Add(time.Hour)
	body = e.call(t, "certgetcertdetail", "certid", id)
	mustContain(t, body, "<CertStatusID>4</CertStatusID>", "<CertStatus>Certificate Issued</CertStatus>", "-----BEGIN CERTIFICATE-----")

	leafPEM := pemField(body, "SSLCertificate")
	chainPEM := pemField(body, "CACerts")
	if err := pki.Verify([]byte(leafPEM), []byte(chainPEM), e.sim.RootPEM(), now, "www.shop.example.com"); err != nil {
		t.Fatalf("certificate does not verify: %v", err)
	}
	blk, _ := pem.Decode([]byte(leafPEM))
	crt, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if crt.Subject.CommonName != "shop.example.com" || strings.Join(crt.DNSNames, ",") != "shop.example.com,www.shop.example.com" {
		t.Errorf("names: CN %q, SANs %v", crt.Subject.CommonName, crt.DNSNames)
	}
	if !sameKey(key, crt.PublicKey) {
		t.Error("certificate is not for the CSR's key")
	}
	if got, max := crt.NotAfter.Sub(crt.NotBefore), pki.MaxValidity(now); got > max {
		t.Errorf("validity %v exceeds the maximum %v", got, max)
	}
	mustContain(t, body, "<ExpirationDate>"+usDateTime(crt.NotAfter)+"</ExpirationDate>")
	o, _ := e.sim.Order(id)
	if o.Polls != 2 || o.CertificatePEM == "" || o.StatusID != 4 {
		t.Errorf("order %+v", o)
	}
}

func TestStatusScenarios(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		service  string
		wst      string
		domain   string
		setup    func(*Sim)
		statuses []string // CertStatusID seen on successive polls
	}{
		{"default two polls", "certificate-rapidssl-rapidssl", "21", "two.example.com", nil, []string{"2", "4"}},
		{"comodo approval states", "certificate-comodo-essential", "1002", "c.example.com", nil, []string{"10", "4"}},
		{"polls named", "certificate-rapidssl-rapidssl", "21", "polls4.example.com", nil, []string{"2", "2", "2", "4"}},
		{"reject named", "certificate-rapidssl-rapidssl", "21", "reject.example.com", nil, []string{"2", "6"}},
		{"reject by method", "certificate-comodo-essential", "1002", "no.example.com", func(s *Sim) { s.Reject("no.example.com") }, []string{"10", "6"}},
		{"polls by method", "certificate-comodo-essential", "1002", "p.example.com", func(s *Sim) { s.SetPollsToIssue("p.example.com", 1) }, []string{"4"}},
		{"polls0 issues at submission", "certificate-rapidssl-rapidssl", "21", "polls0.example.com", nil, []string{"4"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, Options{})
			if tt.setup != nil {
				tt.setup(e.sim)
			}
			id, _ := e.submitted(t, tt.service, tt.wst, tt.domain)
			for i, want := range tt.statuses {
				body := e.call(t, "CertGetCertDetail", "CertID", id)
				if got := field(body, "CertStatusID"); got != want {
					t.Fatalf("poll %d: status %s, want %s\n%s", i+1, got, want, body)
				}
			}
			if tt.statuses[len(tt.statuses)-1] == "6" {
				mustContain(t, e.call(t, "CertGetCertDetail", "CertID", id), "<CertStatus>Rejected by Customer</CertStatus>")
			}
		})
	}
}

func TestComodoStartsAtApprovalEmailSent(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{PollsToIssue: 3})
	id, _ := e.submitted(t, "certificate-comodo-essential", "1002", "mail.example.com")
	want := []string{"9", "10", "4"}
	for i, w := range want {
		if got := field(e.call(t, "CertGetCertDetail", "CertID", id), "CertStatusID"); got != w {
			t.Fatalf("poll %d: %s, want %s", i+1, got, w)
		}
	}
}

func TestTransportScenarios(t *testing.T) {
	t.Parallel()
	t.Run("flaky name", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, Options{})
		id := e.buy(t, "certificate-rapidssl-rapidssl", "1")
		e.configure(t, id, "21", "flaky.example.com")
		for i := 0; i < 2; i++ {
			body, status := e.raw(t, http.MethodPost, "CertGetCertDetail", "CertID", id)
			if status != http.StatusServiceUnavailable || !strings.Contains(body, "Service Unavailable") {
				t.Fatalf("request %d: %d %s", i+1, status, body)
			}
		}
		mustContain(t, e.call(t, "CertGetCertDetail", "CertID", id), "<ErrCount>0</ErrCount>")
	})
	t.Run("fail next", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, Options{})
		e.sim.FailNext(1)
		if _, status := e.raw(t, http.MethodPost, "PurchaseServices", "Service", "certificate-rapidssl-rapidssl"); status != http.StatusServiceUnavailable {
			t.Fatalf("status %d", status)
		}
		if e.sim.Purchases() != 0 {
			t.Error("a failed request bought something")
		}
		mustContain(t, e.call(t, "GetBalance"), "<ErrCount>0</ErrCount>")
	})
	t.Run("malformed name", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, Options{})
		id := e.buy(t, "certificate-rapidssl-rapidssl", "1")
		e.configure(t, id, "21", "malformed.example.com")
		body := e.call(t, "CertGetCertDetail", "CertID", id)
		if strings.Contains(body, "</interface-response>") || strings.Contains(body, "<Done>") {
			t.Fatalf("body is complete:\n%s", body)
		}
		mustContain(t, e.call(t, "CertGetCertDetail", "CertID", id), "</interface-response>")
	})
	t.Run("malform next takes effect", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, Options{})
		e.sim.MalformNext(1)
		body := e.call(t, "PurchaseServices", "Service", "certificate-rapidssl-rapidssl")
		if strings.Contains(body, "<Done>") {
			t.Fatalf("body is complete:\n%s", body)
		}
		if e.sim.Purchases() != 1 {
			t.Error("the purchase behind a malformed answer did not happen")
		}
	})
	t.Run("slow name", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, Options{SlowDelay: 150 * time.Millisecond})
		id := e.buy(t, "certificate-rapidssl-rapidssl", "1")
		e.configure(t, id, "21", "slow.example.com")
		start := time.Now()
		e.call(t, "CertGetCertDetail", "CertID", id)
		if d := time.Since(start); d < 150*time.Millisecond {
			t.Errorf("answered after %v", d)
		}
	})
	t.Run("delay", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, Options{})
		e.sim.SetDelay(100 * time.Millisecond)
		start := time.Now()
		e.call(t, "GetBalance")
		if d := time.Since(start); d < 100*time.Millisecond {
			t.Errorf("answered after %v", d)
		}
	})
}

func TestConfigureErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	rapid := e.buy(t, "certificate-rapidssl-rapidssl", "1")
	wild := e.buy(t, "certificate-rapidssl-rapidssl-wildcard", "1")
	csr, _ := newCSR(t, pki.Subject{}, "a.example.com")
	wildCSR, _ := newCSR(t, pki.Subject{}, "*.example.com")
	base := func(id, wst, csr string, extra ...string) []string {
		kv := append([]string{"CertID", id, "WebServerType", wst, "CSR", csr}, contacts()...)
		return append(kv, extra...)
	}
	tests := []struct {
		name string
		kv   []string
		want []string
	}{
		{"bad csr", base(rapid, "21", "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----"), []string{"<Err1>Invalid CSR: ", "304397"}},
		{"comodo code for geotrust", base(rapid, "1002", csr), []string{"<Err1>Invalid WebServerType 1002", "304000"}},
		{"missing web server type", base(rapid, "", csr), []string{"<Err1>WebServerType is required</Err1>"}},
		{"bad phone", base(rapid, "21", csr, "TechPhone", "425-274-4500"), []string{"<Err1>Invalid phone number format for TechPhone; use +CountryCode.PhoneNumber</Err1>", "<ResponseNumber>304067</ResponseNumber>"}},
		{"missing contact field", base(rapid, "21", csr, "BillingEmailAddress", ""), []string{"<Err1>BillingEmailAddress is required</Err1>"}},
		{"wildcard csr on single", base(rapid, "21", wildCSR), []string{"does not cover wildcard names"}},
		{"plain csr on wildcard", base(wild, "21", csr), []string{"must be a wildcard name"}},
		{"unknown cert", base("999", "21", csr), []string{"<Err1>Certificate not found: CertID 999</Err1>", "<ResponseNumber>316397</ResponseNumber>"}},
		{"ip refused before anything", base(rapid, "21", csr, "uid", DefaultUID+SuffixIPBlocked), []string{"User not permitted"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mustContain(t, e.call(t, "CertConfigureCert", tt.kv...), append(tt.want, "<ErrCount>1</ErrCount>")...)
		})
	}
	t.Run("other account's cert is not found", func(t *testing.T) {
		other := e.sim.AddAccount(Account{UID: "other", PW: "other-pw", Balance: 100000})
		mustContain(t, e.call(t, "CertGetCertDetail", "uid", other.UID, "pw", other.PW, "CertID", rapid), "<Err1>Certificate not found: CertID "+rapid)
	})
}

func TestPurchaseCertRules(t *testing.T) {
	t.Parallel()
	t.Run("approver outside the list", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, Options{})
		id := e.buy(t, "certificate-rapidssl-rapidssl", "1")
		e.configure(t, id, "21", "a.example.com")
		mustContain(t, e.call(t, "CertPurchaseCert", "CertID", id, "ApproverEmail", "boss@gmail.com"),
			"<Err1>Invalid approver email address for a.example.com</Err1>", "<ResponseNumber>304012</ResponseNumber>")
	})
	t.Run("not configured", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, Options{})
		id := e.buy(t, "certificate-rapidssl-rapidssl", "1")
		mustContain(t, e.call(t, "CertPurchaseCert", "CertID", id, "ApproverEmail", "admin@a.example.com"),
			"must be configured with CertConfigureCert", "(the certificate's status is Awaiting Configuration)", "306397")
	})
	t.Run("blocked name", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, Options{})
		id := e.buy(t, "certificate-rapidssl-rapidssl", "1")
		e.configure(t, id, "21", "blocked.example.com")
		mustContain(t, e.call(t, "CertPurchaseCert", "CertID", id, "ApproverEmail", "admin@blocked.example.com"),
			"<Err1>The certificate authority declined the order for blocked.example.com</Err1>", "<ResponseNumber>714397</ResponseNumber>")
	})
	t.Run("file validation", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, Options{})
		id := e.buy(t, "certificate-rapidssl-rapidssl", "1")
		e.configure(t, id, "21", "f.example.com")
		body := e.call(t, "CertPurchaseCert", "CertID", id, "DVAuthMethod", "File")
		mustContain(t, body, "<DVAuthMethod>File</DVAuthMethod>", "<FileAuthName>fileauth.txt</FileAuthName>", "<FileAuthContents>")
		mustContain(t, e.call(t, "CertGetCertDetail", "CertID", id), "<AuthStatusName>INIT</AuthStatusName>", "<DVAuthMethod>File</DVAuthMethod>")
	})
	t.Run("dns not for comodo", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, Options{})
		id := e.buy(t, "certificate-comodo-essential", "1")
		e.configure(t, id, "1002", "d.example.com")
		mustContain(t, e.call(t, "CertPurchaseCert", "CertID", id, "DVAuthMethod", "DNS"), "available for RapidSSL and QuickSSL certificates only", "715397")
	})
	t.Run("no email validation from 2028-03-15", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, Options{Now: func() time.Time { return time.Date(2028, 4, 1, 0, 0, 0, 0, time.UTC) }})
		id := e.buy(t, "certificate-rapidssl-rapidssl", "1")
		e.configure(t, id, "21", "late.example.com")
		mustContain(t, e.call(t, "CertPurchaseCert", "CertID", id, "ApproverEmail", "admin@late.example.com"), "E-mail validation is no longer offered")
		mustContain(t, e.call(t, "CertPurchaseCert", "CertID", id, "DVAuthMethod", "DNS"), "<DNSAuthEntry>@</DNSAuthEntry>", "<DNSAuthAddress>2028")
	})
	t.Run("ov needs an organisation", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, Options{})
		id := e.buy(t, "certificate-comodo-instant", "1")
		csr, _ := newCSR(t, pki.Subject{}, "ov.example.com")
		kv := append([]string{"CertID", id, "WebServerType", "1002", "CSR", csr}, contacts()...)
		kv = append(kv, "AdminOrgName", "", "AdminCountry", "US")
		mustContain(t, e.call(t, "CertConfigureCert", kv...), "<ErrCount>0</ErrCount>")
		mustContain(t, e.call(t, "CertPurchaseCert", "CertID", id, "ApproverEmail", "admin@ov.example.com"),
			"<Err1>The organization name and country are required for SSL Certificate - Comodo Instant</Err1>")
		mustContain(t, e.call(t, "CertPurchaseCert", "CertID", id, "ApproverEmail", "admin@ov.example.com", "CSROrganization", "Example Ltd"),
			"<ErrCount>0</ErrCount>")
		e.call(t, "CertGetCertDetail", "CertID", id)
		body := e.call(t, "CertGetCertDetail", "CertID", id)
		blk, _ := pem.Decode([]byte(pemField(body, "SSLCertificate")))
		crt, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(crt.Subject.Organization) != "[Example Ltd]" {
			t.Errorf("organisation %v", crt.Subject.Organization)
		}
	})
}

func TestUCCNamesInOrder(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{PollsToIssue: 1})
	id := e.buy(t, "certificate-comodo-ucc-dv", "1")
	csr, _ := newCSR(t, pki.Subject{}, "one.example.com", "two.example.com")
	kv := append([]string{"CertID", id, "WebServerType", "1031", "CSR", csr, "DomainListNumber", "2",
		"UCCDomainList1", "three.example.net", "UCCDomainList2", "Two.example.com"}, contacts()...)
	mustContain(t, e.call(t, "CertConfigureCert", kv...), "<ErrCount>0</ErrCount>")
	mustContain(t, e.call(t, "CertPurchaseCert", "CertID", id, "ApproverEmail", "admin@example.com"), "<ErrCount>0</ErrCount>")
	body := e.call(t, "CertGetCertDetail", "CertID", id)
	mustContain(t, body, "<DomainList>", "<Domain>three.example.net</Domain>", "<DomainCountAllowed>100</DomainCountAllowed>")
	blk, _ := pem.Decode([]byte(pemField(body, "SSLCertificate")))
	crt, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(crt.DNSNames, ","); got != "one.example.com,two.example.com,three.example.net" {
		t.Errorf("names %s", got)
	}
}

func TestApproverChangeResendModifyReissue(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	id, _ := e.submitted(t, "certificate-comodo-essential", "1002", "m.example.com")

	mustContain(t, e.call(t, "CertChangeApproverEmail", "CertID", id, "ApproverEmail", "Hostmaster@example.com"),
		"<CertChangeApproverEmail>", "<ApproverEmail><![CDATA[hostmaster@example.com]]></ApproverEmail>", "<Success>true</Success>")
	mustContain(t, e.call(t, "CertChangeApproverEmail", "CertID", id, "ApproverEmail", "x@elsewhere.org"), "<Err1>Invalid approver email address")
	mustContain(t, e.call(t, "CertResendApproverEmail", "CertID", id),
		"<CertResendApproverEmail>", "<ApproverEmail><![CDATA[hostmaster@example.com]]></ApproverEmail>")
	if o, _ := e.sim.Order(id); o.Resends != 1 || o.ApproverEmail != "hostmaster@example.com" {
		t.Errorf("order %+v", o)
	}

	mustContain(t, e.call(t, "CertModifyOrder", "CertID", id), "<CertModifyOrder>", "<CertID>"+id+"</CertID>", "<Command>CERTMODIFYORDER</Command>")
	mustContain(t, e.call(t, "CertGetCertDetail", "CertID", id), "<CertStatusID>1</CertStatusID>")
	mustContain(t, e.call(t, "CertModifyOrder", "CertID", id), "can be modified only while its status is Processing or Approval Email Sent", "306397")
	mustContain(t, e.call(t, "CertResendApproverEmail", "CertID", id), "There is no approval e-mail waiting")

	t.Run("reissue geotrust", func(t *testing.T) {
		e := newEnv(t, Options{PollsToIssue: 1})
		id, _ := e.submitted(t, "certificate-rapidssl-rapidssl", "21", "r.example.com")
		first := pemField(e.call(t, "CertGetCertDetail", "CertID", id), "SSLCertificate")
		csr, key := newCSR(t, pki.Subject{}, "r.example.com")
		mustContain(t, e.call(t, "CertReissueCert", "CertID", id, "CSR", csr), "<Success>True</Success>", "<DomainName>r.example.com</DomainName>",
			"<Command>CERTREISSUECERT</Command>")
		body := e.call(t, "CertGetCertDetail", "CertID", id)
		mustContain(t, body, "<CertStatusID>4</CertStatusID>", "<ReissueStatus>Completed</ReissueStatus>")
		second := pemField(body, "SSLCertificate")
		if second == first {
			t.Fatal("reissue returned the old certificate")
		}
		blk, _ := pem.Decode([]byte(second))
		crt, _ := x509.ParseCertificate(blk.Bytes)
		if !sameKey(key, crt.PublicKey) {
			t.Error("reissued certificate is not for the new key")
		}
		other, _ := newCSR(t, pki.Subject{}, "elsewhere.example.com")
		mustContain(t, e.call(t, "CertReissueCert", "CertID", id, "CSR", other), "must be the certificate's domain r.example.com")
	})
	t.Run("reissue comodo", func(t *testing.T) {
		e := newEnv(t, Options{PollsToIssue: 1})
		id, _ := e.submitted(t, "certificate-comodo-essential", "1002", "c.example.com")
		e.call(t, "CertGetCertDetail", "CertID", id)
		csr, _ := newCSR(t, pki.Subject{}, "c.example.com")
		mustContain(t, e.call(t, "CertReissueCert", "CertID", id, "CSR", csr),
			"<Err1>CertReissueCert is available for Symantec, VeriSign and GeoTrust certificates only</Err1>", "<ResponseNumber>715397</ResponseNumber>")
	})
}

func TestParseCSR(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	csr, _ := newCSR(t, pki.Subject{Organization: "rightside.co", OrganizationalUnit: "dev", Locality: "kirkland", Province: "wa", Country: "US"}, "buditest.com")
	mustContain(t, e.call(t, "CertParseCSR", "CSR", csr), "<CertParseCSR>", "<Success>True</Success>", "<Organization>rightside.co</Organization>",
		"<DomainName>buditest.com</DomainName>", "<OrganizationUnit>dev</OrganizationUnit>", "<State>wa</State>", "<Country>US</Country>",
		"<HasBadExtensions>False</HasBadExtensions>")
	mustContain(t, e.call(t, "CertParseCSR", "CSR", "garbage"), "<Err1>Unable to parse the CSR: ")
}

func TestCertGetCertsFiltersAndPages(t *testing.T) {
	t.Parallel()
	day := time.Date(2026, 5, 10, 12, 0, 0, 0, time.UTC)
	now := day
	e := newEnv(t, Options{Now: func() time.Time { return now }})
	a := e.buy(t, "certificate-rapidssl-rapidssl", "1")
	now = day.AddDate(0, 0, 1)
	b := e.buy(t, "certificate-comodo-essential", "1")
	c := e.buy(t, "certificate-comodo-essential", "1")
	e.configure(t, c, "1002", "find.example.com")

	body := e.call(t, "CertGetCerts", "PagingPageSize", "2")
	mustContain(t, body, "<CertGetCerts>", "<Certs>", "<Cert>", "<CertID>"+a+"</CertID>", "<CertID>"+b+"</CertID>",
		"<Count>2</Count>", "<TotalRecords>3</TotalRecords>", "<TotalCertCount>3</TotalCertCount>", "<OrderDate>5/10/2026</OrderDate>",
		"<CertStatus>Awaiting Configuration</CertStatus>", "<ValidityPeriod>12</ValidityPeriod>")
	if strings.Contains(body, "<CertID>"+c+"</CertID>") {
		t.Error("page 1 holds row 3")
	}
	mustContain(t, e.call(t, "CertGetCerts", "PagingPageSize", "2", "StartPosition", "3"), "<CertID>"+c+"</CertID>", "<Count>1</Count>")
	body = e.call(t, "CertGetCerts", "ProdType", "211", "OrderDateStart", "05/11/2026", "OrderDateEnd", "05/11/2026")
	mustContain(t, body, "<TotalRecords>2</TotalRecords>", "<ProductType>211</ProductType>")
	mustContain(t, e.call(t, "CertGetCerts", "DomainNameContains", "find"), "<TotalRecords>1</TotalRecords>",
		"<DomainName><![CDATA[find.example.com]]></DomainName>")
	body = e.call(t, "CertGetCerts", "SortBy", "CertID", "SortByDirection", "Desc")
	if strings.Index(body, "<CertID>"+c) > strings.Index(body, "<CertID>"+a) {
		t.Error("descending order not applied")
	}
	mustContain(t, e.call(t, "CertGetCerts", "OrderDateStart", "2026-05-10"), "<Err1>Invalid date in OrderDateStart; use MM/DD/YYYY</Err1>")
}

func TestConcurrentPurchases(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	const n = 20
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e.call(t, "PurchaseServices", "Service", "certificate-rapidssl-rapidssl")
			e.call(t, "CertGetCerts")
		}()
	}
	wg.Wait()
	if got := e.sim.Purchases(); got != n {
		t.Errorf("purchases %d, want %d", got, n)
	}
	if got := e.sim.Balance(e.uid); got != DefaultBalance-n*995 {
		t.Errorf("balance %d", got)
	}
	if got := len(e.sim.Orders()); got != n {
		t.Errorf("orders %d", got)
	}
	if got := e.sim.Calls("purchaseservices"); got != n {
		t.Errorf("calls %d", got)
	}
}

func TestRefundHook(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	id := e.buy(t, "certificate-rapidssl-rapidssl", "1")
	if err := e.sim.SetStatus(id, 7); err != nil {
		t.Fatal(err)
	}
	mustContain(t, e.call(t, "CertGetCertDetail", "CertID", id), "<CertStatusID>7</CertStatusID>", "<CertStatus>Refunded - No Cert Issued</CertStatus>")
	if err := e.sim.SetStatus(id, 3); err == nil {
		t.Error("retired status accepted")
	}
}

func TestTextFormatLists(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{PollsToIssue: 1})
	id, _ := e.submitted(t, "certificate-rapidssl-rapidssl", "21", "t.example.com")
	body := e.call(t, "CertGetCertDetail", "CertID", id, "ResponseType", "Text")
	mustContain(t, body, "CertStatusID=4\r\n", "SSLCertificate=-----BEGIN CERTIFICATE-----\r\n", "-----END CERTIFICATE-----\r\n", "Done=true\r\n")
	body = e.call(t, "CertGetApproverEmail", "CertID", id, "ResponseType", "text")
	mustContain(t, body, "ApproverEmail=admin@t.example.com\r\n", "ApproverEmail=webmaster@example.com\r\n")
	body = e.call(t, "GetBalance", "pw", "wrong", "ResponseType", "text")
	mustContain(t, body, "ErrCount=1\r\n", "Err1=Bad User name or Password\r\n", "ResponseNumber1=304155\r\n",
		"ResponseString1=Validation error; invalid ; loginid\r\n")
}
