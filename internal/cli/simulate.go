package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/sslreseller/sslreseller/internal/provider/enom/enomsim"
	"github.com/sslreseller/sslreseller/internal/provider/hexonet/hexonetsim"
	"github.com/sslreseller/sslreseller/internal/provider/sectigo/sectigosim"
)

// simulate serves a provider simulator: the real wire format on the provider's own paths, with
// accounts, balances, status progression and real certificates from the simulator's CA.
func (e *env) simulate(args []string) error {
	if len(args) == 0 {
		return usageError("simulate needs enom, hexonet or sectigo")
	}
	name := args[0]
	fs := e.flags("simulate " + name)
	addr := fs.String("addr", "127.0.0.1:0", "listen address (loopback)")
	if err := e.parse(fs, args[1:]); err != nil {
		return err
	}
	var handler http.Handler
	var creds, notes string
	var root []byte
	switch name {
	case "enom":
		sim := enomsim.New(enomsim.Options{})
		c := sim.DefaultAccount()
		handler, root = sim.Handler(), sim.RootPEM()
		creds = fmt.Sprintf("  credentials: uid=%s  pw=%s", c.UID, c.PW)
		notes = "  names starting with reject. are rejected; see the enomsim package documentation for every scenario"
	case "hexonet":
		sim := hexonetsim.New(hexonetsim.Options{})
		c := sim.DefaultCredentials()
		handler, root = sim.Handler(), sim.RootPEM()
		creds = fmt.Sprintf("  credentials: login=%s  password=%s  (OT&E entity 1234 = environment test, 54cd = live)", c.Login, c.Password)
		notes = "  names starting with reject., pollsN., slow., lost. ... trigger scenarios; see the hexonetsim package documentation"
	case "sectigo":
		sim := sectigosim.New(sectigosim.Options{IssueTestOrders: true})
		a := sim.DefaultAccount()
		handler, root = sim.Handler(), sim.RootPEM()
		creds = fmt.Sprintf("  credentials: login_name=%s  login_password=%s", a.LoginName, a.LoginPassword)
		notes = "  names starting with reject., pending., pollsN., slow., lost. ... trigger scenarios; see the sectigosim package documentation"
	default:
		return usageError(fmt.Sprintf("simulate: unknown provider %q (enom, hexonet or sectigo)", name))
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("simulate: listen on %s: %w", *addr, err)
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(e.stdout, "%s simulator listening on http://%s\n  use it as the endpoint of a provider account (providers.allow_custom_endpoints must be on)\n%s\n%s\n  simulator root CA (certificates verify against it):\n%s",
		name, ln.Addr(), creds, notes, root)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
