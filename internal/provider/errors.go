package provider

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/sslreseller/sslreseller/internal/platform/errs"
)

// Class says what an upstream failure means for the order; the one mapping to order status and HTTP
// problem is ToErrs (and the lifecycle's handling of Rejected and Temporary).
type Class string

// The error classes of design.md section 4.
const (
	// Invalid: our input was refused (400 with the field).
	Invalid Class = "invalid"
	// Rejected: the CA said no (the order becomes rejected; not an HTTP error).
	Rejected Class = "rejected"
	// Auth: bad credentials or IP not allowed (problem provider_auth telling staff what to fix).
	Auth Class = "auth"
	// Temporary: network, 5xx, rate limit, maintenance (the order stays submitting; a job retries).
	Temporary Class = "temporary"
	// Unsupported: the provider cannot do this (409).
	Unsupported Class = "unsupported"
	// NotFound: the provider does not know the reference.
	NotFound Class = "not_found"
)

// Error is an upstream failure, classified. Message is written for tenant staff and never holds
// credentials; Code is the provider's own code or number.
type Error struct {
	Class   Class
	Field   string // our field the problem concerns, for Invalid
	Message string
	Code    string
	Command string
	Err     error
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Command != "" {
		b.WriteString(e.Command + ": ")
	}
	b.WriteString(e.Message)
	if e.Code != "" {
		b.WriteString(" (code " + e.Code + ")")
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf makes a classified error.
func Errorf(class Class, format string, args ...any) *Error {
	return &Error{Class: class, Message: fmt.Sprintf(format, args...)}
}

// ClassOf classifies any error: a *Error by its class, network failures and timeouts as Temporary,
// anything else as Temporary too (an unexplained failure is retried, never treated as a rejection).
func ClassOf(err error) Class {
	var e *Error
	if errors.As(err, &e) {
		return e.Class
	}
	var ue *url.Error
	var ne net.Error
	if errors.As(err, &ue) || errors.As(err, &ne) || errors.Is(err, context.DeadlineExceeded) {
		return Temporary
	}
	return Temporary
}

// ToErrs maps an upstream failure to the service's error codes, for the API and UI.
func ToErrs(err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if !errors.As(err, &e) {
		e = &Error{Class: ClassOf(err), Message: "the provider could not be reached", Err: err}
	}
	switch e.Class {
	case Invalid:
		field := e.Field
		if field == "" {
			field = "provider"
		}
		return &errs.Error{Code: errs.Invalid, Message: e.Message, Fields: []errs.FieldError{{Field: field, Detail: e.Message}}, Err: err}
	case Auth:
		return &errs.Error{Code: errs.ProviderAuth, Message: e.Message, Err: err}
	case Unsupported:
		return &errs.Error{Code: errs.Unsupported, Message: e.Message, Err: err}
	case NotFound:
		return &errs.Error{Code: errs.NotFound, Message: e.Message, Err: err}
	case Rejected:
		return &errs.Error{Code: errs.Conflict, Message: "the certificate authority rejected the request: " + e.Message, Err: err}
	default:
		return &errs.Error{Code: errs.ProviderUnavailable, Message: "the provider is temporarily unavailable: " + e.Message, Err: err}
	}
}
