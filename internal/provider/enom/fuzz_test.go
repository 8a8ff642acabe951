package enom

import (
	"errors"
	"strings"
	"testing"

	"github.com/sslreseller/sslreseller/internal/provider"
)

// seeds are every literal payload, for every parser's fuzz target.
var seeds = []string{
	sampleBalanceXML, sampleBalanceColonText, sampleBalanceEqualsCRLF, sampleGetCertsXML, sampleGetCertsVendor,
	sampleGetCertsText, samplePurchaseServices, samplePurchaseNoCertID, sampleCertGetCerts, sampleCertGetCertsText,
	sampleConfigure, sampleConfigureDNS, sampleApprovers, sampleApproversText, sampleParseCSR, samplePurchaseCert,
	sampleCertDetail, sampleCertDetailIssued, sampleReissue, sampleModifyOrder, sampleChangeApprover, sampleResendApprover,
	sampleBadLoginXML, sampleBadLoginText, sampleIPRefused, samplePasswordsText, sampleInsufficientFunds, sampleTwoErrors,
	"", "<", "<a>", "Key=Value", "<interface-response><ErrCount>0</ErrCount><Done>true</Done></interface-response>",
}

func addSeeds(f *testing.F) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
}

// checkErr asserts the contract every parser keeps: an error is a classified *provider.Error with a
// message, and a result comes only without an error.
func checkErr(t *testing.T, ok bool, err error) {
	t.Helper()
	if err == nil {
		if !ok {
			t.Fatal("no error and no result")
		}
		return
	}
	var pe *provider.Error
	if !errors.As(err, &pe) || pe.Class == "" || pe.Message == "" {
		t.Fatalf("unclassified error %#v", err)
	}
}

func FuzzParseDocument(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		doc, err := parseDocument(b)
		if err == nil || err == errTruncated {
			doc.walk(func(n *node) { _ = n.value() })
		}
	})
}

func FuzzParseGetBalance(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := parseGetBalance(b)
		checkErr(t, r != nil, err)
	})
}

func FuzzParseGetCerts(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := parseGetCerts(b)
		checkErr(t, r != nil, err)
		if r != nil {
			for _, p := range r.Products {
				if p.Code == "" {
					t.Fatal("product without a code")
				}
			}
		}
	})
}

func FuzzParsePurchaseServices(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := parsePurchaseServices(b)
		checkErr(t, r != nil, err)
		if r != nil && r.CertID == "" {
			t.Fatal("purchase without a CertID")
		}
	})
}

func FuzzParseCertGetCerts(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := parseCertGetCerts(b)
		checkErr(t, r != nil, err)
		if r != nil {
			for _, c := range r.Certs {
				if c.CertID == "" {
					t.Fatal("row without a CertID")
				}
			}
		}
	})
}

func FuzzParseCertConfigureCert(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := parseCertConfigureCert(b)
		checkErr(t, r != nil, err)
	})
}

func FuzzParseCertGetApproverEmail(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := parseCertGetApproverEmail(b)
		checkErr(t, true, err)
		for _, a := range r {
			if strings.TrimSpace(a.Email) == "" {
				t.Fatal("empty approver")
			}
		}
	})
}

func FuzzParseCertParseCSR(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := parseCertParseCSR(b)
		checkErr(t, r != nil, err)
	})
}

func FuzzParseCertPurchaseCert(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := parseCertPurchaseCert(b)
		checkErr(t, r != nil, err)
	})
}

func FuzzParseCertGetCertDetail(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := parseCertGetCertDetail(b)
		checkErr(t, r != nil, err)
		if r != nil && r.Status == StatusIssued && r.CertificatePEM == "" {
			t.Fatal("issued without a certificate")
		}
	})
}

func FuzzParseCertReissueCert(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := parseCertReissueCert(b)
		checkErr(t, r != nil, err)
	})
}

func FuzzParseCertModifyOrder(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		_, err := parseCertModifyOrder(b)
		checkErr(t, true, err)
	})
}

func FuzzParseApproverChange(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		_, err := parseApproverChange(cmdCertChangeApproverEmail, b)
		checkErr(t, true, err)
	})
}

func FuzzParseMoney(f *testing.F) {
	for _, s := range []string{"$9.95", "2,261.65", "-1,832.23", "USD 1", "(3.00)", "9.951", "", ".", "-", "$-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := parseMoney(s)
		if err != nil && v != 0 {
			t.Fatal("value with an error")
		}
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"12/15/2016", "12/15/2016 5:13:02 PM", "2026-05-10", "", "1/1/1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { _ = parseDate(s) })
}

func FuzzFormatPhone(f *testing.F) {
	for _, s := range []string{"+1.4252744500", "+44 (0)20 7946 0958", "0044 20", "(425) 274-4500", "x", "+", "00", "+0.1234"} {
		f.Add(s, "US")
	}
	f.Fuzz(func(t *testing.T, phone, country string) {
		got, err := FormatPhone(phone, country)
		if err == nil && !canonicalPhone.MatchString(got) {
			t.Fatalf("FormatPhone(%q, %q) = %q, not +CC.NNNN", phone, country, got)
		}
	})
}

func FuzzCleanPEM(f *testing.F) {
	for _, s := range []string{testCertPEM, "-----BEGIN X----- a -----END X-----", "-----BEGIN", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { _ = cleanPEM(s) })
}
