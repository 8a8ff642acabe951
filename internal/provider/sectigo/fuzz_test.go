package sectigo

import (
	"errors"
	"testing"

	"github.com/sslreseller/sslreseller/internal/provider"
)

// Seeds shared by the fuzz targets: the shapes of providers.md and their odd relatives.
var fuzzSeeds = []string{
	"errorCode=0&orderNumber=3040824&totalCost=210.00&expectedDeliveryTime=1&uniqueValue=TnerFu0d",
	"0\n3040824\n210.00\n1\nTnerFu0d\n",
	"errorCode=-3&errorMessage=The+%27csr%27+argument+is+missing%21",
	"-16\r\nPermission denied\r\n",
	"errorCode=1&orderNumber=12345678&notBefore=1388576001&notAfter=1420112001&csrStatus=4&certificateStatus=3&validationStatus=1&certificate=234&caCertificate=123",
	"2\n-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
	"0\ndomain_name\twww.test-domain.org\nlevel2_email\t admin@test-domain.org\n",
	"1\n-13\tkey size\nCN=www.example.com\ndnsName(s)=a,b\n",
	"error_code=0&noOfResults=1&1_orderNumber=1&1_1_certificateStatusDesc=Issued&1_1_notBefore=99999999999",
	"errorCode: 0\norderNumber: 1\n",
	"<html>maintenance</html>",
	"\ufeff\r\r&&==%zz",
	"",
}

func addSeeds(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
}

// checkErr fails unless err is nil or a classified *provider.Error.
func checkErr(t *testing.T, err error) {
	if err == nil {
		return
	}
	var pe *provider.Error
	if !errors.As(err, &pe) || pe.Class == "" || pe.Message == "" {
		t.Fatalf("unclassified error %T %v", err, err)
	}
}

func FuzzParseReply(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := parseReply(b)
		if err == nil {
			_ = r.message()
			_ = r.positional(3, "x")
			checkErr(t, r.failure("X"))
		}
	})
}

func FuzzParseApply(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		res, err := parseApply(b)
		checkErr(t, err)
		if err == nil && res.OrderNumber == "" {
			t.Fatal("success without an order number")
		}
	})
}

func FuzzParseCollect(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		res, err := parseCollect(b)
		checkErr(t, err)
		if err == nil && res.Status == "" {
			t.Fatal("no status")
		}
	})
}

func FuzzParseDCVEmails(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		_, err := parseDCVEmails(b)
		checkErr(t, err)
	})
}

func FuzzParseDecodeCSR(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		_, err := parseDecodeCSR(b)
		checkErr(t, err)
	})
}

func FuzzParseReplace(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		_, err := parseReplace(b)
		checkErr(t, err)
	})
}

func FuzzParseRevoke(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		_, err := parseRevoke(b)
		checkErr(t, err)
	})
}

func FuzzParseRefund(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		_, err := parseRefund(b)
		checkErr(t, err)
	})
}

func FuzzParseAck(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		checkErr(t, parseAck(cmdUpdateDCV, b))
	})
}

func FuzzParseReport(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		rep, err := parseReport(b)
		checkErr(t, err)
		if err == nil && rep.NoOfResults < len(rep.Orders) {
			t.Fatal("fewer results than orders")
		}
	})
}

func FuzzCertsFromValue(f *testing.F) {
	addSeeds(f)
	f.Add([]byte("TUlJQg=="))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = certsFromValue(string(b))
		_ = timeOf(string(b))
		_ = minorUnits(string(b))
		_ = StatusOf(string(b))
		_, _ = ComputeDCV(b, "u")
	})
}
