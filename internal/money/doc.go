// Package money is the arithmetic of prices: ISO 4217 currencies and their minor units, amounts as
// int64 minor units, exact decimal exchange rates a tenant sets (1 default = rate other), margins in
// basis points and the named rounding rules (none, whole, x.99, x.95). Everything is exact: values
// stay rational numbers from cost through margin and conversion, and are rounded once, always up, so
// a price never drops below cost plus margin. There is no floating point in this package. Errors are
// *Error values that name the wrong field (margin, currency, rate, amount, rounding), match the
// package's sentinels with errors.Is, and read as the Invalid *errs.Error the handlers render.
package money
