package app

import (
	"github.com/sslreseller/sslreseller/internal/provider"
	"github.com/sslreseller/sslreseller/internal/provider/enom"
	"github.com/sslreseller/sslreseller/internal/provider/hexonet"
	"github.com/sslreseller/sslreseller/internal/provider/sandbox"
	"github.com/sslreseller/sslreseller/internal/provider/sectigo"
)

// registry lists the providers of this build.
func registry() *provider.Registry {
	return provider.NewRegistry(
		sandbox.Spec(),
		enom.Spec(),
		hexonet.Spec(),
		sectigo.Spec(),
	)
}
