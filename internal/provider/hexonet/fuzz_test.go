package hexonet

import (
	"errors"
	"testing"

	"github.com/sslreseller/sslreseller/internal/provider"
)

// seedBodies are the literal answers every body fuzzer starts from.
var seedBodies = []string{
	sampleStatusAccount, sampleStatusUser, sampleParseCSR, sampleApprovers, sampleCreate, sampleStatusIssued,
	sampleList, sampleReissue, sampleEmptyOK, sampleAuthFailed, sampleNotFound, sampleMissing,
	crlf(sampleStatusIssued), "", "[RESPONSE]\nCODE = 200\n", "<html>503</html>", "PROPERTY[X][99999] = 1\nCODE=200",
	"CODE: 200\nPROPERTY[A]: <![CDATA[x]]>\nPROPERTY[A][1]=y",
}

func addSeeds(f *testing.F) {
	for _, s := range seedBodies {
		f.Add([]byte(s))
	}
}

// checkErr fails unless err is nil or a classified *provider.Error: a parser never returns anything else.
func checkErr(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var pe *provider.Error
	if !errors.As(err, &pe) || pe.Class == "" || pe.Message == "" {
		t.Fatalf("unclassified error %#v", err)
	}
}

func FuzzParseResponse(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := parseResponse(body)
		checkErr(t, err)
		if err == nil {
			if r.Code < 0 || r.Code > 999 {
				t.Fatalf("code %d", r.Code)
			}
			for _, n := range r.PropertyNames() {
				_ = r.Property(n)
				_ = r.First(n)
			}
			_ = responseError(r)
		}
	})
}

func FuzzParseStatusAccount(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		_, err := parseStatusAccount(body)
		checkErr(t, err)
	})
}

func FuzzParseStatusUser(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		u, err := parseStatusUser(body)
		checkErr(t, err)
		if err == nil {
			for _, p := range u.Prices {
				if p.Period < 1 || p.Annual.Minor < 0 || p.Setup.Minor < 0 {
					t.Fatalf("price %+v", p)
				}
			}
		}
	})
}

func FuzzParseCSRDetails(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		_, err := parseCSRDetails(body)
		checkErr(t, err)
	})
}

func FuzzParseApprovers(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		list, err := parseApprovers(body)
		checkErr(t, err)
		for _, a := range list {
			if a.Email == "" {
				t.Fatal("empty approver")
			}
			_ = a.Constructed()
		}
	})
}

func FuzzParseCertificate(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		c, err := parseCertificate(body)
		checkErr(t, err)
		if err == nil && c.ID == "" {
			t.Fatal("certificate without ID")
		}
	})
}

func FuzzParseReissue(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		_, err := parseReissue(body)
		checkErr(t, err)
	})
}

func FuzzParseEmpty(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		checkErr(t, parseEmpty(body))
	})
}

func FuzzParseCertificateList(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		l, err := parseCertificateList(body)
		checkErr(t, err)
		if err == nil {
			for _, c := range l.Certificates {
				if c.ID == "" {
					t.Fatal("row without ID")
				}
			}
		}
	})
}

func FuzzParseDNSRR(f *testing.F) {
	for _, s := range []string{"_abc.example.com. CNAME abc.def.sectigo.com.", "x 3600 IN TXT \"a b\"", "", "a b", "1 IN IN IN"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		rec, ok := parseDNSRR(s)
		if ok && (rec.Host == "" || rec.Type == "") {
			t.Fatalf("record %+v", rec)
		}
	})
}

func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"19.00", "-1658.90", "129.995", "", ".", "1e3", "99999999999999999999", "9223372036854775807", "922337203685477580.79"} {
		f.Add(s, "USD")
	}
	f.Add("1300", "JPY")
	f.Fuzz(func(t *testing.T, s, currency string) {
		_, _ = parseAmount(s, currency)
	})
}

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2016-11-02 10:53:28", "2017-11-22", "2017-11-22T23:59:59Z", "", "yesterday"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tm, err := parseTime(s)
		if err == nil && !tm.IsZero() && tm.Location().String() != "UTC" {
			t.Fatalf("time %v not UTC", tm)
		}
	})
}
