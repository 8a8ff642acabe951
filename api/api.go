// Package api embeds the OpenAPI 3.0 contract of the REST API, served at /api/v1/openapi.yaml.
package api

import _ "embed"

// Spec is api/openapi.yaml.
//
//go:embed openapi.yaml
var Spec []byte
