package exporter

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Mux routes the exporter's paths: /probe to h, /metrics to the
// exporter's own metrics from gather, /-/healthy for load balancers and
// / to a page naming the others.
func Mux(h *Handler, gather prometheus.Gatherer) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/probe", h)
	mux.Handle("/metrics", promhttp.HandlerFor(gather, promhttp.HandlerOpts{}))
	mux.HandleFunc("/-/healthy", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "OK") })
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprint(w, "relayctl exporter\n\n/probe?module=MODULE&target=TARGET  probe a target\n/metrics                            the exporter's own metrics\n/-/healthy                          liveness\n")
	})
	return mux
}

// ShutdownGrace is how long Serve lets the probes in progress finish
// once ctx is done.
const ShutdownGrace = 5 * time.Second

// Serve answers on ln with handler until ctx is done, then shuts down
// gracefully: no new connections, ShutdownGrace for the ones in progress.
// maxProbe is the longest a probe may take, for the write timeout.
func Serve(ctx context.Context, ln net.Listener, handler http.Handler, maxProbe time.Duration) error {
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      maxProbe + 10*time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), ShutdownGrace)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serr := <-done; !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	return err
}
