package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// built is the binary the tests run, built once per test run.
var built struct {
	once sync.Once
	bin  string
	out  []byte
	err  error
}

// buildPortal builds the real binary (once) and returns its path.
func buildPortal(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		dir, err := os.MkdirTemp("", "portal-test-")
		if err != nil {
			built.err = err
			return
		}
		built.bin = filepath.Join(dir, "portal")
		built.out, built.err = exec.Command("go", "build", "-o", built.bin, ".").CombinedOutput()
	})
	if built.err != nil {
		t.Fatalf("go build: %v\n%s", built.err, built.out)
	}
	return built.bin
}

// startPortal starts the real binary on data and returns its base URL; the
// process is killed at the end of the test if still running.
func startPortal(t *testing.T, bin, data string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(bin, "--addr", "127.0.0.1:0", "--data", data)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	lines := bufio.NewScanner(stderr)
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) && lines.Scan() {
		if base, ok := strings.CutPrefix(lines.Text(), "listening on "); ok {
			go io.Copy(io.Discard, stderr)
			return cmd, base
		}
	}
	t.Fatal("the portal did not start")
	return nil, ""
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built.bin != "" {
		os.RemoveAll(filepath.Dir(built.bin))
	}
	os.Exit(code)
}

// TestServeDemoAndStopOnSIGTERM starts the binary as a city would, on an
// empty data folder, and checks the demo is served and SIGTERM stops it
// cleanly.
func TestServeDemoAndStopOnSIGTERM(t *testing.T) {
	bin := buildPortal(t)
	data := filepath.Join(t.TempDir(), "data")
	cmd, base := startPortal(t, bin, data)
	res, err := http.Get(base + "/api/v1/datasets?per_page=100")
	if err != nil {
		t.Fatal(err)
	}
	var list struct {
		Total int `json:"total"`
		Items []struct {
			ID   string `json:"id"`
			Kind string `json:"kind"`
			URL  string `json:"url"`
		} `json:"items"`
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if err := json.Unmarshal(body, &list); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	kinds := map[string]bool{}
	for _, it := range list.Items {
		kinds[it.Kind] = true
		// Without --base-url, links name the address really listened on
		// (":0" is not a port to link to).
		if want := base + "/api/v1/datasets/" + it.ID; it.URL != want {
			t.Errorf("%s: url %q, want %q", it.ID, it.URL, want)
		}
	}
	for _, k := range []string{"facility", "evacuation", "event", "photo"} {
		if !kinds[k] {
			t.Errorf("demo lacks a %s dataset: %s", k, body)
		}
	}
	if _, err := os.Stat(filepath.Join(data, "portal.db")); err != nil {
		t.Errorf("no database in the data folder: %v", err)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Error("still running 15 s after SIGTERM")
	}
}

func TestImportCommand(t *testing.T) {
	bin := buildPortal(t)
	data := filepath.Join(t.TempDir(), "data")
	run := func(args ...string) (string, error) {
		out, err := exec.Command(bin, args...).CombinedOutput()
		return string(out), err
	}
	// The demo departments exist once the portal has started on the folder;
	// here the folder is fresh, so import must name an unknown department.
	out, err := run("import", "--data", data, "--department", "bousai", "--kind", "table", "../../../shared/data/real-csv/saitama_aed.csv")
	if err == nil || !strings.Contains(out, "bousai") || strings.Count(strings.TrimSpace(out), "\n") != 0 {
		t.Errorf("unknown department: err %v, output %q (want one line naming it)", err, out)
	}
	// Start once with the demo to create the departments, then import.
	srv, _ := startPortal(t, bin, data)
	if err := srv.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := srv.Wait(); err != nil {
		t.Fatalf("server with the demo: %v", err)
	}

	out, err = run("import", "--data", data, "--department", "kenkou", "--kind", "table", "--slug", "saitama-aed",
		"--title", "さいたま市AED", "../../../shared/data/real-csv/saitama_aed.csv")
	if err != nil || !strings.Contains(out, "imported saitama-aed version 1: 392 records, 0 refused (utf-8-bom)") {
		t.Errorf("import: %v\n%s", err, out)
	}
	out, err = run("import", "--data", data, "--department", "kenkou", "--kind", "table", "--slug", "saitama-aed",
		"../../../shared/data/real-csv/saitama_aed.csv")
	if err != nil || !strings.Contains(out, "version 2") {
		t.Errorf("second import: %v\n%s", err, out)
	}
	empty := filepath.Join(t.TempDir(), "empty.csv")
	os.WriteFile(empty, nil, 0o644)
	out, err = run("import", "--data", data, "--department", "kenkou", "--kind", "table", empty)
	if err == nil || !strings.Contains(out, "empty.csv") || !strings.Contains(out, "empty") {
		t.Errorf("empty file: err %v, output %q", err, out)
	}
	out, err = run("frobnicate")
	if err == nil || !strings.Contains(out, "unknown command") {
		t.Errorf("unknown command: %v %q", err, out)
	}
}

// TestHelpAndBadFlags: help is a success; a mistake is one line and exit 1.
func TestHelpAndBadFlags(t *testing.T) {
	bin := buildPortal(t)
	data := filepath.Join(t.TempDir(), "data")
	tests := []struct {
		name string
		args []string
		ok   bool
		want string // in the output; for a failure, its one line
	}{
		{"-h", []string{"-h"}, true, "usage: portal"},
		{"--help", []string{"--help"}, true, "usage: portal"},
		{"help", []string{"help"}, true, "usage: portal"},
		{"serve -h", []string{"serve", "-h"}, true, "-base-url"},
		{"import -h", []string{"import", "-h"}, true, "-department"},
		{"bad flag", []string{"--nosuch", "--data", data}, false, "portal: flag provided but not defined: -nosuch"},
		{"bad flag value", []string{"--demo=perhaps", "--data", data}, false, "portal: invalid boolean value"},
		{"bad import flag", []string{"import", "--nosuch"}, false, "portal: flag provided but not defined: -nosuch"},
		{"unknown command", []string{"frobnicate"}, false, `portal: unknown command "frobnicate"`},
		{"bad address", []string{"--addr", "127.0.0.1:99999", "--data", data}, false, "portal: listen tcp"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr strings.Builder
			cmd := exec.Command(bin, tt.args...)
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			out := stderr.String()
			if tt.ok {
				if err != nil || !strings.Contains(out, tt.want) {
					t.Errorf("err %v, output %q; want exit 0 and %q", err, out, tt.want)
				}
				return
			}
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 1 {
				t.Errorf("err %v, want exit status 1", err)
			}
			if strings.Count(out, "\n") != 1 || !strings.HasPrefix(out, tt.want) || stdout.Len() != 0 {
				t.Errorf("stderr %q, stdout %q; want one line starting %q", out, stdout.String(), tt.want)
			}
		})
	}
	// Nothing above was a start: no data folder was made.
	if _, err := os.Stat(data); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a failed start left %s: %v", data, err)
	}
}
