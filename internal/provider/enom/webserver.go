package enom

import (
	"sort"
	"strings"

	"github.com/sslreseller/sslreseller/internal/provider"
)

// Our server types, as the portal offers them.
const (
	ServerApache = "apache"
	ServerNginx  = "nginx"
	ServerIIS    = "iis"
	ServerTomcat = "tomcat"
	ServerCPanel = "cpanel"
	ServerPlesk  = "plesk"
	ServerOther  = "other"
)

// webServerTypes maps our server types to Enom's WebServerType numbers, one column per product
// family (providers.md 1.6). Enom has no nginx entry; nginx, like anything else, is "Other".
var webServerTypes = map[string]struct{ standard, comodo int }{
	ServerApache: {standard: 21, comodo: 1002}, // Apache 2 | Apache/ModSSL
	ServerNginx:  {standard: 18, comodo: 1000}, // Other | Other
	ServerIIS:    {standard: 33, comodo: 1014}, // Microsoft IIS 6.0 | Microsoft IIS 5.x and later
	ServerTomcat: {standard: 29, comodo: 1024}, // Jakarta-Tomcat | Tomcat
	ServerCPanel: {standard: 24, comodo: 1031}, // Cpanel | WHM/cPanel
	ServerPlesk:  {standard: 28, comodo: 1030}, // Plesk | Plesk
	ServerOther:  {standard: 18, comodo: 1000}, // Other | Other
}

// WebServerType returns the WebServerType number CertConfigureCert wants for one of our server types
// (apache, nginx, iis, tomcat, cpanel, plesk, other; case-insensitive, empty meaning other) and the
// product: Comodo products (IsComodo) use Enom's 1000-series, the others the 1–33 series. An unknown
// server type is an Invalid error on the field "server_type".
func WebServerType(serverType string, prodType int) (int, error) {
	st := strings.ToLower(strings.TrimSpace(serverType))
	if st == "" {
		st = ServerOther
	}
	codes, ok := webServerTypes[st]
	if !ok {
		names := make([]string, 0, len(webServerTypes))
		for k := range webServerTypes {
			names = append(names, k)
		}
		sort.Strings(names)
		return 0, &provider.Error{Class: provider.Invalid, Field: "server_type",
			Message: "unknown server type " + `"` + serverType + `"; choose one of ` + strings.Join(names, ", ")}
	}
	if IsComodo(prodType) {
		return codes.comodo, nil
	}
	return codes.standard, nil
}
