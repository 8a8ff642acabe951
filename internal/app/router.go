package app

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.uber.org/zap"
)

// metrics are registered once per App on their own registry.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sslreseller_http_requests_total", Help: "HTTP requests by route, method and status.",
		}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "sslreseller_http_request_duration_seconds", Help: "HTTP request duration by route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "method"}),
	}
	m.reg.MustRegister(m.requests, m.duration, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

type logFieldsKey struct{}

// logFields carries what inner handlers learn (the tenant) back to the access log.
type logFields struct {
	mu     sync.Mutex
	tenant uuid.UUID
}

func setLogTenant(r *http.Request, id uuid.UUID) {
	if f, ok := r.Context().Value(logFieldsKey{}).(*logFields); ok {
		f.mu.Lock()
		f.tenant = id
		f.mu.Unlock()
	}
}

func (a *App) router(apiHandler, ui http.Handler) http.Handler {
	m := newMetrics()
	r := chi.NewRouter()
	r.Use(middleware.RequestID)
	r.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Request-Id", middleware.GetReqID(r.Context()))
			next.ServeHTTP(w, r)
		})
	})
	r.Use(a.accessLog(m))
	r.Use(a.recoverer)
	r.Use(securityHeaders(strings.HasPrefix(a.Config.HTTP.BaseURL, "https://")))
	r.Use(bodyLimit(a.Config.HTTP.MaxBodyBytes))

	r.Get("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	r.Get("/readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if err := a.DB.Pool.Ping(ctx); err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("database unreachable\n"))
			return
		}
		if err := a.CheckSchema(ctx); err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("schema not current: " + err.Error() + "\n"))
			return
		}
		_, _ = w.Write([]byte("ready\n"))
	})
	r.Handle("/metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}))
	r.Mount("/api/v1", apiHandler)
	r.Mount("/", ui)
	return r
}

// accessLog logs one line per request with the route pattern instead of query strings, and token
// path segments replaced, so no access-granting token reaches a log.
func (a *App) accessLog(m *metrics) func(http.Handler) http.Handler {
	log := a.Log.Named("http")
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			lf := &logFields{}
			r = r.WithContext(context.WithValue(r.Context(), logFieldsKey{}, lf))
			ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
			next.ServeHTTP(ww, r)
			d := time.Since(start)
			route := "unmatched"
			path := r.URL.Path
			if rc := chi.RouteContext(r.Context()); rc != nil {
				if p := rc.RoutePattern(); p != "" {
					route = p
				}
				for i, k := range rc.URLParams.Keys {
					if k == "token" && i < len(rc.URLParams.Values) && rc.URLParams.Values[i] != "" {
						path = strings.ReplaceAll(path, rc.URLParams.Values[i], "[token]")
					}
				}
			}
			status := ww.Status()
			if status == 0 {
				status = http.StatusOK
			}
			m.requests.WithLabelValues(route, r.Method, strconv.Itoa(status)).Inc()
			m.duration.WithLabelValues(route, r.Method).Observe(d.Seconds())
			fields := []zap.Field{
				zap.String("request_id", middleware.GetReqID(r.Context())),
				zap.String("method", r.Method),
				zap.String("path", path),
				zap.String("route", route),
				zap.Int("status", status),
				zap.Int("bytes", ww.BytesWritten()),
				zap.Duration("duration", d),
				zap.String("remote", r.RemoteAddr),
			}
			lf.mu.Lock()
			if lf.tenant != uuid.Nil {
				fields = append(fields, zap.String("tenant_id", lf.tenant.String()))
			}
			lf.mu.Unlock()
			log.Info("request", fields...)
		})
	}
}

func (a *App) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				a.Log.Error("panic", zap.Any("panic", v), zap.String("request_id", middleware.GetReqID(r.Context())), zap.Stack("stack"))
				w.Header().Set("Content-Type", "application/problem+json")
				w.WriteHeader(http.StatusInternalServerError)
				_, _ = w.Write([]byte(`{"type":"urn:sslreseller:problem:internal","title":"Internal Server Error","status":500,"detail":"something went wrong on our side","code":"internal"}` + "\n"))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

func securityHeaders(https bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "+
				"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("X-Frame-Options", "DENY")
			// Links that grant access carry tokens: never leak them in a Referer.
			h.Set("Referrer-Policy", "no-referrer")
			h.Set("Cross-Origin-Opener-Policy", "same-origin")
			if https {
				h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
			}
			next.ServeHTTP(w, r)
		})
	}
}

func bodyLimit(n int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Body != nil {
				r.Body = http.MaxBytesReader(w, r.Body, n)
			}
			next.ServeHTTP(w, r)
		})
	}
}
