package pki

import (
	"bytes"
	"crypto/x509"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestCAIssueAndVerify(t *testing.T) {
	t.Parallel()
	ca := newTestCA(t)
	tests := []struct {
		keyType    string
		validation Validation
		wantKU     x509.KeyUsage
		wantPolicy string
		wantOrg    []string
	}{
		{KeyECDSAP256, ValidationDV, x509.KeyUsageDigitalSignature, "2.23.140.1.2.1", nil},
		{KeyECDSAP384, ValidationOV, x509.KeyUsageDigitalSignature, "2.23.140.1.2.2", []string{"Example Ltd"}},
		{KeyRSA2048, ValidationEV, x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment, "2.23.140.1.1", []string{"Example Ltd"}},
	}
	for _, tc := range tests {
		t.Run(tc.keyType+" "+string(tc.validation), func(t *testing.T) {
			t.Parallel()
			key := mustKey(t, tc.keyType)
			csrPEM, err := CreateCSR(key, Subject{}, []string{"www.example.com", "example.com"})
			if err != nil {
				t.Fatal(err)
			}
			notBefore := time.Date(2026, time.June, 1, 12, 0, 0, 0, time.UTC)
			iss, err := ca.Issue(IssueRequest{
				CSRPEM:       csrPEM,
				NotBefore:    notBefore,
				Validity:     90 * 24 * time.Hour,
				Validation:   tc.validation,
				Organization: Subject{Organization: "Example Ltd", OrganizationalUnit: "IT", Country: "GB", Locality: "London"},
			})
			if err != nil {
				t.Fatalf("Issue: %v", err)
			}
			certs, err := ParseCertificatesPEM(iss.CertPEM)
			if err != nil {
				t.Fatal(err)
			}
			leaf := certs[0]
			inter, err := ParseCertificatesPEM(iss.ChainPEM)
			if err != nil {
				t.Fatal(err)
			}
			var policies []string
			for _, p := range leaf.Policies {
				policies = append(policies, p.String())
			}
			type view struct {
				CN, Serial          string
				Org, OU, DNS        []string
				NotBefore, NotAfter time.Time
				KU                  x509.KeyUsage
				EKU                 []x509.ExtKeyUsage
				IsCA                bool
				Policies            []string
				AKIDMatches         bool
				PublicKeyMatches    bool
			}
			got := view{
				CN: leaf.Subject.CommonName, Serial: SerialHex(leaf.SerialNumber), Org: leaf.Subject.Organization, OU: leaf.Subject.OrganizationalUnit, DNS: leaf.DNSNames,
				NotBefore: leaf.NotBefore, NotAfter: leaf.NotAfter, KU: leaf.KeyUsage, EKU: leaf.ExtKeyUsage, IsCA: leaf.IsCA, Policies: policies,
				AKIDMatches:      bytes.Equal(leaf.AuthorityKeyId, inter[0].SubjectKeyId),
				PublicKeyMatches: publicKeyEqual(key.Public(), leaf.PublicKey),
			}
			want := view{
				CN: "www.example.com", Serial: iss.Serial, Org: tc.wantOrg, DNS: []string{"www.example.com", "example.com"},
				NotBefore: notBefore, NotAfter: notBefore.Add(90*24*time.Hour - time.Second), KU: tc.wantKU,
				EKU: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, Policies: []string{tc.wantPolicy}, AKIDMatches: true, PublicKeyMatches: true,
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("leaf (-want +got):\n%s", diff)
			}
			if !iss.NotBefore.Equal(leaf.NotBefore) || !iss.NotAfter.Equal(leaf.NotAfter) {
				t.Errorf("Issued dates %v..%v differ from the certificate's %v..%v", iss.NotBefore, iss.NotAfter, leaf.NotBefore, leaf.NotAfter)
			}
			if leaf.SerialNumber.Sign() <= 0 || leaf.SerialNumber.BitLen() > 128 || leaf.SerialNumber.BitLen() < 64 {
				t.Errorf("serial %s is not a positive random 128-bit number", iss.Serial)
			}
			if iss.Serial != strings.ToLower(iss.Serial) || strings.ContainsAny(iss.Serial, ": ") {
				t.Errorf("serial %q is not lower-case hex without separators", iss.Serial)
			}

			root := ca.RootPEM()
			verify := []struct {
				name    string
				at      time.Time
				dnsName string
				chain   []byte
				wantErr string
			}{
				{"at issuance", notBefore, "example.com", iss.ChainPEM, ""},
				{"last second", iss.NotAfter, "www.example.com", iss.ChainPEM, ""},
				{"any name", notBefore.Add(time.Hour), "", iss.ChainPEM, ""},
				{"expired", iss.NotAfter.Add(time.Second), "www.example.com", iss.ChainPEM, "expired"},
				{"not yet valid", notBefore.Add(-time.Second), "www.example.com", iss.ChainPEM, "not yet valid"},
				{"other name", notBefore, "mail.example.com", iss.ChainPEM, "mail.example.com"},
				{"missing chain", notBefore, "example.com", nil, "unknown authority"},
			}
			for _, v := range verify {
				err := Verify(iss.CertPEM, v.chain, root, v.at, v.dnsName)
				switch {
				case v.wantErr == "" && err != nil:
					t.Errorf("Verify %s: %v", v.name, err)
				case v.wantErr != "" && (err == nil || !strings.Contains(err.Error(), v.wantErr)):
					t.Errorf("Verify %s: %v, want an error containing %q", v.name, err, v.wantErr)
				}
			}
			if err := Verify(FullChainPEM(iss.CertPEM, iss.ChainPEM), nil, root, notBefore, "example.com"); err != nil {
				t.Errorf("Verify of the full chain: %v", err)
			}
			other := newTestCA(t)
			if err := Verify(iss.CertPEM, iss.ChainPEM, other.RootPEM(), notBefore, "example.com"); err == nil {
				t.Error("Verify against another CA's root succeeded")
			}
		})
	}
}

func TestCAValidityCap(t *testing.T) {
	t.Parallel()
	ca := newTestCA(t)
	key := mustKey(t, "")
	csr, err := x509.ParseCertificateRequest(mustDER(t, rawCSR(t, key, "example.com")))
	if err != nil {
		t.Fatal(err)
	}
	const twoYears = 730 * 24 * time.Hour
	tests := []struct {
		name     string
		at       time.Time
		validity time.Duration
		wantDays int
	}{
		{"day before SC-081", time.Date(2026, time.March, 14, 9, 30, 0, 0, time.UTC), twoYears, 398},
		{"first day of 200", time.Date(2026, time.March, 15, 0, 0, 0, 0, time.UTC), twoYears, 200},
		{"a November order", time.Date(2026, time.November, 22, 15, 4, 5, 0, time.UTC), twoYears, 200},
		{"first day of 100", time.Date(2027, time.March, 15, 0, 0, 0, 0, time.UTC), twoYears, 100},
		{"first day of 47", time.Date(2029, time.March, 15, 0, 0, 0, 0, time.UTC), twoYears, 47},
		{"zero asks for the maximum", time.Date(2027, time.March, 14, 0, 0, 0, 0, time.UTC), 0, 200},
		{"shorter request kept", time.Date(2026, time.March, 14, 0, 0, 0, 0, time.UTC), 90 * 24 * time.Hour, 90},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			iss, err := ca.Issue(IssueRequest{CSR: csr, NotBefore: tc.at, Validity: tc.validity})
			if err != nil {
				t.Fatalf("Issue: %v", err)
			}
			leaf, err := ParseCertificatesPEM(iss.CertPEM)
			if err != nil {
				t.Fatal(err)
			}
			// The Baseline Requirements count both ends, so the span plus one second is the validity.
			got := leaf[0].NotAfter.Sub(leaf[0].NotBefore) + time.Second
			if want := time.Duration(tc.wantDays) * 24 * time.Hour; got != want {
				t.Errorf("validity %v (%.1f days), want %d days", got, got.Hours()/24, tc.wantDays)
			}
			if err := Verify(iss.CertPEM, iss.ChainPEM, ca.RootPEM(), tc.at, "example.com"); err != nil {
				t.Errorf("Verify: %v", err)
			}
		})
	}
}

func TestCAIssueErrors(t *testing.T) {
	t.Parallel()
	ca := newTestCA(t)
	csrPEM := rawCSR(t, mustKey(t, ""), "example.com")
	at := time.Date(2026, time.June, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		req       IssueRequest
		wantField string
		want      string
	}{
		{"no CSR", IssueRequest{NotBefore: at}, "csr", "a certificate request is required"},
		{"bad CSR", IssueRequest{CSRPEM: []byte("x"), NotBefore: at}, "csr", "no certificate request found"},
		{"no start", IssueRequest{CSRPEM: csrPEM}, "not_before", "the start of validity is required"},
		{"negative validity", IssueRequest{CSRPEM: csrPEM, NotBefore: at, Validity: -time.Hour}, "validity", "cannot be negative"},
		{"before the CA", IssueRequest{CSRPEM: csrPEM, NotBefore: caEpoch().Add(-2 * time.Hour)}, "not_before", "outside the issuing CA's validity"},
		{"after the CA", IssueRequest{CSRPEM: csrPEM, NotBefore: caEpoch().AddDate(6, 0, 0)}, "not_before", "outside the issuing CA's validity"},
		{"bad name", IssueRequest{CSRPEM: csrPEM, NotBefore: at, Names: []string{"example.com", "*.*.example.com"}}, "names", "has more than one wildcard"},
		{"unknown level", IssueRequest{CSRPEM: csrPEM, NotBefore: at, Validation: "qv"}, "validation", `unknown validation level "qv"`},
		{"OV without organisation", IssueRequest{CSRPEM: csrPEM, NotBefore: at, Validation: ValidationOV, Organization: Subject{Organization: "Example Ltd"}}, "organization", "ov certificates need the organisation's name and country"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := ca.Issue(tc.req)
			if err == nil {
				t.Fatal("no error")
			}
			if f, d := fieldDetail(t, err); f != tc.wantField || !strings.Contains(d, tc.want) {
				t.Errorf("%s: %s; want %s: %s", f, d, tc.wantField, tc.want)
			}
		})
	}
}

func TestCAIssueNamesOverrideAndIntermediateExpiry(t *testing.T) {
	t.Parallel()
	ca := newTestCA(t)
	csrPEM := rawCSR(t, mustKey(t, ""), "ignored.example.com")
	// Near the end of the intermediate the leaf is cut short rather than outliving its issuer.
	at := caEpoch().AddDate(5, 0, 0).Add(-10 * 24 * time.Hour)
	iss, err := ca.Issue(IssueRequest{CSRPEM: csrPEM, Names: []string{"API.example.com", "api.example.com", "*.example.com"}, NotBefore: at})
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := ParseCertificatesPEM(iss.CertPEM)
	if err != nil {
		t.Fatal(err)
	}
	inter, err := ParseCertificatesPEM(ca.IntermediatePEM())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"api.example.com", "*.example.com"}, leaf[0].DNSNames); diff != "" {
		t.Errorf("DNSNames (-want +got):\n%s", diff)
	}
	if leaf[0].Subject.CommonName != "api.example.com" {
		t.Errorf("CN %q", leaf[0].Subject.CommonName)
	}
	if !leaf[0].NotAfter.Equal(inter[0].NotAfter) {
		t.Errorf("NotAfter %v, want the intermediate's %v", leaf[0].NotAfter, inter[0].NotAfter)
	}
}

func TestCAStructure(t *testing.T) {
	t.Parallel()
	ca := newTestCA(t)
	root, err := ParseCertificatesPEM(ca.RootPEM())
	if err != nil {
		t.Fatal(err)
	}
	inter, err := ParseCertificatesPEM(ca.IntermediatePEM())
	if err != nil {
		t.Fatal(err)
	}
	r, i := root[0], inter[0]
	type view struct {
		CN                  string
		IsCA, PathLenZero   bool
		MaxPathLen          int
		KU                  x509.KeyUsage
		NotBefore, NotAfter time.Time
		SKIDLen             int
		AKIDIsIssuer        bool
	}
	start := caEpoch().Add(-time.Hour)
	got := []view{
		{r.Subject.CommonName, r.IsCA, r.MaxPathLenZero, r.MaxPathLen, r.KeyUsage, r.NotBefore, r.NotAfter, len(r.SubjectKeyId), len(r.AuthorityKeyId) == 0 || bytes.Equal(r.AuthorityKeyId, r.SubjectKeyId)},
		{i.Subject.CommonName, i.IsCA, i.MaxPathLenZero, i.MaxPathLen, i.KeyUsage, i.NotBefore, i.NotAfter, len(i.SubjectKeyId), bytes.Equal(i.AuthorityKeyId, r.SubjectKeyId)},
	}
	want := []view{
		{"Sandbox Test CA", true, false, 1, x509.KeyUsageCertSign | x509.KeyUsageCRLSign, start, start.AddDate(10, 0, 0), 20, true},
		{"Sandbox Test CA Issuing CA", true, true, 0, x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature, start, start.AddDate(5, 0, 0), 20, true},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CA certificates (-want +got):\n%s", diff)
	}
	if err := i.CheckSignatureFrom(r); err != nil {
		t.Errorf("intermediate not signed by root: %v", err)
	}
}

func TestCAMarshalLoad(t *testing.T) {
	t.Parallel()
	ca := newTestCA(t)
	data, err := ca.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := LoadCA(data)
	if err != nil {
		t.Fatalf("LoadCA: %v", err)
	}
	if !bytes.Equal(loaded.RootPEM(), ca.RootPEM()) || !bytes.Equal(loaded.IntermediatePEM(), ca.IntermediatePEM()) {
		t.Error("loaded CA has other certificates")
	}
	again, err := loaded.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, data) {
		t.Error("Marshal after LoadCA differs")
	}
	at := time.Date(2026, time.May, 5, 0, 0, 0, 0, time.UTC)
	iss, err := loaded.Issue(IssueRequest{CSRPEM: rawCSR(t, mustKey(t, ""), "example.com"), NotBefore: at})
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(iss.CertPEM, iss.ChainPEM, ca.RootPEM(), at, "example.com"); err != nil {
		t.Errorf("a certificate from the loaded CA does not verify under the original root: %v", err)
	}

	other := newTestCA(t)
	otherData, err := other.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	blocks := splitPEM(t, data)
	otherBlocks := splitPEM(t, otherData)
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "block 1 is not a CERTIFICATE"},
		{"truncated", bytes.Join(blocks[:3], nil), "block 4 is not a PRIVATE KEY"},
		{"root key of another CA", bytes.Join([][]byte{blocks[0], otherBlocks[1], blocks[2], blocks[3]}, nil), "the root key does not belong to the root certificate"},
		{"intermediate key of another CA", bytes.Join([][]byte{blocks[0], blocks[1], blocks[2], otherBlocks[3]}, nil), "the intermediate key does not belong"},
		{"intermediate of another CA", bytes.Join([][]byte{blocks[0], blocks[1], otherBlocks[2], otherBlocks[3]}, nil), "the intermediate is not signed by the root"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := LoadCA(tc.data)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("LoadCA: %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestNewCAErrors(t *testing.T) {
	t.Parallel()
	if _, err := NewCA("", caEpoch()); err == nil {
		t.Error("NewCA without a name: no error")
	}
	if _, err := NewCA("x", time.Time{}); err == nil {
		t.Error("NewCA without a time: no error")
	}
}
