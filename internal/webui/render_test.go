package webui

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/alexedwards/scs/v2"
	"github.com/go-chi/chi/v5/middleware"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/sslreseller/sslreseller/internal/platform/errs"
)

// An internal error shows a generic page with the request id and is logged once with it; its
// message never reaches the page.
func TestFailInternal(t *testing.T) {
	core, logs := observer.New(zap.ErrorLevel)
	u := New(Deps{Sessions: scs.New(), Log: zap.New(core)})
	var id string
	h := middleware.RequestID(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id = middleware.GetReqID(r.Context())
		u.fail(w, r, errors.New("connection to 10.0.0.7 refused"))
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/operator", nil))
	body := rec.Body.String()
	if rec.Code != http.StatusInternalServerError || !strings.Contains(body, "Something went wrong on our side") || !strings.Contains(body, id) {
		t.Errorf("status %d, body:\n%s", rec.Code, body)
	}
	if strings.Contains(body, "10.0.0.7") {
		t.Error("the page shows the internal error")
	}
	if n := logs.FilterField(zap.String("request_id", id)).Len(); n != 1 || logs.Len() != 1 {
		t.Errorf("logged %d times with the request id, %d in all; want once", n, logs.Len())
	}
}

func TestFailCodes(t *testing.T) {
	u := New(Deps{Sessions: scs.New()})
	for _, tc := range []struct {
		err    error
		status int
		text   string
	}{
		{errs.New(errs.NotFound, "client not found"), http.StatusNotFound, "client not found"},
		{errs.New(errs.Forbidden, "owners only"), http.StatusForbidden, "owners only"},
		{errs.Field("cursor", "is not a cursor"), http.StatusBadRequest, "cursor: is not a cursor"},
		{errs.New(errs.Conflict, "already done"), http.StatusConflict, "already done"},
	} {
		rec := httptest.NewRecorder()
		u.fail(rec, httptest.NewRequest(http.MethodGet, "/", nil), tc.err)
		if rec.Code != tc.status || !strings.Contains(rec.Body.String(), tc.text) {
			t.Errorf("%v: %d, want %d with %q", tc.err, rec.Code, tc.status, tc.text)
		}
	}
}
