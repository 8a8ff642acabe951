package sectigo

import (
	"encoding/base64"
	"encoding/pem"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/sslreseller/sslreseller/internal/pki"
	"github.com/sslreseller/sslreseller/internal/provider"
)

func TestParseReply(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		body    string
		newline bool
		code    int
		get     map[string]string
		lines   []string
		bad     bool
	}{
		{name: "url-encoded", body: "errorCode=0&orderNumber=3040824&totalCost=210.00&expectedDeliveryTime=1&uniqueValue=TnerFu0d",
			code: 0, get: map[string]string{"orderNumber": "3040824", "totalcost": "210.00", "UNIQUEVALUE": "TnerFu0d"}},
		{name: "newline", body: "0\n3040824\n210.00\n1\nTnerFu0d\n", newline: true, code: 0,
			lines: []string{"3040824", "210.00", "1", "TnerFu0d"}},
		{name: "newline CRLF", body: "0\r\n3040824\r\n210.00\r\n", newline: true, code: 0, lines: []string{"3040824", "210.00"}},
		{name: "old Mac CR", body: "-16\rPermission denied\r", newline: true, code: -16, lines: []string{"Permission denied"}},
		{name: "error with PHP urlencode", body: "errorCode=-3&errorMessage=The+%27logoPriorUseDomainName%27+argument+is+missing%21",
			code: -3, get: map[string]string{"errorMessage": "The 'logoPriorUseDomainName' argument is missing!"}},
		{name: "snake_case code", body: "error_code=0&noOfResults=0", code: 0, get: map[string]string{"noOfResults": "0"}},
		{name: "mixed-case keys", body: "ERRORCODE=1&OrderNumber=12345678", code: 1, get: map[string]string{"orderNumber": "12345678"}},
		{name: "key: value lines", body: "errorCode: 0\r\norderNumber: 7654321\r\n", code: 0, get: map[string]string{"orderNumber": "7654321"}},
		{name: "key=value lines", body: "errorCode=0\norderNumber=7654321\n", code: 0, get: map[string]string{"orderNumber": "7654321"}},
		{name: "extra whitespace and BOM", body: "\ufeff  \n errorCode=0&orderNumber=1234567  \n\n", code: 0, get: map[string]string{"orderNumber": "1234567"}},
		{name: "unknown extra fields", body: "errorCode=0&somethingNew=x&orderNumber=1234567", code: 0, get: map[string]string{"somethingNew": "x"}},
		{name: "bad percent-encoding kept", body: "errorCode=-4&errorMessage=100%+sure", code: -4, get: map[string]string{"errorMessage": "100% sure"}},
		{name: "tab pairs after status", body: "0\ndomain_name\twww.test-domain.org\nlevel2_email\t admin@test-domain.org\n", newline: true,
			get: map[string]string{"domain_name": "www.test-domain.org", "level2_email": "admin@test-domain.org"}},
		{name: "plus sign code", body: "+1\n", newline: true, code: 1},
		{name: "empty", body: "", bad: true},
		{name: "blank lines", body: "\r\n\r\n", bad: true},
		{name: "html", body: "<html><body>Internal Server Error</body></html>", bad: true},
		{name: "plain text", body: "Service temporarily unavailable", bad: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := parseReply([]byte(tt.body))
			if tt.bad {
				if err == nil {
					t.Fatalf("parseReply(%q) = %+v, want an error", tt.body, r)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseReply(%q): %v", tt.body, err)
			}
			if r.newline != tt.newline || r.code != tt.code || !r.hasCode && tt.newline {
				t.Errorf("newline=%v code=%d hasCode=%v, want newline=%v code=%d", r.newline, r.code, r.hasCode, tt.newline, tt.code)
			}
			for k, want := range tt.get {
				if got := r.get(k); got != want {
					t.Errorf("get(%q) = %q, want %q", k, got, want)
				}
			}
			if tt.lines != nil {
				if diff := cmp.Diff(tt.lines, r.lines); diff != "" {
					t.Errorf("lines (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestParseApply(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		body  string
		want  *ApplyResult
		class provider.Class
		field string
	}{
		{name: "url-encoded paid", body: "errorCode=0&orderNumber=3040824&totalCost=210.00&expectedDeliveryTime=1&uniqueValue=TnerFu0d",
			want: &ApplyResult{OrderNumber: "3040824", TotalCost: "210.00", TotalCostMinor: 21000, ExpectedDeliveryTime: "1", UniqueValue: "TnerFu0d", Paid: true}},
		{name: "newline paid", body: "0\n3040824\n210.00\n1\nTnerFu0d\n",
			want: &ApplyResult{OrderNumber: "3040824", TotalCost: "210.00", TotalCostMinor: 21000, ExpectedDeliveryTime: "1", UniqueValue: "TnerFu0d", Paid: true}},
		{name: "newline with certificate ID", body: "0\r\n3040824\r\n12.98\r\n1\r\nTnerFu0d\r\n2341761254\r\n",
			want: &ApplyResult{OrderNumber: "3040824", CertificateID: "2341761254", TotalCost: "12.98", TotalCostMinor: 1298, ExpectedDeliveryTime: "1", UniqueValue: "TnerFu0d", Paid: true}},
		{name: "payment required, keys in another order", body: "errorCode=1&totalCost=12.98&orderNumber=123456789&certificateID=abc123456&expectedDeliveryTime=123456",
			want: &ApplyResult{OrderNumber: "123456789", CertificateID: "abc123456", TotalCost: "12.98", TotalCostMinor: 1298, ExpectedDeliveryTime: "123456"}},
		{name: "newline payment required, short", body: "1\n7654321\n", want: &ApplyResult{OrderNumber: "7654321", TotalCostMinor: -1}},
		{name: "missing argument", body: "errorCode=-3&errorMessage=The+%27csr%27+argument+is+missing%21", class: provider.Invalid, field: "csr"},
		{name: "argument in errorItem", body: "errorCode=-2&errorItem=field&errorMessage=Invalid+Request", class: provider.Invalid, field: "field"},
		{name: "newline bad login", body: "-16\nPermission denied!\n", class: provider.Auth},
		{name: "no credit", body: "errorCode=-15&errorMessage=Not+enough+credit%21", class: provider.Temporary},
		{name: "wildcard mismatch", body: "-5\nThe CSR contains a wildcard\n", class: provider.Invalid, field: "csr"},
		{name: "no price", body: "errorCode=-115&errorMessage=No+price+found+for+product+287", class: provider.Invalid, field: "period"},
		{name: "no order number", body: "errorCode=0&totalCost=1.00", class: provider.Temporary},
		{name: "html page", body: "<html>Internal Server Error</html>", class: provider.Temporary},
		{name: "unknown code", body: "errorCode=-999&errorMessage=Something+new", class: provider.Temporary},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := parseApply([]byte(tt.body))
			checkParse(t, got, tt.want, err, tt.class, tt.field)
		})
	}
}

// checkParse compares a parser's result or its classified error.
func checkParse[T any](tb testing.TB, got, want *T, err error, class provider.Class, field string) {
	tb.Helper()
	if class != "" {
		if c := errClass(tb, err); c != class {
			tb.Fatalf("class = %s (%v), want %s", c, err, class)
		}
		if field != "" && err.(*provider.Error).Field != field {
			tb.Errorf("field = %q, want %q", err.(*provider.Error).Field, field)
		}
		return
	}
	if err != nil {
		tb.Fatalf("unexpected error: %v", err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		tb.Errorf("result (-want +got):\n%s", diff)
	}
}

// testChain issues a leaf from a throw-away CA: base64 DER of leaf, intermediate and root, and their PEM.
func testChain(tb testing.TB) (leaf, inter, root string, leafPEM, interPEM, rootPEM string) {
	tb.Helper()
	now := time.Now()
	ca, err := pki.NewCA("Parse Test Root", now)
	if err != nil {
		tb.Fatal(err)
	}
	issued, err := ca.Issue(pki.IssueRequest{CSRPEM: []byte(newCSR(tb, "www.example.com")), NotBefore: now})
	if err != nil {
		tb.Fatal(err)
	}
	b64 := func(p []byte) string {
		blk, _ := pem.Decode(p)
		return base64.StdEncoding.EncodeToString(blk.Bytes)
	}
	return b64(issued.CertPEM), b64(issued.ChainPEM), b64(ca.RootPEM()), string(issued.CertPEM), string(issued.ChainPEM), string(ca.RootPEM())
}

func TestParseCollect(t *testing.T) {
	t.Parallel()
	leaf, inter, root, leafPEM, interPEM, rootPEM := testChain(t)
	esc := func(s string) string { return strings.NewReplacer("+", "%2B", "/", "%2F", "=", "%3D").Replace(s) }
	b64PEM := base64.StdEncoding.EncodeToString([]byte(leafPEM))
	type want struct {
		code                int
		status              Status
		raw, fqdn           string
		dcv                 bool
		leaf, chain         string
		cas                 int
		notBefore, notAfter int64
	}
	tests := []struct {
		name  string
		body  string
		want  want
		class provider.Class
	}{
		{name: "pending", body: "errorCode=0&orderNumber=12345678&certificateStatus=Awaiting+Validation&validationStatus=Awaiting+Validation&dcvStatus=0",
			want: want{code: 0, status: StatusPending, raw: "Awaiting Validation"}},
		{name: "issued status only", body: "errorCode=1&orderNumber=12345678&certificateStatus=Issued",
			want: want{code: 1, status: StatusIssued, raw: "Issued"}},
		{name: "fixture with numeric statuses", body: "errorCode=1&orderNumber=12345678&notBefore=1388576001&notAfter=1420112001&csrStatus=4&certificateStatus=3&validationStatus=1&ovCallBackStatus=2",
			want: want{code: 1, status: StatusIssued, raw: "3", notBefore: 1388576001, notAfter: 1420112001}},
		{name: "attached, root first, percent-encoded", body: "errorCode=2&orderNumber=12345678&certificateStatus=Issued&dcvStatus=1&fqdn=WWW.example.com&certificate=" +
			esc(leaf) + "&caCertificate=" + esc(root) + "&caCertificate=" + esc(inter),
			want: want{code: 2, status: StatusIssued, raw: "Issued", fqdn: "WWW.example.com", dcv: true, leaf: leafPEM, chain: interPEM, cas: 2}},
		{name: "plus signs decoded to spaces", body: "errorCode=2&certificate=" + strings.ReplaceAll(leaf, "/", "%2F") + "&caCertificate=" + strings.ReplaceAll(inter, "/", "%2F"),
			want: want{code: 2, status: StatusIssued, leaf: leafPEM, chain: interPEM, cas: 1}},
		{name: "base64 of PEM", body: "errorCode=2&certificate=" + esc(b64PEM),
			want: want{code: 2, status: StatusIssued, leaf: leafPEM}},
		{name: "PEM values", body: "errorCode=2&certificate=" + esc(leafPEM) + "&caCertificate=" + esc(interPEM+rootPEM),
			want: want{code: 2, status: StatusIssued, leaf: leafPEM, chain: interPEM, cas: 2}},
		{name: "newline with PEM", body: "2\r\n" + strings.ReplaceAll(leafPEM+interPEM, "\n", "\r\n"),
			want: want{code: 2, status: StatusIssued, leaf: leafPEM, chain: interPEM, cas: 1}},
		{name: "newline pending", body: "0\n", want: want{code: 0, status: StatusPending}},
		{name: "rejected", body: "errorCode=-20&errorMessage=The+certificate+request+has+been+rejected%21", want: want{code: -20, status: StatusRejected}},
		{name: "cancelled", body: "-20\nThe order has been cancelled!\n", want: want{code: -20, status: StatusCancelled}},
		{name: "revoked", body: "errorCode=-21&errorMessage=Revoked", want: want{code: -21, status: StatusRevoked}},
		{name: "being issued", body: "errorCode=-26", want: want{code: -26, status: StatusPending}},
		{name: "available but revoked text", body: "errorCode=1&certificateStatus=Revoked", want: want{code: 1, status: StatusRevoked, raw: "Revoked"}},
		{name: "replaced text", body: "errorCode=1&certificateStatus=Replaced", want: want{code: 1, status: StatusReplaced, raw: "Replaced"}},
		{name: "unknown order", body: "errorCode=-4&errorMessage=The+value+of+the+%27orderNumber%27+argument+is+invalid%21", class: provider.NotFound},
		{name: "bad login", body: "errorCode=-16&errorMessage=Incorrect+login+details", class: provider.Auth},
		{name: "garbage certificate", body: "errorCode=2&certificate=not-a-certificate", class: provider.Temporary},
		{name: "maintenance page", body: "<html><h1>Down for maintenance</h1></html>", class: provider.Temporary},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := parseCollect([]byte(tt.body))
			if tt.class != "" {
				if c := errClass(t, err); c != tt.class {
					t.Fatalf("class = %s (%v), want %s", c, err, tt.class)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			g := want{code: got.Code, status: got.Status, raw: got.RawStatus, fqdn: got.FQDN, dcv: got.DCVComplete,
				leaf: got.CertificatePEM, chain: got.ChainPEM, cas: len(got.CACertificatesPEM)}
			if !got.NotBefore.IsZero() {
				g.notBefore, g.notAfter = got.NotBefore.Unix(), got.NotAfter.Unix()
			}
			if diff := cmp.Diff(tt.want, g, cmp.AllowUnexported(want{})); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseDCVEmails(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		body  string
		want  *DCVEmailList
		class provider.Class
	}{
		{name: "tab lines with whois", body: "0\ndomain_name\twww.test-domain.org\nwhois_email\t support@test-domain.org\nlevel2_email\t admin@test-domain.org\n" +
			"level2_email\t postmaster@test-domain.org\nlevel3_email\t admin@www.test-domain.org\nlevel3_email\t postmaster@www.test-domain.org\n",
			want: &DCVEmailList{Domain: "www.test-domain.org", WhoisEmails: []string{"support@test-domain.org"},
				Addresses: []string{"admin@test-domain.org", "postmaster@test-domain.org", "admin@www.test-domain.org", "postmaster@www.test-domain.org"}}},
		{name: "CRLF, spaces, mixed case, repeats", body: "0\r\nDomain_Name   Example.COM\r\nlevel2_email   Admin@Example.com\r\nLEVEL2_EMAIL\tadmin@example.com\r\n",
			want: &DCVEmailList{Domain: "example.com", Addresses: []string{"admin@example.com"}}},
		{name: "url-encoded variant", body: "errorCode=0&domain_name=example.com&level2_email=admin%40example.com&level2_email=webmaster%40example.com",
			want: &DCVEmailList{Domain: "example.com", Addresses: []string{"admin@example.com", "webmaster@example.com"}}},
		{name: "Key: Value lines", body: "0\nlevel2_email: hostmaster@example.com\n",
			want: &DCVEmailList{Addresses: []string{"hostmaster@example.com"}}},
		{name: "invalid domain", body: "-4\nThe value of the 'domainName' argument is invalid!\n", class: provider.Invalid},
		{name: "no addresses", body: "0\ndomain_name\texample.com\n", class: provider.Temporary},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := parseDCVEmails([]byte(tt.body))
			checkParse(t, got, tt.want, err, tt.class, "")
		})
	}
}

func TestParseDecodeCSR(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		body     string
		want     *DecodedCSR
		class    provider.Class
		problems int
	}{
		{name: "fields", body: "0\nCN=www.example.com\nOU=\nO=Example Ltd\nPOBox=\nSTREET=1 Main St\nSTREET=\nSTREET=\nL=Leeds\nS=West Yorkshire\n" +
			"PostalCode=LS1 1AA\nC=GB\nEmail=\nPhone=\nKeySize=2048\ndnsName(s)=www.example.com, Example.com\nmd5=03eef616bc49996440796fc68dc80511\nsha1=96D7DA020FFF9729726E4F7CEEAA7E3C31AD83CE\n",
			want: &DecodedCSR{CommonName: "www.example.com", Organization: "Example Ltd", Street: []string{"1 Main St"}, Locality: "Leeds",
				State: "West Yorkshire", PostalCode: "LS1 1AA", Country: "GB", KeySize: 2048, DNSNames: []string{"www.example.com", "example.com"},
				MD5: "03EEF616BC49996440796FC68DC80511", SHA1: "96D7DA020FFF9729726E4F7CEEAA7E3C31AD83CE"}},
		{name: "CRLF and no empty fields", body: "0\r\nCN=shop.example.com\r\nKeySize=256\r\n",
			want: &DecodedCSR{CommonName: "shop.example.com", KeySize: 256}},
		{name: "one problem", body: "1\n-13\tThe CSR's key size (1024 bits) is not supported!\nCN=www.example.com\n", class: provider.Invalid, problems: 1},
		{name: "two problems, space separated", body: "2\n-12 invalid signature\n-40 key compromised\n", class: provider.Invalid, problems: 2},
		{name: "argument error", body: "-2\n'loginName' is an unrecognised argument!\n", class: provider.Invalid},
		{name: "nothing decoded", body: "0\n", class: provider.Temporary},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := parseDecodeCSR([]byte(tt.body))
			if tt.problems > 0 {
				if got == nil || len(got.Problems) != tt.problems {
					t.Fatalf("problems = %+v, want %d", got, tt.problems)
				}
				if pe := err.(*provider.Error); pe.Field != "csr" {
					t.Errorf("field = %q, want csr", pe.Field)
				}
			}
			if tt.problems > 0 {
				checkParse(t, (*DecodedCSR)(nil), (*DecodedCSR)(nil), err, tt.class, "csr")
				return
			}
			checkParse(t, got, tt.want, err, tt.class, "")
		})
	}
}

func TestParseReplaceRevokeRefundAck(t *testing.T) {
	t.Parallel()
	t.Run("replace", func(t *testing.T) {
		t.Parallel()
		tests := []struct {
			name  string
			body  string
			want  *ReplaceResult
			class provider.Class
		}{
			{name: "url-encoded", body: "errorCode=0&expectedDeliveryTime=0&certificateID=abc123456",
				want: &ReplaceResult{CertificateID: "abc123456", ExpectedDeliveryTime: "0"}},
			{name: "newline", body: "0\n2264938336\n1\nhPuLxocapr\n", want: &ReplaceResult{CertificateID: "2264938336", ExpectedDeliveryTime: "1", UniqueValue: "hPuLxocapr"}},
			{name: "revoked", body: "errorCode=-21", class: provider.Rejected},
			{name: "cancelled", body: "-20\nThe order has already been cancelled!\n", class: provider.Rejected},
		}
		for _, tt := range tests {
			got, err := parseReplace([]byte(tt.body))
			checkParse(t, got, tt.want, err, tt.class, "")
		}
	})
	t.Run("revoke", func(t *testing.T) {
		t.Parallel()
		tests := []struct {
			body  string
			want  *RevokeResult
			class provider.Class
		}{
			{body: "errorCode=0", want: &RevokeResult{}},
			{body: "0\n", want: &RevokeResult{}},
			{body: "errorCode=-21&errorMessage=Already+revoked", want: &RevokeResult{AlreadyRevoked: true}},
			{body: "errorCode=-3&errorMessage=The+%27revocationReason%27+argument+is+missing%21", class: provider.Invalid},
		}
		for _, tt := range tests {
			got, err := parseRevoke([]byte(tt.body))
			checkParse(t, got, tt.want, err, tt.class, "")
		}
	})
	t.Run("refund", func(t *testing.T) {
		t.Parallel()
		tests := []struct {
			body  string
			want  *RefundResult
			class provider.Class
		}{
			{body: "errorCode=0", want: &RefundResult{}},
			{body: "-20\nThe order has already been canceled\n", want: &RefundResult{AlreadyCancelled: true}},
			{body: "errorCode=-18&errorMessage=This+order+has+already+been+refunded", want: &RefundResult{AlreadyRefunded: true}},
			{body: "errorCode=-16", class: provider.Auth},
		}
		for _, tt := range tests {
			got, err := parseRefund([]byte(tt.body))
			checkParse(t, got, tt.want, err, tt.class, "")
		}
	})
	t.Run("ack", func(t *testing.T) {
		t.Parallel()
		tests := []struct {
			command string
			body    string
			class   provider.Class
		}{
			{command: cmdUpdateDCV, body: "errorCode=0"},
			{command: cmdUpdateDCV, body: "errorCode=-2&errorMessage=%27responseFormat%27+is+an+unrecognised+argument%21", class: provider.Invalid},
			{command: cmdResend, body: "errorCode=0\r\n"},
			{command: cmdResend, body: "errorCode=-4&errorMessage=The+value+of+the+%27dcvEmailAddress%27+argument+is+invalid%21", class: provider.Invalid},
			{command: cmdAuthorize, body: "0\n"},
			{command: cmdAuthorize, body: "-15\nNot enough credit!\n", class: provider.Temporary},
			{command: cmdAuthorize, body: "OK", class: provider.Temporary},
		}
		for _, tt := range tests {
			err := parseAck(tt.command, []byte(tt.body))
			if tt.class == "" {
				if err != nil {
					t.Errorf("%s %q: %v", tt.command, tt.body, err)
				}
				continue
			}
			if c := errClass(t, err); c != tt.class {
				t.Errorf("%s %q: class %s, want %s", tt.command, tt.body, c, tt.class)
			}
		}
	})
}

func TestParseReport(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		body  string
		want  *Report
		class provider.Class
	}{
		{name: "empty", body: "error_code=0&noOfResults=0", want: &Report{}},
		{name: "two orders", body: "error_code=0&noOfResults=2&1_orderNumber=1234567&1_dateTime=1767225600&1_foreignOrderNumber=ref-1&1_cost=10.00" +
			"&1_1_certificateID=2000000001&1_1_domain=Shop.example.com&1_1_certificateStatusDesc=Replaced&1_1_serialNumber=0A1B" +
			"&1_2_certificateID=2000000002&1_2_domain=shop.example.com&1_2_certificateStatusDesc=Issued&1_2_notBefore=1767225600&1_2_notAfter=1784505599" +
			"&2_orderNumber=1234570&2_dateTime=1767229200&2_1_domain=www.example.org&2_1_mdcDomainNames=a.example.org%2Cb.example.org&2_1_status=Awaiting+Validation",
			want: &Report{NoOfResults: 2, Orders: []ReportOrder{
				{Row: 1, OrderNumber: "1234567", ForeignOrderNumber: "ref-1", Placed: time.Unix(1767225600, 0).UTC(), Cost: "10.00", Certificates: []ReportCertificate{
					{Row: 1, CertificateID: "2000000001", Domain: "shop.example.com", RawStatus: "Replaced", Status: StatusReplaced, SerialNumber: "0a1b"},
					{Row: 2, CertificateID: "2000000002", Domain: "shop.example.com", RawStatus: "Issued", Status: StatusIssued,
						NotBefore: time.Unix(1767225600, 0).UTC(), NotAfter: time.Unix(1784505599, 0).UTC()},
				}},
				{Row: 2, OrderNumber: "1234570", Placed: time.Unix(1767229200, 0).UTC(), Certificates: []ReportCertificate{
					{Row: 1, Domain: "www.example.org", ExtraDomains: []string{"a.example.org", "b.example.org"}, RawStatus: "Awaiting Validation", Status: StatusPending},
				}},
			}}},
		{name: "rows out of order, caacheckfailed", body: "error_code=0&noOfResults=1&1_1_certificateStatusDesc=caacheckfailed&1_orderNumber=7654321",
			want: &Report{NoOfResults: 1, Orders: []ReportOrder{{Row: 1, OrderNumber: "7654321",
				Certificates: []ReportCertificate{{Row: 1, RawStatus: "caacheckfailed", Status: StatusRejected}}}}}},
		{name: "login refused", body: "error_code=-16&error_message=Incorrect+login+details%2C+account+is+locked%2C+password+has+expired%2C+or+your+source+IP+is+blocked%21", class: provider.Auth},
		{name: "camel-case code", body: "errorCode=-3&errorMessage=The+%27loginPassword%27+argument+is+missing%21", class: provider.Invalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := parseReport([]byte(tt.body))
			checkParse(t, got, tt.want, err, tt.class, "")
		})
	}
}

func TestTimeAndMoney(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int64{"1388576001": 1388576001, "2026-03-15T00:00:00Z": 1773532800, "2026-03-15": 1773532800, "": 0, "-5": 0, "soon": 0} {
		got := timeOf(in)
		if got.IsZero() && want != 0 || !got.IsZero() && got.Unix() != want {
			t.Errorf("timeOf(%q) = %v, want %d", in, got, want)
		}
	}
	for in, want := range map[string]int64{"210.00": 21000, "12.9": 1290, "5": 500, " 0.01 ": 1, "": -1, "1.234": -1, "-1.00": -1, "abc": -1} {
		if got := minorUnits(in); got != want {
			t.Errorf("minorUnits(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestCertsFromValue(t *testing.T) {
	t.Parallel()
	leaf, inter, _, leafPEM, interPEM, _ := testChain(t)
	wrapped := ""
	for i := 0; i < len(leaf); i += 64 {
		wrapped += leaf[i:min(i+64, len(leaf))] + "\r\n"
	}
	tests := []struct {
		name string
		in   string
		want []string
		bad  bool
	}{
		{name: "base64 DER", in: leaf, want: []string{leafPEM}},
		{name: "wrapped base64", in: wrapped, want: []string{leafPEM}},
		{name: "pluses as spaces", in: strings.ReplaceAll(inter, "+", " "), want: []string{interPEM}},
		{name: "PEM with CRLF", in: strings.ReplaceAll(leafPEM+interPEM, "\n", "\r\n"), want: []string{leafPEM, interPEM}},
		{name: "empty", in: "  "},
		{name: "not base64", in: "!!!", bad: true},
		{name: "PEM of a key only", in: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", bad: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := certsFromValue(tt.in)
			if tt.bad != (err != nil) {
				t.Fatalf("err = %v, want bad=%v", err, tt.bad)
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
