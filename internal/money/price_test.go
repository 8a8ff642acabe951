package money

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// tenantRates is a USD tenant that also sells in JPY, EUR, GBP and BHD.
func tenantRates(tb testing.TB) RateTable {
	tb.Helper()
	return mustTable(tb, "USD", map[string]string{
		"JPY": "157.25",
		"EUR": "0.9234",
		"GBP": "0.7812",
		"BHD": "0.376",
	})
}

func TestPrice(t *testing.T) {
	t.Parallel()
	rates := tenantRates(t)
	tests := []struct {
		name   string
		cost   Amount
		bps    int64
		rule   Rounding
		target string
		want   Amount
	}{
		{"default currency, no margin", Amount{"USD", 1299}, 0, RoundNone, "USD", Amount{"USD", 1299}},
		{"default currency, 30%", Amount{"USD", 1000}, 3000, RoundNone, "USD", Amount{"USD", 1300}},
		{"30% on one cent", Amount{"USD", 1}, 3000, RoundNone, "USD", Amount{"USD", 2}},
		{"1000% margin", Amount{"USD", 1299}, 100000, RoundNone, "USD", Amount{"USD", 14289}},
		{"default currency, x.99", Amount{"USD", 1000}, 2000, RoundX99, "USD", Amount{"USD", 1299}},
		{"USD to JPY", Amount{"USD", 1299}, 0, RoundNone, "JPY", Amount{"JPY", 2043}},
		{"USD to JPY, x.99 is whole", Amount{"USD", 1299}, 0, RoundX99, "JPY", Amount{"JPY", 2043}},
		// 1 cent + 30% = 1.3 cents = JPY 2.04425 -> 3. Rounding the margin first (2 cents) would give 4.
		{"no double rounding", Amount{"USD", 1}, 3000, RoundNone, "JPY", Amount{"JPY", 3}},
		{"JPY to USD", Amount{"JPY", 2043}, 0, RoundNone, "USD", Amount{"USD", 1300}},
		{"JPY to USD, whole", Amount{"JPY", 2043}, 0, RoundWhole, "USD", Amount{"USD", 1300}},
		{"EUR to USD", Amount{"EUR", 923}, 0, RoundNone, "USD", Amount{"USD", 1000}},
		{"EUR to GBP via USD", Amount{"EUR", 1000}, 0, RoundNone, "GBP", Amount{"GBP", 847}},
		{"EUR to GBP via USD, x.95", Amount{"EUR", 1000}, 0, RoundX95, "GBP", Amount{"GBP", 895}},
		{"USD to BHD", Amount{"USD", 1000}, 0, RoundNone, "BHD", Amount{"BHD", 3760}},
		{"USD to BHD, x.99", Amount{"USD", 1000}, 0, RoundX99, "BHD", Amount{"BHD", 3990}},
		{"USD to BHD, 30%, x.95", Amount{"USD", 1000}, 3000, RoundX95, "BHD", Amount{"BHD", 4950}},
		{"BHD to USD", Amount{"BHD", 1000}, 0, RoundNone, "USD", Amount{"USD", 266}},
		{"BHD to JPY via USD", Amount{"BHD", 376}, 0, RoundNone, "JPY", Amount{"JPY", 158}},
		{"zero cost", Amount{"EUR", 0}, 5000, RoundWhole, "JPY", Amount{"JPY", 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Price(tt.cost, tt.bps, tt.rule, tt.target, rates)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Fatalf("Price(%v, %d, %s, %s) (-want +got):\n%s", tt.cost, tt.bps, tt.rule, tt.target, diff)
			}
		})
	}
}

func TestPriceErrors(t *testing.T) {
	t.Parallel()
	rates := tenantRates(t)
	usd := Amount{"USD", 1000}
	tests := []struct {
		name   string
		cost   Amount
		bps    int64
		rule   Rounding
		target string
		rates  RateTable
		err    error
		field  string
		msg    string
	}{
		{"missing rate for cost", Amount{"CHF", 1000}, 0, RoundNone, "USD", rates, ErrNoRate, FieldRate, "no exchange rate for CHF"},
		{"missing rate for target", usd, 0, RoundNone, "CHF", rates, ErrNoRate, FieldRate, "no exchange rate for CHF"},
		{"no rate even without conversion", Amount{"CHF", 1000}, 0, RoundNone, "CHF", rates, ErrNoRate, FieldRate, "no exchange rate for CHF"},
		{"missing rate is a rate error", usd, 0, RoundNone, "CHF", rates, ErrRate, FieldRate, ""},
		{"unknown cost currency", Amount{"XYZ", 1}, 0, RoundNone, "USD", rates, ErrCurrency, FieldCurrency, "unknown currency XYZ"},
		{"unknown target", usd, 0, RoundNone, "XYZ", rates, ErrCurrency, FieldCurrency, "unknown currency XYZ"},
		{"malformed target", usd, 0, RoundNone, "usd", rates, ErrCurrency, FieldCurrency,
			`currency must be a three-letter ISO 4217 code such as USD, got "usd"`},
		{"negative margin", usd, -1, RoundNone, "USD", rates, ErrMargin, FieldMargin, ""},
		{"absurd margin", usd, 100001, RoundNone, "USD", rates, ErrMargin, FieldMargin, ""},
		{"unknown rounding", usd, 0, "up", "USD", rates, ErrRounding, FieldRounding, ""},
		{"negative cost", Amount{"USD", -1}, 0, RoundNone, "USD", rates, ErrAmount, FieldAmount, "amount must not be negative"},
		{"too large", Amount{"USD", math.MaxInt64}, 100000, RoundNone, "USD", rates, ErrAmount, FieldAmount, "the price is too large"},
		{"too large after conversion", Amount{"USD", math.MaxInt64 / 2}, 0, RoundNone, "BHD", rates, ErrAmount, FieldAmount, ""},
		{"zero table", usd, 0, RoundNone, "USD", RateTable{}, ErrCurrency, FieldCurrency, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Price(tt.cost, tt.bps, tt.rule, tt.target, tt.rates)
			checkErr(t, err, tt.err, tt.msg)
			if e, ok := err.(*Error); !ok || e.Field != tt.field {
				t.Fatalf("error %#v, want *Error on field %q", err, tt.field)
			}
		})
	}
}

func TestConvert(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		a    Amount
		to   string
		rate string
		dir  Direction
		want Amount
	}{
		{"USD to JPY", Amount{"USD", 1299}, "JPY", "157.25", FromDefault, Amount{"JPY", 2043}},
		{"JPY to USD", Amount{"JPY", 2043}, "USD", "157.25", ToDefault, Amount{"USD", 1300}},
		{"USD to EUR", Amount{"USD", 1000}, "EUR", "0.9234", FromDefault, Amount{"EUR", 924}},
		{"EUR to USD", Amount{"EUR", 923}, "USD", "0.9234", ToDefault, Amount{"USD", 1000}},
		{"USD to BHD", Amount{"USD", 100}, "BHD", "0.376", FromDefault, Amount{"BHD", 376}},
		{"BHD to USD", Amount{"BHD", 1000}, "USD", "0.376", ToDefault, Amount{"USD", 266}},
		{"BHD default to JPY", Amount{"BHD", 1}, "JPY", "418.2", FromDefault, Amount{"JPY", 1}},
		{"exact stays", Amount{"USD", 200}, "EUR", "1.5", FromDefault, Amount{"EUR", 300}},
		{"same currency at 1", Amount{"USD", 200}, "USD", "1", ToDefault, Amount{"USD", 200}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Convert(tt.a, tt.to, mustRate(t, tt.rate), tt.dir)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Fatalf("Convert(%v, %s, %s) = %v, want %v", tt.a, tt.to, tt.rate, got, tt.want)
			}
		})
	}
}

func TestConvertErrors(t *testing.T) {
	t.Parallel()
	r := mustRate(t, "2")
	tests := []struct {
		name string
		a    Amount
		to   string
		rate Rate
		dir  Direction
		err  error
	}{
		{"zero rate", Amount{"USD", 1}, "EUR", Rate{}, FromDefault, ErrRate},
		{"no direction", Amount{"USD", 1}, "EUR", r, 0, ErrRate},
		{"same currency, rate not 1", Amount{"USD", 1}, "USD", r, FromDefault, ErrRate},
		{"unknown from", Amount{"XYZ", 1}, "EUR", r, FromDefault, ErrCurrency},
		{"unknown to", Amount{"USD", 1}, "XYZ", r, ToDefault, ErrCurrency},
		{"negative", Amount{"USD", -1}, "EUR", r, FromDefault, ErrAmount},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Convert(tt.a, tt.to, tt.rate, tt.dir)
			checkErr(t, err, tt.err, "")
		})
	}
}

func TestRateTable(t *testing.T) {
	t.Parallel()
	rates := tenantRates(t)
	t.Run("accessors", func(t *testing.T) {
		t.Parallel()
		if rates.Default() != "USD" {
			t.Fatalf("Default() = %q", rates.Default())
		}
		if diff := cmp.Diff([]string{"USD", "BHD", "EUR", "GBP", "JPY"}, rates.Currencies()); diff != "" {
			t.Fatalf("Currencies() (-want +got):\n%s", diff)
		}
		if r, ok := rates.Rate("USD"); !ok || r.String() != "1" {
			t.Fatalf("Rate(USD) = %v, %v", r, ok)
		}
		if r, ok := rates.Rate("JPY"); !ok || r.String() != "157.25" {
			t.Fatalf("Rate(JPY) = %v, %v", r, ok)
		}
		if _, ok := rates.Rate("CHF"); ok {
			t.Fatal("Rate(CHF) found")
		}
		if (RateTable{}).Currencies() != nil {
			t.Fatal("zero table lists currencies")
		}
	})
	t.Run("convert via default", func(t *testing.T) {
		t.Parallel()
		got, err := rates.Convert(Amount{"EUR", 1000}, "GBP")
		if err != nil || got != (Amount{"GBP", 847}) {
			t.Fatalf("Convert = %v, %v", got, err)
		}
	})
	t.Run("input map is copied", func(t *testing.T) {
		t.Parallel()
		m := map[string]Rate{"EUR": mustRate(t, "0.9")}
		tbl, err := NewRateTable("USD", m)
		if err != nil {
			t.Fatal(err)
		}
		delete(m, "EUR")
		if _, ok := tbl.Rate("EUR"); !ok {
			t.Fatal("table changed with its input map")
		}
	})

	errTests := []struct {
		name  string
		def   string
		rates map[string]Rate
		err   error
	}{
		{"default rate 1 is fine", "USD", map[string]Rate{"USD": mustRate(t, "1.000")}, nil},
		{"default rate not 1", "USD", map[string]Rate{"USD": mustRate(t, "2")}, ErrRate},
		{"zero rate", "USD", map[string]Rate{"EUR": {}}, ErrRate},
		{"unknown code", "USD", map[string]Rate{"XYZ": mustRate(t, "2")}, ErrCurrency},
		{"unknown default", "usd", nil, ErrCurrency},
	}
	for _, tt := range errTests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := NewRateTable(tt.def, tt.rates)
			checkErr(t, err, tt.err, "")
		})
	}
}
