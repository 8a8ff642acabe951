// Package web holds the browser assets of sslreseller, embedded into the binary so that one file is
// the whole service: the html/template files of the admin, portal and operator pages under
// templates/, and the stylesheet and vendored htmx under static/. internal/webui renders them.
package web

import "embed"

// Templates holds templates/: layouts and partials at the top, pages in admin/, operator/ and
// portal/.
//
//go:embed templates
var Templates embed.FS

// Static holds static/: app.css and vendor/htmx.min.js, served under /static/.
//
//go:embed static
var Static embed.FS
