// Command sslreseller is the whole service in one binary: HTTP server, workers, migrations and the
// administration commands. Run `sslreseller help` for the list.
package main

import (
	"os"

	"github.com/sslreseller/sslreseller/internal/cli"
)

func main() {
	os.Exit(cli.Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
