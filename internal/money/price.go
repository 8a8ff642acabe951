package money

import (
	"math/big"
	"slices"
)

// RateTable is a tenant's exchange rates: its default currency and, for each extra currency, the
// rate with 1 default = rate other. It converts between any two of its currencies, through the
// default when neither is the default. It is immutable; the zero RateTable has no default currency
// and converts nothing.
type RateTable struct {
	def   string
	rates map[string]Rate
}

// NewRateTable builds a table for a tenant whose default currency is defaultCurrency. rates is
// copied; an entry for the default currency itself is allowed only with rate 1. Errors name the
// wrong code (ErrCurrency) or the currency whose rate is unset (ErrRate).
func NewRateTable(defaultCurrency string, rates map[string]Rate) (RateTable, error) {
	if _, err := checkCurrency(defaultCurrency); err != nil {
		return RateTable{}, err
	}
	t := RateTable{def: defaultCurrency, rates: make(map[string]Rate, len(rates))}
	for code, r := range rates {
		if _, err := checkCurrency(code); err != nil {
			return RateTable{}, err
		}
		if r.IsZero() {
			return RateTable{}, newError(ErrRate, FieldRate, "the exchange rate for %s is not set", code)
		}
		if code == defaultCurrency {
			if r != (Rate{mant: 1}) {
				return RateTable{}, newError(ErrRate, FieldRate,
					"%s is the default currency, so its rate is 1, not %s", code, r)
			}
			continue
		}
		t.rates[code] = r
	}
	return t, nil
}

// Default returns the tenant's default currency, "" for the zero RateTable.
func (t RateTable) Default() string { return t.def }

// Rate returns the rate of code against the default currency (1 for the default itself) and
// whether the table has one.
func (t RateTable) Rate(code string) (Rate, bool) {
	if code == t.def && t.def != "" {
		return Rate{mant: 1}, true
	}
	r, ok := t.rates[code]
	return r, ok
}

// Currencies returns the currencies the table converts between: the default first, then the others
// sorted.
func (t RateTable) Currencies() []string {
	if t.def == "" {
		return nil
	}
	others := make([]string, 0, len(t.rates))
	for c := range t.rates {
		others = append(others, c)
	}
	slices.Sort(others)
	return append([]string{t.def}, others...)
}

// Convert converts a to the currency to, rounding up to the next minor unit of to. It is
// Price with no margin and RoundNone.
func (t RateTable) Convert(a Amount, to string) (Amount, error) {
	return Price(a, 0, RoundNone, to, t)
}

// convert turns v, an exact value in minor units of from, into exact minor units of to.
func (t RateTable) convert(v *big.Rat, from, to string) (*big.Rat, error) {
	if t.def == "" {
		return nil, newError(ErrCurrency, FieldCurrency, "no default currency is set for exchange rates")
	}
	ef, err := checkCurrency(from)
	if err != nil {
		return nil, err
	}
	et, err := checkCurrency(to)
	if err != nil {
		return nil, err
	}
	// A currency the tenant has no rate for is refused even when no conversion is needed: the
	// tenant does not sell in it.
	rf, ok := t.Rate(from)
	if !ok {
		return nil, noRate(from)
	}
	rt, ok := t.Rate(to)
	if !ok {
		return nil, noRate(to)
	}
	if from == to {
		return new(big.Rat).Set(v), nil
	}
	// minor_to = minor_from / 10^ef / rate_from * rate_to * 10^et
	x := new(big.Rat).Mul(v, rt.rat())
	x.Quo(x, rf.rat())
	return x.Mul(x, scale(et-ef)), nil
}

func noRate(code string) *Error {
	return newError(ErrNoRate, FieldRate, "no exchange rate for %s", code)
}

// scale returns 10^d as a rational, d may be negative.
func scale(d int) *big.Rat {
	if d >= 0 {
		return new(big.Rat).SetInt64(pow10(d))
	}
	return new(big.Rat).SetFrac64(1, pow10(-d))
}

// Direction says on which side of a rate (1 default = rate other) an amount to convert is.
type Direction int

// The directions of Convert.
const (
	// FromDefault converts an amount in the default currency to the other one: multiply by the rate.
	FromDefault Direction = iota + 1
	// ToDefault converts an amount in the other currency to the default one: divide by the rate.
	ToDefault
)

// Convert converts a with one rate, 1 default = rate other: FromDefault when a is in the default
// currency and to is the other, ToDefault the other way round. The exact result is rounded up to the
// next minor unit of to: USD 12.99 at 157.25 FromDefault to JPY is 2042.6775, so JPY 2043.
// Errors: ErrCurrency, ErrRate (zero rate or bad direction), ErrAmount (negative or too large).
func Convert(a Amount, to string, rate Rate, dir Direction) (Amount, error) {
	if rate.IsZero() {
		return Amount{}, newError(ErrRate, FieldRate, "the exchange rate is not set")
	}
	var t RateTable
	switch dir {
	case FromDefault:
		t = RateTable{def: a.Currency, rates: map[string]Rate{to: rate}}
	case ToDefault:
		t = RateTable{def: to, rates: map[string]Rate{a.Currency: rate}}
	default:
		return Amount{}, newError(ErrRate, FieldRate, "the direction of the conversion is not set")
	}
	if a.Currency == to {
		// One currency on both sides of a rate is a mistake unless the rate is 1.
		if rate != (Rate{mant: 1}) {
			return Amount{}, newError(ErrRate, FieldRate, "an exchange rate from %s to %s must be 1, got %s", to, to, rate)
		}
	}
	return Price(a, 0, RoundNone, to, t)
}

// Price is the selling price of cost with a margin of marginBps basis points, in currency target,
// rounded up by rounding. cost may be in any currency rates can reach: the default currency or one
// with a rate (others go through the default). Margin and conversion are exact and rounding happens
// once, at the end, so the price is the smallest amount allowed by the rule that is at least
// cost*(1+margin) converted. Errors name what is wrong: ErrMargin, ErrRounding, ErrCurrency (an
// unknown code), ErrNoRate ("no exchange rate for EUR"), ErrAmount (negative cost, price too large).
func Price(cost Amount, marginBps int64, rounding Rounding, target string, rates RateTable) (Amount, error) {
	if err := checkRounding(rounding); err != nil {
		return Amount{}, err
	}
	if err := ValidateMargin(marginBps); err != nil {
		return Amount{}, err
	}
	if err := cost.Validate(); err != nil {
		return Amount{}, err
	}
	e, err := checkCurrency(target)
	if err != nil {
		return Amount{}, err
	}
	v, err := rates.convert(withMargin(cost.Minor, marginBps), cost.Currency, target)
	if err != nil {
		return Amount{}, err
	}
	minor, err := roundUp(v, e, rounding)
	if err != nil {
		return Amount{}, err
	}
	return Amount{Currency: target, Minor: minor}, nil
}
