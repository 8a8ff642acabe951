package money

import (
	"slices"
	"testing"
)

func TestExponent(t *testing.T) {
	t.Parallel()
	want := map[string]int{
		"USD": 2, "EUR": 2, "GBP": 2, "CHF": 2, "CAD": 2, "AUD": 2, "NZD": 2, "CNY": 2, "HKD": 2, "SGD": 2,
		"INR": 2, "BRL": 2, "MXN": 2, "ZAR": 2, "SEK": 2, "NOK": 2, "DKK": 2, "PLN": 2, "CZK": 2, "HUF": 2,
		"RON": 2, "TRY": 2, "ILS": 2, "AED": 2, "SAR": 2, "IDR": 2, "PHP": 2, "THB": 2, "MYR": 2, "TWD": 2,
		"RUB": 2, "UAH": 2, "NGN": 2, "EGP": 2,
		"JPY": 0, "KRW": 0, "ISK": 0, "CLP": 0, "VND": 0,
		"BHD": 3, "KWD": 3, "OMR": 3, "JOD": 3, "TND": 3,
	}
	for code, e := range want {
		t.Run(code, func(t *testing.T) {
			t.Parallel()
			got, ok := Exponent(code)
			if !ok || got != e {
				t.Fatalf("Exponent(%s) = %d, %v; want %d, true", code, got, ok, e)
			}
			if !Valid(code) {
				t.Fatalf("Valid(%s) = false", code)
			}
		})
	}
}

func TestValid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		code string
		want bool
	}{
		{"known", "USD", true},
		{"lower case", "usd", false},
		{"mixed case", "Usd", false},
		{"two letters", "US", false},
		{"four letters", "USDD", false},
		{"empty", "", false},
		{"unknown shape-correct", "XYZ", false},
		{"precious metal left out", "XAU", false},
		{"spaces", " USD", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := Valid(tt.code); got != tt.want {
				t.Fatalf("Valid(%q) = %v, want %v", tt.code, got, tt.want)
			}
			if _, ok := Exponent(tt.code); ok != tt.want {
				t.Fatalf("Exponent(%q) ok = %v, want %v", tt.code, ok, tt.want)
			}
		})
	}
}

func TestCodes(t *testing.T) {
	t.Parallel()
	codes := Codes()
	if !slices.IsSorted(codes) || !slices.Contains(codes, "USD") || len(codes) < 150 {
		t.Fatalf("Codes() = %d codes, sorted %v", len(codes), slices.IsSorted(codes))
	}
	for _, c := range codes {
		if !isCodeShape(c) {
			t.Errorf("code %q in the table is not three upper-case letters", c)
		}
	}
}
