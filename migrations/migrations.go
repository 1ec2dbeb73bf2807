// Package migrations holds Clearpost's numbered SQL migrations, embedded into the binary.
package migrations

import "embed"

// FS holds every migration file.
//
//go:embed *.sql
var FS embed.FS
