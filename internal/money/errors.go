package money

import (
	"errors"
	"fmt"

	"github.com/sslreseller/sslreseller/internal/platform/errs"
)

// Field names for Error.Field: the input a reseller has to correct.
const (
	FieldMargin   = "margin"
	FieldCurrency = "currency"
	FieldRate     = "rate"
	FieldAmount   = "amount"
	FieldRounding = "rounding"
)

// Sentinels matched by errors.Is against the errors of this package, one per kind of wrong input.
var (
	// ErrMargin: a margin outside 0..MaxMarginBps or not a percentage.
	ErrMargin = errors.New("invalid margin")
	// ErrCurrency: a code that is not an upper-case ISO 4217 code this package knows.
	ErrCurrency = errors.New("invalid currency")
	// ErrRate: an exchange rate that is zero, negative, malformed or too precise.
	ErrRate = errors.New("invalid exchange rate")
	// ErrNoRate: the tenant has no exchange rate for a currency. It also matches ErrRate.
	ErrNoRate = errors.New("missing exchange rate")
	// ErrAmount: an amount that is negative, malformed, too precise for its currency or too large.
	ErrAmount = errors.New("invalid amount")
	// ErrRounding: a rounding rule other than none, whole, x.99 and x.95.
	ErrRounding = errors.New("invalid rounding rule")
)

// Error is a wrong money input: the field it is about and a message a reseller understands
// ("no exchange rate for EUR"). errors.Is matches it against the sentinel of its kind, and
// errors.As (so errs.CodeOf and errs.As) sees it as an Invalid *errs.Error with one field error.
type Error struct {
	// Field is one of the Field constants.
	Field string
	// Message says what is wrong, in words fit to show to the user.
	Message string

	kind error
}

func newError(kind error, field, format string, args ...any) *Error {
	return &Error{Field: field, Message: fmt.Sprintf(format, args...), kind: kind}
}

// Error returns the message.
func (e *Error) Error() string { return e.Message }

// Is reports whether target is the sentinel of e's kind; a missing rate is also a rate error.
func (e *Error) Is(target error) bool {
	return target == e.kind || (e.kind == ErrNoRate && target == ErrRate)
}

// As lets errors.As find an Invalid *errs.Error, so handlers render money errors like any other
// field error without knowing this package.
func (e *Error) As(target any) bool {
	p, ok := target.(**errs.Error)
	if !ok {
		return false
	}
	*p = &errs.Error{
		Code:    errs.Invalid,
		Message: e.Message,
		Fields:  []errs.FieldError{{Field: e.Field, Detail: e.Message}},
	}
	return true
}
