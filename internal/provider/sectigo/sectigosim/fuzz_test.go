package sectigosim

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzServe sends arbitrary form bodies to every endpoint: the simulator must answer, never panic.
func FuzzServe(f *testing.F) {
	s := New(Options{DefaultPassword: "pw-fuzz-1", IssueAfterPolls: 1})
	paths := []string{"!AutoApplySSL", "download/CollectSSL", "!GetDCVEmailAddressList", "!DecodeCSR", "!AutoReplaceSSL",
		"!AutoRevokeSSL", "!AutoRefund", "!AutoUpdateDCV", "!ResendDCVEmail", "!AutoAuthorize", "!WebHostReport"}
	f.Add(uint8(0), "loginName=sim-reseller&loginPassword=pw-fuzz-1&product=287&days=365&csr=AAAA&serverSoftware=-1")
	f.Add(uint8(1), "loginName=sim-reseller&loginPassword=pw-fuzz-1&orderNumber=1&queryType=1&responseType=2")
	f.Add(uint8(3), "csr=-----BEGIN+CERTIFICATE+REQUEST-----%0AMIIB%0A-----END+CERTIFICATE+REQUEST-----&showCSRHashes=Y")
	f.Add(uint8(10), "loginName=sim-reseller&loginPassword=pw-fuzz-1&fqdn=%25%25_%25&notBefore=-1&lastResultNo=0")
	f.Add(uint8(2), "loginName=sim-reseller&loginPassword=pw-fuzz-1&domainName=*.a.b.co.uk&responseFormat=9")
	f.Fuzz(func(t *testing.T, which uint8, body string) {
		path := paths[int(which)%len(paths)]
		req := httptest.NewRequest(http.MethodPost, "/products/"+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		w := httptest.NewRecorder()
		s.Handler().ServeHTTP(w, req)
		if w.Code != http.StatusOK && w.Code < 500 {
			t.Fatalf("status %d for %s %q", w.Code, path, body)
		}
	})
}

// FuzzReadCSR feeds arbitrary text to the simulator's CSR reader.
func FuzzReadCSR(f *testing.F) {
	f.Add(dcvCSR)
	f.Add("hello")
	f.Add("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n")
	f.Fuzz(func(t *testing.T, text string) {
		r, bad := readCSR(text)
		if (r == nil) == (bad == nil) {
			t.Fatal("readCSR must return a request or an error answer")
		}
		if bad != nil && bad.code >= 0 {
			t.Fatalf("error answer with code %d", bad.code)
		}
	})
}
