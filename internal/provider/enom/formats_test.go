package enom

import (
	"testing"
	"time"

	"github.com/sslreseller/sslreseller/internal/provider"
)

func TestParseMoney(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"$9.95", 995, true},
		{"9.95", 995, true},
		{"2,261.65", 226165, true},
		{"-1,832.23", -183223, true},
		{"$-5.00", -500, true},
		{"USD 19.95", 1995, true},
		{" $1,000 ", 100000, true},
		{"12.5", 1250, true},
		{".99", 99, true},
		{"9.951", 996, true}, // rounded up
		{"(3.00)", -300, true},
		{"", 0, false},
		{"abc", 0, false},
		{"1.2.3", 0, false},
		{"9999999999999999999", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseMoney(tt.in)
			if (err == nil) != tt.ok || got != tt.want {
				t.Errorf("parseMoney(%q) = %d, %v; want %d, ok=%v", tt.in, got, err, tt.want, tt.ok)
			}
		})
	}
}

func TestParseDate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want time.Time
	}{
		{"12/15/2016", time.Date(2016, 12, 15, 0, 0, 0, 0, time.UTC)},
		{"12/15/2016 5:13:02 PM", time.Date(2016, 12, 15, 17, 13, 2, 0, time.UTC)},
		{"1/11/2012 11:18:42 AM", time.Date(2012, 1, 11, 11, 18, 42, 0, time.UTC)},
		{" 3/1/2017   1:02:10 pm ", time.Date(2017, 3, 1, 13, 2, 10, 0, time.UTC)},
		{"2026-05-10", time.Date(2026, 5, 10, 0, 0, 0, 0, time.UTC)},
		{"", time.Time{}},
		{"soon", time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := parseDate(tt.in); !got.Equal(tt.want) {
				t.Errorf("parseDate(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseBool(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]bool{"True": true, "true": true, "TRUE": true, " 1 ": true, "Yes": true, "Y": true,
		"False": false, "false": false, "0": false, "": false, "N": false, "maybe": false} {
		if got := parseBool(in); got != want {
			t.Errorf("parseBool(%q) = %v", in, got)
		}
	}
}

func TestFormatPhone(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, phone, country, want string
		ok                         bool
	}{
		{"canonical", "+1.4252744500", "", "+1.4252744500", true},
		{"international spaced", "+1 (425) 274-4500", "", "+1.4252744500", true},
		{"uk with trunk zero", "+44 (0)20 7946 0958", "GB", "+44.2079460958", true},
		{"00 prefix", "0044 20 7946 0958", "", "+44.2079460958", true},
		{"three digit code", "+353 1 234 5678", "", "+353.12345678", true},
		{"russia", "+7 495 123-45-67", "", "+7.4951234567", true},
		{"national us", "(425) 274-4500", "US", "+1.4252744500", true},
		{"national us with 1", "1-425-274-4500", "us", "+1.4252744500", true},
		{"national german trunk", "030 1234567", "DE", "+49.301234567", true},
		{"national italy keeps zero", "06 1234 5678", "IT", "+39.0612345678", true},
		{"international italy keeps zero", "+39 06 1234 5678", "", "+39.0612345678", true},
		{"extension cut", "+1 425 274 4500 ext. 12", "", "+1.4252744500", true},
		{"x extension cut", "+1 425 274 4500x12", "", "+1.4252744500", true},
		{"dotted", "+49.30.1234567", "", "+49.301234567", true},
		{"no country", "425 274 4500", "", "", false},
		{"letters", "+1 425 CALL NOW", "", "", false},
		{"too short", "+1 23", "", "", false},
		{"too long", "+1 234567890123456789", "", "", false},
		{"empty", "", "US", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := FormatPhone(tt.phone, tt.country)
			if tt.ok {
				if err != nil || got != tt.want {
					t.Errorf("FormatPhone(%q, %q) = %q, %v; want %q", tt.phone, tt.country, got, err, tt.want)
				}
				return
			}
			pe, isPE := err.(*provider.Error)
			if !isPE || pe.Class != provider.Invalid || pe.Field != "phone" {
				t.Errorf("FormatPhone(%q, %q) = %q, %v; want an invalid phone error", tt.phone, tt.country, got, err)
			}
		})
	}
}

func TestCallingCodesArePrefixFree(t *testing.T) {
	t.Parallel()
	for iso, code := range callingCodes {
		if got := splitCallingCode(code + "5551234"); got != code {
			t.Errorf("%s: calling code %s splits as %s", iso, code, got)
		}
	}
}

func TestWebServerType(t *testing.T) {
	t.Parallel()
	tests := []struct {
		server   string
		prodType int
		want     int
	}{
		{"apache", 23, 21}, {"nginx", 23, 18}, {"iis", 23, 33}, {"tomcat", 23, 29}, {"cpanel", 23, 24}, {"plesk", 23, 28},
		{"other", 23, 18}, {"", 180, 18}, {"Apache", 180, 21},
		{"apache", 211, 1002}, {"nginx", 211, 1000}, {"iis", 270, 1014}, {"tomcat", 274, 1024}, {"cpanel", 213, 1031},
		{"plesk", 221, 1030}, {"other", 222, 1000},
	}
	for _, tt := range tests {
		t.Run(tt.server+"/"+itoa(tt.prodType), func(t *testing.T) {
			got, err := WebServerType(tt.server, tt.prodType)
			if err != nil || got != tt.want {
				t.Errorf("WebServerType(%q, %d) = %d, %v; want %d", tt.server, tt.prodType, got, err, tt.want)
			}
		})
	}
	if _, err := WebServerType("lighttpd", 23); err == nil {
		t.Error("unknown server type accepted")
	} else if pe := err.(*provider.Error); pe.Field != "server_type" || pe.Class != provider.Invalid {
		t.Errorf("error %+v", pe)
	}
}

func TestTraits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		prodType  int
		code      string
		known     bool
		check     func(ProductTraits) bool
		condition string
	}{
		{"rapidssl", 23, "certificate-rapidssl-rapidssl", true, func(p ProductTraits) bool { return p.Validation == "dv" && !p.Wildcard && p.Reissue }, "dv, reissuable"},
		{"rapidssl wildcard", 285, "certificate-rapidssl-rapidssl-wildcard", true, func(p ProductTraits) bool { return p.Wildcard }, "wildcard"},
		{"truebizid ev", 24, "certificate-geotrust-truebizid-ev", true, func(p ProductTraits) bool { return p.Validation == "ev" && p.MaxYears == 2 }, "ev, 2 years"},
		{"ucc ov", 274, "certificate-comodo-ucc-ov", true, func(p ProductTraits) bool {
			return p.MultiDomain && p.IncludedNames == 3 && p.MaxNames == 100 && p.Validation == "ov" && !p.Reissue
		}, "multi-domain ov, not reissuable"},
		{"add-on", 0, "certificate-comodo-ucc-dv-1yr-additional-domain", false, func(p ProductTraits) bool { return p.AddOn && !p.MultiDomain }, "add-on"},
		{"unknown ev", 999, "certificate-sectigo-ev", false, func(p ProductTraits) bool { return p.Validation == "ev" }, "inferred ev"},
		{"unknown wildcard ov", 998, "certificate-comodo-premium-wildcard-x", false, func(p ProductTraits) bool {
			return p.Validation == "ov" && p.Wildcard && p.Brand == BrandComodo
		}, "inferred ov wildcard"},
		{"encryption everywhere", 286, "", true, func(p ProductTraits) bool { return p.EncryptionEverywhere }, "EE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, known := Traits(tt.prodType, tt.code)
			if known != tt.known || !tt.check(p) {
				t.Errorf("Traits(%d, %q) = %+v, known %v; want %s, known %v", tt.prodType, tt.code, p, known, tt.condition, tt.known)
			}
		})
	}
}
