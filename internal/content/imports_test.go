package content

import (
	"go/build"
	"strings"
	"testing"
)

// content is the bottom of the post lifecycle: the review, boards and publication build on it, and
// it calls none of them (their work hangs on the review's hooks, wired in app).
func TestImportsNoOtherFeature(t *testing.T) {
	pkg, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	allowed := map[string]bool{"clearpost/internal/apperr": true, "clearpost/internal/auth": true, "clearpost/internal/postgres": true, "clearpost/internal/text": true}
	for _, imp := range pkg.Imports {
		if strings.HasPrefix(imp, "clearpost/") && !allowed[imp] {
			t.Errorf("content imports %s; it may import only %v", imp, allowed)
		}
	}
}
