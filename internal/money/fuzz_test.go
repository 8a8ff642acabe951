package money

import (
	"errors"
	"math"
	"math/big"
	"strconv"
	"strings"
	"testing"
)

// fuzzCurrencies are the currencies FuzzPrice picks from; the table has USD as default and rates
// for the next three, none for CHF.
var fuzzCurrencies = []string{"USD", "JPY", "BHD", "EUR", "CHF"}

// fuzzRate makes a valid decimal rate string from fuzz input: 1..10^12 as mantissa, 0..12 decimals.
func fuzzRate(mant uint64, scale uint8) string {
	m := strconv.FormatUint(mant%1_000_000_000_000+1, 10)
	sc := int(scale % (MaxRateDecimals + 1))
	if len(m) <= sc {
		m = strings.Repeat("0", sc-len(m)+1) + m
	}
	if sc == 0 {
		return m
	}
	return m[:len(m)-sc] + "." + m[len(m)-sc:]
}

func ratOf(tb testing.TB, s string) *big.Rat {
	tb.Helper()
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		tb.Fatalf("big.Rat cannot read %q", s)
	}
	return r
}

// FuzzPrice checks Price against an independent exact computation: the price is the smallest
// amount that follows the rounding rule and is at least cost plus margin, converted.
func FuzzPrice(f *testing.F) {
	f.Add(int64(1299), int64(0), uint8(0), uint8(0), uint8(1), uint64(15724), uint8(2), uint64(9233), uint8(4), uint64(375), uint8(3))
	f.Add(int64(1), int64(3000), uint8(2), uint8(3), uint8(2), uint64(1), uint8(0), uint64(0), uint8(12), uint64(999), uint8(5))
	f.Add(int64(1200), int64(100000), uint8(3), uint8(0), uint8(0), uint64(0), uint8(0), uint64(0), uint8(0), uint64(0), uint8(0))
	f.Add(int64(-5), int64(-1), uint8(1), uint8(4), uint8(0), uint64(0), uint8(0), uint64(0), uint8(0), uint64(0), uint8(0))
	f.Add(int64(math.MaxInt64), int64(100000), uint8(1), uint8(0), uint8(2), uint64(7), uint8(0), uint64(7), uint8(0), uint64(7), uint8(0))
	f.Fuzz(func(t *testing.T, cost, bps int64, rule, from, to uint8,
		jpyMant uint64, jpyScale uint8, eurMant uint64, eurScale uint8, bhdMant uint64, bhdScale uint8) {
		rateStr := map[string]string{
			"USD": "1",
			"JPY": fuzzRate(jpyMant, jpyScale),
			"EUR": fuzzRate(eurMant, eurScale),
			"BHD": fuzzRate(bhdMant, bhdScale),
		}
		rates := mustTable(t, "USD", map[string]string{"JPY": rateStr["JPY"], "EUR": rateStr["EUR"], "BHD": rateStr["BHD"]})
		rounding := Roundings()[int(rule)%len(Roundings())]
		costCur := fuzzCurrencies[int(from)%len(fuzzCurrencies)]
		target := fuzzCurrencies[int(to)%len(fuzzCurrencies)]

		got, err := Price(Amount{costCur, cost}, bps, rounding, target, rates)
		switch {
		case bps < 0 || bps > MaxMarginBps:
			checkErr(t, err, ErrMargin, "")
			return
		case cost < 0:
			checkErr(t, err, ErrAmount, "")
			return
		case costCur == "CHF" || target == "CHF":
			checkErr(t, err, ErrNoRate, "no exchange rate for CHF")
			return
		}

		// exact = cost * (1 + bps/10000) / rate(cost) * rate(target), in minor units of target.
		ef, _ := Exponent(costCur)
		et, _ := Exponent(target)
		exact := new(big.Rat).SetFrac(big.NewInt(cost), big.NewInt(1))
		exact.Mul(exact, new(big.Rat).SetFrac64(10_000+bps, 10_000))
		exact.Quo(exact, ratOf(t, rateStr[costCur]))
		exact.Mul(exact, ratOf(t, rateStr[target]))
		exact.Mul(exact, new(big.Rat).SetFrac(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(et)), nil),
			new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(ef)), nil)))

		// want: smallest step*k + offset >= exact, where the rule fixes step and offset.
		unit := int64(1)
		for range et {
			unit *= 10
		}
		step, offset := unit, int64(0)
		switch {
		case rounding == RoundNone:
			step = 1
		case rounding == RoundWhole || et < 2:
		case rounding == RoundX99:
			offset = unit - unit/100
		case rounding == RoundX95:
			offset = unit - 5*unit/100
		}
		// k = ceil((exact - offset) / step), at least 0 is not required: exact >= 0 > -offset.
		k := new(big.Rat).Sub(exact, new(big.Rat).SetInt64(offset))
		k.Quo(k, new(big.Rat).SetInt64(step))
		kInt := new(big.Int).Div(k.Num(), k.Denom()) // Euclidean division: floor for positive denominators
		if new(big.Rat).SetInt(kInt).Cmp(k) < 0 {
			kInt.Add(kInt, big.NewInt(1))
		}
		want := new(big.Int).Mul(kInt, big.NewInt(step))
		want.Add(want, big.NewInt(offset))

		if !want.IsInt64() {
			if !errors.Is(err, ErrAmount) {
				t.Fatalf("Price = %v, %v; want ErrAmount for %s", got, err, want)
			}
			return
		}
		if err != nil {
			t.Fatalf("Price(%s %d, %d, %s, %s): %v", costCur, cost, bps, rounding, target, err)
		}
		if got.Currency != target || got.Minor != want.Int64() {
			t.Fatalf("Price(%s %d, %d bps, %s, %s) = %v, want %d (exact %s)",
				costCur, cost, bps, rounding, target, got, want, exact.RatString())
		}
		// The invariants, stated once more on the result itself.
		if new(big.Rat).SetInt64(got.Minor).Cmp(exact) < 0 {
			t.Fatalf("price %v is below cost plus margin %s", got, exact.RatString())
		}
		if frac := got.Minor % unit; (rounding != RoundNone) && frac != offset%unit {
			t.Fatalf("price %v under %s ends in %d minor units", got, rounding, frac)
		}
	})
}

// FuzzParseMajor checks that whatever ParseMajor accepts, FormatMajor renders back to an equal amount.
func FuzzParseMajor(f *testing.F) {
	for _, s := range []string{"12.99", "0", ".5", "1300", "1.250", "-1", "1e3", "99999999999999999999"} {
		f.Add(uint8(0), s)
		f.Add(uint8(1), s)
		f.Add(uint8(2), s)
	}
	f.Fuzz(func(t *testing.T, cur uint8, s string) {
		currency := []string{"USD", "JPY", "BHD"}[int(cur)%3]
		a, err := ParseMajor(currency, s)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Field != FieldAmount {
				t.Fatalf("ParseMajor(%q) error %v is not an amount error", s, err)
			}
			return
		}
		if a.Minor < 0 {
			t.Fatalf("ParseMajor(%q) = %v is negative", s, a)
		}
		back, err := ParseMajor(currency, a.FormatMajor())
		if err != nil || back != a {
			t.Fatalf("ParseMajor(FormatMajor(%v)) = %v, %v", a, back, err)
		}
	})
}

// FuzzParseRate checks that whatever ParseRate accepts is positive and round-trips through String.
func FuzzParseRate(f *testing.F) {
	for _, s := range []string{"0.9234", "157.25", "1", "0", "-1", "1.50", "0.0000000000001"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRate(s)
		if err != nil {
			if !errors.Is(err, ErrRate) {
				t.Fatalf("ParseRate(%q) error %v is not ErrRate", s, err)
			}
			return
		}
		if r.IsZero() || r.rat().Sign() <= 0 {
			t.Fatalf("ParseRate(%q) = %v is not positive", s, r)
		}
		back, err := ParseRate(r.String())
		if err != nil || back != r {
			t.Fatalf("ParseRate(%q).String() = %q reads back as %v, %v", s, r.String(), back, err)
		}
		if want, ok := new(big.Rat).SetString(strings.TrimSpace(s)); ok && want.Cmp(r.rat()) != 0 {
			t.Fatalf("ParseRate(%q) = %v, want %s", s, r, want.RatString())
		}
	})
}
