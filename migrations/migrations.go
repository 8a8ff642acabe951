// Package migrations embeds the SQL schema of sslreseller as golang-migrate files: the application role
// grants, River's job tables (one pair per River schema version) and the service's own tables.
package migrations

import "embed"

// FS holds every *.up.sql and *.down.sql file of this directory.
//
//go:embed *.sql
var FS embed.FS

// AppRole is the group role that receives the application's privileges. The login role named in
// database.url is made a member of it; it is neither superuser nor owner of any table.
const AppRole = "sslreseller_app"
