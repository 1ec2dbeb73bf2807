package apptest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

var (
	buildOnce sync.Once
	binary    string
	buildErr  error
)

// Binary builds cmd/clearpost once per test binary and returns its path, for tests that run
// Clearpost as processes of its own (to kill them with SIGKILL, say).
func Binary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "clearpost-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binary = filepath.Join(dir, "clearpost")
		out, err := exec.Command("go", "build", "-o", binary, "clearpost/cmd/clearpost").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binary
}
