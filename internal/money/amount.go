package money

import (
	"strconv"
	"strings"
)

// Amount is a sum of money in the minor units of its currency: USD 12.99 is {"USD", 1299}, JPY 1300
// is {"JPY", 1300}, BHD 1.250 is {"BHD", 1250}. Its JSON form is
// {"currency":"USD","amount_minor":1299}.
type Amount struct {
	// Currency is an upper-case ISO 4217 code.
	Currency string `json:"currency"`
	// Minor is the amount in minor units (cents for USD, yen for JPY, fils for BHD).
	Minor int64 `json:"amount_minor"`
}

// Validate reports an ErrCurrency error for an unknown currency and an ErrAmount error for a
// negative amount: costs and prices are never below zero. Use it on amounts decoded from JSON.
func (a Amount) Validate() error {
	if _, err := checkCurrency(a.Currency); err != nil {
		return err
	}
	if a.Minor < 0 {
		return newError(ErrAmount, FieldAmount, "amount must not be negative")
	}
	return nil
}

// String formats a for people: "USD 12.99", "JPY 1300", "BHD 1.250". An unknown currency shows
// its minor units as such ("XYZ 1299 minor units") rather than guessing the decimals.
func (a Amount) String() string {
	if !Valid(a.Currency) {
		return a.Currency + " " + strconv.FormatInt(a.Minor, 10) + " minor units"
	}
	return a.Currency + " " + a.FormatMajor()
}

// FormatMajor renders the number in major units without the currency code, with exactly as many
// decimals as the currency has ("12.99", "1300", "1.250"); it is what ParseMajor reads back. An
// unknown currency is formatted as if it had no minor units.
func (a Amount) FormatMajor() string {
	e, _ := Exponent(a.Currency)
	neg := a.Minor < 0
	u := uint64(a.Minor)
	if neg {
		u = -u // two's complement: also right for math.MinInt64
	}
	digits := strconv.FormatUint(u, 10)
	if e > 0 {
		if len(digits) <= e {
			digits = strings.Repeat("0", e-len(digits)+1) + digits
		}
		digits = digits[:len(digits)-e] + "." + digits[len(digits)-e:]
	}
	if neg {
		return "-" + digits
	}
	return digits
}

// ParseMajor reads a non-negative amount in major units as typed in a form ("12.99", "12.9", "12",
// "1300" for JPY) into minor units. Surrounding spaces are ignored. It refuses more decimals than the
// currency has ("JPY does not have minor units", "EUR has 2 decimals, got 3"), signs, thousands
// separators, exponents and anything else that is not digits with at most one decimal point.
// Errors are ErrCurrency for the currency and ErrAmount for the number.
func ParseMajor(currency, s string) (Amount, error) {
	e, err := checkCurrency(currency)
	if err != nil {
		return Amount{}, err
	}
	s = strings.TrimSpace(s)
	example := Amount{Currency: currency, Minor: 1299}.FormatMajor()
	if s == "" {
		return Amount{}, newError(ErrAmount, FieldAmount, "enter an amount such as %s", example)
	}
	if s[0] == '-' {
		return Amount{}, newError(ErrAmount, FieldAmount, "amount must not be negative")
	}
	intPart, frac, hasPoint := strings.Cut(s, ".")
	if !allDigits(intPart) || !allDigits(frac) || (hasPoint && frac == "") {
		return Amount{}, newError(ErrAmount, FieldAmount, "amount must be a number such as %s, got %q", example, s)
	}
	if len(frac) > e {
		if e == 0 {
			return Amount{}, newError(ErrAmount, FieldAmount, "%s does not have minor units", currency)
		}
		return Amount{}, newError(ErrAmount, FieldAmount, "%s has %d decimals, got %d", currency, e, len(frac))
	}
	digits := strings.TrimLeft(intPart+frac+strings.Repeat("0", e-len(frac)), "0")
	if digits == "" {
		return Amount{Currency: currency}, nil
	}
	minor, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return Amount{}, newError(ErrAmount, FieldAmount, "amount %s is too large", s)
	}
	return Amount{Currency: currency, Minor: minor}, nil
}

// allDigits reports whether s is empty or only ASCII digits.
func allDigits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
