// Package errs is the one error type of sslreseller: a code that decides the HTTP status and the
// problem code, a message fit to show to the person who caused it, and the fields that were wrong.
// Stores translate driver errors into it; handlers render it with one function each (API, UI).
package errs

import (
	"errors"
	"fmt"
)

// Code classifies an error. Each code maps to one HTTP status and one problem code.
type Code string

// The codes. Messages of Internal errors are never shown to users.
const (
	Invalid             Code = "invalid"
	NotFound            Code = "not_found"
	Conflict            Code = "conflict"
	IdempotencyConflict Code = "idempotency_conflict"
	Unauthenticated     Code = "unauthenticated"
	Forbidden           Code = "forbidden"
	ProviderAuth        Code = "provider_auth"
	ProviderUnavailable Code = "provider_unavailable"
	Unsupported         Code = "unsupported"
	Internal            Code = "internal"
)

// FieldError names one input field and what is wrong with it.
type FieldError struct {
	Field  string `json:"field"`
	Detail string `json:"detail"`
}

// Error is an error with a code, a user-facing message and optional field errors.
type Error struct {
	Code    Code
	Message string
	Fields  []FieldError
	Err     error
}

func (e *Error) Error() string {
	msg := e.Message
	if len(e.Fields) > 0 && msg == "" {
		msg = e.Fields[0].Field + ": " + e.Fields[0].Detail
	}
	if e.Err != nil {
		return msg + ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// New makes an error with a code and message.
func New(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Field makes an Invalid error about one field.
func Field(field, format string, args ...any) *Error {
	detail := fmt.Sprintf(format, args...)
	return &Error{Code: Invalid, Message: field + ": " + detail, Fields: []FieldError{{Field: field, Detail: detail}}}
}

// Fields collects field errors; Err returns nil when none were added.
type Fields []FieldError

// Add records a problem with a field.
func (f *Fields) Add(field, format string, args ...any) {
	*f = append(*f, FieldError{Field: field, Detail: fmt.Sprintf(format, args...)})
}

// Err returns an Invalid error listing every field, or nil.
func (f Fields) Err() error {
	if len(f) == 0 {
		return nil
	}
	msg := f[0].Field + ": " + f[0].Detail
	if len(f) > 1 {
		msg = fmt.Sprintf("%s (and %d more problems)", msg, len(f)-1)
	}
	return &Error{Code: Invalid, Message: msg, Fields: f}
}

// CodeOf returns the code of the first *Error in err's chain, or Internal.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// As returns the first *Error in err's chain.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// Is reports whether err carries the code.
func Is(err error, code Code) bool { return err != nil && CodeOf(err) == code }
