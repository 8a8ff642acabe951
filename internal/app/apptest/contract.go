package apptest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/sslreseller/sslreseller/api"
)

var (
	specOnce   sync.Once
	specRouter routers.Router
	specErr    error
)

func contractRouter() (routers.Router, error) {
	specOnce.Do(func() {
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromData(api.Spec)
		if err != nil {
			specErr = err
			return
		}
		if err := doc.Validate(context.Background()); err != nil {
			specErr = err
			return
		}
		doc.Servers = openapi3.Servers{{URL: "/api/v1"}}
		specRouter, specErr = gorillamux.NewRouter(doc)
	})
	return specRouter, specErr
}

// contractTransport checks every request and response against api/openapi.yaml and fails the test
// on any difference: the contract billing systems are written against cannot drift from the code.
type contractTransport struct {
	tb   testing.TB
	next http.RoundTripper
}

// ContractClient returns an HTTP client whose every /api/v1 exchange is checked against the
// OpenAPI contract.
func ContractClient(tb testing.TB) *http.Client {
	tb.Helper()
	if _, err := contractRouter(); err != nil {
		tb.Fatalf("api/openapi.yaml: %v", err)
	}
	return &http.Client{Transport: &contractTransport{tb: tb, next: http.DefaultTransport}}
}

func (c *contractTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if !strings.HasPrefix(req.URL.Path, "/api/v1/") || req.URL.Path == "/api/v1/openapi.yaml" {
		return c.next.RoundTrip(req)
	}
	router, _ := contractRouter()
	var reqBody []byte
	if req.Body != nil {
		reqBody, _ = io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(reqBody))
	}
	// Route on a copy whose URL is relative to the server, as the spec's servers entry says.
	route, params, err := router.FindRoute(req)
	if err != nil {
		c.tb.Errorf("contract: %s %s is not in api/openapi.yaml: %v", req.Method, req.URL.Path, err)
		return c.next.RoundTrip(req)
	}
	in := &openapi3filter.RequestValidationInput{
		Request: req.Clone(req.Context()), PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true},
	}
	if req.Body != nil {
		in.Request.Body = io.NopCloser(bytes.NewReader(reqBody))
	}
	requestValid := openapi3filter.ValidateRequest(req.Context(), in) == nil
	if req.Body != nil {
		req.Body = io.NopCloser(bytes.NewReader(reqBody))
	}
	resp, err := c.next.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	// A request that breaks the contract must be refused: the service may not accept what the
	// contract says is invalid.
	if !requestValid && resp.StatusCode < 400 {
		err := openapi3filter.ValidateRequest(req.Context(), in)
		c.tb.Errorf("contract: %s %s breaks api/openapi.yaml but was answered %d: %v", req.Method, req.URL.Path, resp.StatusCode, err)
	}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: resp.StatusCode, Header: resp.Header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	out.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(req.Context(), out); err != nil {
		var pretty bytes.Buffer
		_ = json.Indent(&pretty, body, "", "  ")
		c.tb.Errorf("contract: response %d to %s %s does not match api/openapi.yaml: %v\n%s", resp.StatusCode, req.Method, req.URL.Path, err, pretty.String())
	}
	return resp, nil
}

// Response is an answer read whole.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v or fails the test.
func (r *Response) JSON(tb testing.TB, v any) {
	tb.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		tb.Fatalf("decode %d response: %v\n%s", r.Status, err, r.Body)
	}
}

// Call sends one API request through the contract client. body may be nil, a string (sent as is)
// or a value (sent as JSON); headers are "Name: value" pairs.
func (s *Server) Call(tb testing.TB, method, path, key string, body any, headers ...string) *Response {
	tb.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			tb.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, s.URL+path, rd)
	if err != nil {
		tb.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	if s.contract == nil {
		s.contract = ContractClient(tb)
	}
	resp, err := s.contract.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: raw}
}
