package money

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestAmountString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		a     Amount
		want  string
		major string
	}{
		{"USD", Amount{"USD", 1299}, "USD 12.99", "12.99"},
		{"USD cents only", Amount{"USD", 5}, "USD 0.05", "0.05"},
		{"USD zero", Amount{"USD", 0}, "USD 0.00", "0.00"},
		{"USD negative", Amount{"USD", -5}, "USD -0.05", "-0.05"},
		{"JPY", Amount{"JPY", 1300}, "JPY 1300", "1300"},
		{"BHD", Amount{"BHD", 1250}, "BHD 1.250", "1.250"},
		{"BHD one fils", Amount{"BHD", 1}, "BHD 0.001", "0.001"},
		{"min int64", Amount{"USD", math.MinInt64}, "USD -92233720368547758.08", "-92233720368547758.08"},
		{"unknown currency", Amount{"XYZ", 1299}, "XYZ 1299 minor units", "1299"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.a.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
			if got := tt.a.FormatMajor(); got != tt.major {
				t.Errorf("FormatMajor() = %q, want %q", got, tt.major)
			}
		})
	}
}

func TestParseMajor(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		currency string
		in       string
		want     int64
		err      error
		msg      string
	}{
		{name: "USD", currency: "USD", in: "12.99", want: 1299},
		{name: "USD one decimal", currency: "USD", in: "12.9", want: 1290},
		{name: "USD whole", currency: "USD", in: "12", want: 1200},
		{name: "USD spaces", currency: "USD", in: " 0.01 ", want: 1},
		{name: "USD leading point", currency: "USD", in: ".99", want: 99},
		{name: "USD leading zeros", currency: "USD", in: "007.00", want: 700},
		{name: "zero", currency: "USD", in: "0", want: 0},
		{name: "JPY", currency: "JPY", in: "1300", want: 1300},
		{name: "BHD", currency: "BHD", in: "1.25", want: 1250},
		{name: "BHD three decimals", currency: "BHD", in: "1.250", want: 1250},
		{name: "largest", currency: "JPY", in: "9223372036854775807", want: math.MaxInt64},
		{name: "JPY decimals", currency: "JPY", in: "1300.5", err: ErrAmount, msg: "JPY does not have minor units"},
		{name: "JPY zero decimals", currency: "JPY", in: "1300.00", err: ErrAmount, msg: "JPY does not have minor units"},
		{name: "EUR three decimals", currency: "EUR", in: "12.999", err: ErrAmount, msg: "EUR has 2 decimals, got 3"},
		{name: "BHD four decimals", currency: "BHD", in: "1.2500", err: ErrAmount, msg: "BHD has 3 decimals, got 4"},
		{name: "negative", currency: "USD", in: "-1", err: ErrAmount, msg: "amount must not be negative"},
		{name: "garbage", currency: "USD", in: "abc", err: ErrAmount, msg: `amount must be a number such as 12.99, got "abc"`},
		{name: "garbage JPY example", currency: "JPY", in: "x", err: ErrAmount, msg: `amount must be a number such as 1299, got "x"`},
		{name: "thousands separator", currency: "USD", in: "1,299.00", err: ErrAmount},
		{name: "decimal comma", currency: "EUR", in: "12,99", err: ErrAmount},
		{name: "exponent", currency: "USD", in: "1e3", err: ErrAmount},
		{name: "plus sign", currency: "USD", in: "+5", err: ErrAmount},
		{name: "two points", currency: "USD", in: "1.2.3", err: ErrAmount},
		{name: "trailing point", currency: "USD", in: "12.", err: ErrAmount},
		{name: "lone point", currency: "USD", in: ".", err: ErrAmount},
		{name: "empty", currency: "USD", in: "  ", err: ErrAmount, msg: "enter an amount such as 12.99"},
		{name: "too large", currency: "USD", in: "92233720368547758.08", err: ErrAmount, msg: "amount 92233720368547758.08 is too large"},
		{name: "unknown currency", currency: "XYZ", in: "1", err: ErrCurrency, msg: "unknown currency XYZ"},
		{name: "lower-case currency", currency: "usd", in: "1", err: ErrCurrency},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseMajor(tt.currency, tt.in)
			checkErr(t, err, tt.err, tt.msg)
			if tt.err != nil {
				return
			}
			if want := (Amount{tt.currency, tt.want}); got != want {
				t.Fatalf("ParseMajor(%s, %q) = %v, want %v", tt.currency, tt.in, got, want)
			}
		})
	}
}

func TestFormatParseRoundTrip(t *testing.T) {
	t.Parallel()
	for _, a := range []Amount{
		{"USD", 0}, {"USD", 1}, {"USD", 1299}, {"USD", math.MaxInt64},
		{"JPY", 0}, {"JPY", 1300}, {"BHD", 1}, {"BHD", 1250}, {"KWD", 999999},
	} {
		t.Run(a.String(), func(t *testing.T) {
			t.Parallel()
			got, err := ParseMajor(a.Currency, a.FormatMajor())
			if err != nil || got != a {
				t.Fatalf("ParseMajor(FormatMajor(%v)) = %v, %v", a, got, err)
			}
		})
	}
}

func TestAmountJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		a    Amount
		json string
	}{
		{"USD", Amount{"USD", 1299}, `{"currency":"USD","amount_minor":1299}`},
		{"JPY", Amount{"JPY", 1300}, `{"currency":"JPY","amount_minor":1300}`},
		{"BHD", Amount{"BHD", 1250}, `{"currency":"BHD","amount_minor":1250}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b, err := json.Marshal(tt.a)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.json {
				t.Fatalf("Marshal = %s, want %s", b, tt.json)
			}
			var back Amount
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.a, back); diff != "" {
				t.Fatalf("round trip (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAmountValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		a    Amount
		err  error
	}{
		{"ok", Amount{"USD", 0}, nil},
		{"negative", Amount{"USD", -1}, ErrAmount},
		{"unknown currency", Amount{"XYZ", 1}, ErrCurrency},
		{"no currency", Amount{"", 1}, ErrCurrency},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkErr(t, tt.a.Validate(), tt.err, "")
		})
	}
}
