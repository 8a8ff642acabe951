package money

import (
	"math/big"
	"strconv"
	"strings"
)

// MaxRateDecimals is the most decimals an exchange rate may have.
const MaxRateDecimals = 12

// maxRateDigits keeps the mantissa within int64.
const maxRateDigits = 18

// Rate is an exact positive decimal exchange rate: 1 unit of the tenant's default currency buys
// Rate units of another currency (USD default, JPY rate 157.25: USD 1 = JPY 157.25). It is stored
// as mantissa and scale, normalised so that equal rates compare equal with ==. The zero Rate is
// "no rate" and is refused wherever a rate is needed. Its text and JSON form is the decimal string.
type Rate struct {
	mant  int64 // > 0 for a set rate; no trailing zero digits when scale > 0
	scale int   // digits after the decimal point, 0..MaxRateDecimals
}

// ParseRate reads a positive decimal such as "0.9234", "157.25" or "1". Surrounding spaces are
// ignored. It refuses zero, signs, exponents, separators, more than MaxRateDecimals decimals (trailing zeros aside) and
// more than 18 significant digits, with ErrRate errors.
func ParseRate(s string) (Rate, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Rate{}, newError(ErrRate, FieldRate, "enter an exchange rate such as 0.9234")
	}
	if s[0] == '-' {
		return Rate{}, newError(ErrRate, FieldRate, "exchange rate must be greater than zero, got %s", s)
	}
	intPart, frac, hasPoint := strings.Cut(s, ".")
	if intPart == "" || !allDigits(intPart) || !allDigits(frac) || (hasPoint && frac == "") {
		return Rate{}, newError(ErrRate, FieldRate, "exchange rate must be a decimal number such as 0.9234, got %q", s)
	}
	frac = strings.TrimRight(frac, "0")
	if len(frac) > MaxRateDecimals {
		return Rate{}, newError(ErrRate, FieldRate,
			"exchange rate may have at most %d decimals, got %d", MaxRateDecimals, len(frac))
	}
	digits := strings.TrimLeft(intPart+frac, "0")
	if digits == "" {
		return Rate{}, newError(ErrRate, FieldRate, "exchange rate must be greater than zero, got %s", s)
	}
	if len(digits) > maxRateDigits {
		return Rate{}, newError(ErrRate, FieldRate,
			"exchange rate %s has too many digits (at most %d)", s, maxRateDigits)
	}
	mant, err := strconv.ParseInt(digits, 10, 64)
	if err != nil { // unreachable with at most 18 digits; kept so a change of limits cannot overflow
		return Rate{}, newError(ErrRate, FieldRate, "exchange rate %s is too large", s)
	}
	return Rate{mant: mant, scale: len(frac)}, nil
}

// IsZero reports whether r is the zero Rate, which means no rate.
func (r Rate) IsZero() bool { return r.mant == 0 }

// String returns the shortest decimal form ("0.9234", "157.25", "1"); ParseRate reads it back to
// an equal Rate. The zero Rate is "0".
func (r Rate) String() string {
	digits := strconv.FormatInt(r.mant, 10)
	if r.scale == 0 {
		return digits
	}
	if len(digits) <= r.scale {
		digits = strings.Repeat("0", r.scale-len(digits)+1) + digits
	}
	return digits[:len(digits)-r.scale] + "." + digits[len(digits)-r.scale:]
}

// MarshalText returns String, so JSON and configuration carry a rate as "0.9234".
func (r Rate) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText parses like ParseRate.
func (r *Rate) UnmarshalText(b []byte) error {
	v, err := ParseRate(string(b))
	if err != nil {
		return err
	}
	*r = v
	return nil
}

// rat returns r as an exact rational.
func (r Rate) rat() *big.Rat {
	return new(big.Rat).SetFrac(big.NewInt(r.mant), big.NewInt(pow10(r.scale)))
}
