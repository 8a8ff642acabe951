package sectigo

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sslreseller/sslreseller/internal/provider"
)

// dcvCSR was made with openssl; its hashes below were computed by openssl and md5sum/sha256sum over
// `openssl req -outform DER`, independently of this package.
const dcvCSR = `-----BEGIN CERTIFICATE REQUEST-----
MIIBDzCBtgIBADAaMRgwFgYDVQQDDA93d3cuZXhhbXBsZS5jb20wWTATBgcqhkjO
PQIBBggqhkjOPQMBBwNCAASQU7Gk7ITtKeoVGa/xP1aEC9+0LxfFZkt/AH35FrFX
tSxds/70lFbzi9yDvxkQcO1fEPd7zot9NVe/glSAI5pjoDowOAYJKoZIhvcNAQkO
MSswKTAnBgNVHREEIDAegg93d3cuZXhhbXBsZS5jb22CC2V4YW1wbGUuY29tMAoG
CCqGSM49BAMCA0gAMEUCIQDILlTD8m3ri64z/DmtIokzu7N0jgDo8IZUK3pMMesz
VgIgdf11c6MnwWjr8dYFX0xcZKGoSQmU1tJ8NtGdB5pjk8A=
-----END CERTIFICATE REQUEST-----
`

const (
	dcvMD5    = "03eef616bc49996440796fc68dc80511"
	dcvSHA256 = "b49e67642219a7a4c30b59876ff5961aca58ef86e86e4773380c8eeb5bbcdb39"
)

func TestComputeDCV(t *testing.T) {
	t.Parallel()
	bare := strings.Join(strings.Split(dcvCSR, "\n")[1:7], "\r\n")
	tests := []struct {
		name   string
		csr    string
		unique string
		method DCVMethod
		domain string
		want   DCVInstruction
	}{
		{name: "http with unique value", csr: dcvCSR, unique: "TnerFu0d", method: DCVHTTP, domain: "www.example.com", want: DCVInstruction{
			Method: DCVHTTP, Domain: "www.example.com",
			FileURL:     "http://www.example.com/.well-known/pki-validation/03EEF616BC49996440796FC68DC80511.txt",
			FilePath:    "/.well-known/pki-validation/03EEF616BC49996440796FC68DC80511.txt",
			FileContent: dcvSHA256 + "\ncomodoca.com\nTnerFu0d"}},
		{name: "https without unique value, bare base64", csr: bare, method: DCVHTTPS, domain: "Example.com", want: DCVInstruction{
			Method: DCVHTTPS, Domain: "example.com",
			FileURL:     "https://example.com/.well-known/pki-validation/03EEF616BC49996440796FC68DC80511.txt",
			FilePath:    "/.well-known/pki-validation/03EEF616BC49996440796FC68DC80511.txt",
			FileContent: dcvSHA256 + "\ncomodoca.com"}},
		{name: "cname for a wildcard", csr: dcvCSR, unique: "abc123", method: DCVCNAME, domain: "*.example.com", want: DCVInstruction{
			Method: DCVCNAME, Domain: "example.com", RecordType: "CNAME",
			RecordName:  "_" + dcvMD5 + ".example.com",
			RecordValue: dcvSHA256[:32] + "." + dcvSHA256[32:] + ".abc123.comodoca.com."}},
		{name: "cname without unique value", csr: dcvCSR, method: DCVCNAME, domain: "www.example.com", want: DCVInstruction{
			Method: DCVCNAME, Domain: "www.example.com", RecordType: "CNAME",
			RecordName:  "_" + dcvMD5 + ".www.example.com",
			RecordValue: "b49e67642219a7a4c30b59876ff5961a.ca58ef86e86e4773380c8eeb5bbcdb39.comodoca.com."}},
		{name: "email has no token", csr: dcvCSR, method: DCVEmail, domain: "example.com", want: DCVInstruction{Method: DCVEmail, Domain: "example.com"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := DCVInstructions([]byte(tt.csr), tt.unique, tt.method, []string{tt.domain})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]DCVInstruction{tt.want}, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	t.Run("other hash domain", func(t *testing.T) {
		t.Parallel()
		tok, err := ComputeDCVWithHashDomain([]byte(dcvCSR), "", "Sectigo.com")
		if err != nil {
			t.Fatal(err)
		}
		if tok.MD5 != dcvMD5 || tok.SHA256 != dcvSHA256 || !strings.HasSuffix(tok.FileContent(), "\nsectigo.com") {
			t.Errorf("tokens %+v", tok)
		}
	})
	for name, in := range map[string]string{
		"empty":       "",
		"not base64":  "hello world!",
		"certificate": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
		"damaged":     strings.Replace(dcvCSR, "MIIBDzCBtgIBADAa", "MIIBDzCBtgIBADAb", 1),
	} {
		t.Run("bad "+name, func(t *testing.T) {
			t.Parallel()
			_, err := ComputeDCV([]byte(in), "")
			if c := errClass(t, err); c != provider.Invalid || err.(*provider.Error).Field != "csr" {
				t.Errorf("got %v", err)
			}
		})
	}
}
