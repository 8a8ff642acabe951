package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5/middleware"
	"go.uber.org/zap"

	"github.com/sslreseller/sslreseller/internal/platform/errs"
)

// Problem is an RFC 9457 problem details body.
type Problem struct {
	Type   string            `json:"type"`
	Title  string            `json:"title"`
	Status int               `json:"status"`
	Detail string            `json:"detail"`
	Code   string            `json:"code"`
	Errors []errs.FieldError `json:"errors,omitempty"`
}

// statusAndCode is the one table from error code to HTTP status and problem code.
func statusAndCode(c errs.Code) (int, string) {
	switch c {
	case errs.Invalid:
		return http.StatusBadRequest, "invalid_request"
	case errs.NotFound:
		return http.StatusNotFound, "not_found"
	case errs.Conflict:
		return http.StatusConflict, "conflict"
	case errs.IdempotencyConflict:
		return http.StatusConflict, "idempotency_conflict"
	case errs.Unauthenticated:
		return http.StatusUnauthorized, "unauthenticated"
	case errs.Forbidden:
		return http.StatusForbidden, "forbidden"
	case errs.ProviderAuth:
		return http.StatusBadGateway, "provider_auth"
	case errs.ProviderUnavailable:
		return http.StatusServiceUnavailable, "provider_unavailable"
	case errs.Unsupported:
		return http.StatusConflict, "unsupported"
	default:
		return http.StatusInternalServerError, "internal"
	}
}

// writeProblem renders err. Internal errors are logged once with the request id and shown generically.
func (a *API) writeProblem(w http.ResponseWriter, r *http.Request, err error) {
	e, ok := errs.As(err)
	if !ok {
		e = &errs.Error{Code: errs.Internal}
	}
	status, code := statusAndCode(e.Code)
	detail := e.Message
	if e.Code == errs.Internal {
		a.log.Error("internal error", zap.String("request_id", requestID(r)), zap.String("route", r.URL.Path), zap.Error(err))
		detail = "something went wrong on our side; the request id is " + requestID(r)
	}
	p := Problem{
		Type:   "urn:sslreseller:problem:" + code,
		Title:  http.StatusText(status),
		Status: status,
		Detail: detail,
		Code:   code,
		Errors: e.Fields,
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="sslreseller"`)
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(p)
}

func requestID(r *http.Request) string {
	return middleware.GetReqID(r.Context())
}

// decode reads a JSON body into v, refusing unknown fields, trailing data and wrong types with a
// field error that names the field.
func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		return errs.Field("body", "must hold one JSON object and nothing after it")
	}
	return nil
}

func decodeError(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var tooBig *http.MaxBytesError
	switch {
	case errors.Is(err, io.EOF):
		return errs.Field("body", "is empty; a JSON object is required")
	case errors.As(err, &syntax):
		return errs.Field("body", "is not valid JSON (at byte %d)", syntax.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errs.Field("body", "is not valid JSON (it ends too early)")
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "body"
		}
		return errs.Field(field, "must be %s, not %s", jsonKind(typ.Type.Kind().String()), typ.Value)
	case errors.As(err, &tooBig):
		return errs.Field("body", "is larger than %d bytes", tooBig.Limit)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return errs.Field(name, "is not a known field")
	default:
		var e *errs.Error
		if errors.As(err, &e) {
			return e
		}
		return errs.Field("body", "cannot be read: %v", err)
	}
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "a string"
	case "int", "int32", "int64", "uint", "uint32", "uint64":
		return "an integer"
	case "float64":
		return "a number"
	case "bool":
		return "true or false"
	case "slice":
		return "an array"
	case "struct", "map", "ptr":
		return "an object"
	default:
		return fmt.Sprintf("a %s", k)
	}
}

// writeJSON renders v with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// List is the envelope of every list.
type List[T any] struct {
	Data       []T     `json:"data"`
	NextCursor *string `json:"next_cursor"`
}

func newList[T any](data []T, next string) List[T] {
	if data == nil {
		data = []T{}
	}
	l := List[T]{Data: data}
	if next != "" {
		l.NextCursor = &next
	}
	return l
}
