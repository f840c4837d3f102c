package main

import (
	"bytes"
	"flag"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// The crash test's knobs. The defaults are what issue 9 asks for; a longer
// hunt is `go test ./cmd/portal -run Crash -crash.kills=1000 -timeout=2h`.
var (
	crashKills = flag.Int("crash.kills", 100, "how many times TestCrashSafety kills the portal under load")
	crashSeed  = flag.Int64("crash.seed", 0, "TestCrashSafety's random seed (0: from the clock; the seed used is logged)")
)

const (
	// crashWorkers is how many admins act at once: enough that a kill
	// finds several transactions and file writes in flight, few enough
	// for the two cores the tests share.
	crashWorkers = 3
	// Each run under load lasts a random time in this range before the
	// kill: short runs catch the server just after its start (outbox
	// replay, first requests), long ones in the middle of many requests.
	crashMinRun, crashMaxRun = 100 * time.Millisecond, 1000 * time.Millisecond
	// crashPause bounds a random pause between one worker's operations.
	// Without it the workers make a hundred datasets a second and the
	// catalog, which every check reads whole, grows by tens of megabytes a
	// minute; with it a kill still cuts a request short almost every time
	// (99 kills of 100 in a run, counted in the summary).
	crashPause = 30 * time.Millisecond
	// The whole search index is compared with the catalog every
	// crashWholeIndexEvery-th cycle and at the end (paging through
	// thousands of hits takes a while); the datasets each run touched are
	// looked up after every start.
	crashWholeIndexEvery = 5
	// Every crashStartKillEvery-th cycle the portal is also killed while
	// it starts, between opening the catalog and answering: a crash during
	// the recovery of a crash must be harmless too.
	crashStartKillEvery = 10
	// crashMaxFailures stops the test early: past it, more of the same
	// messages help nobody.
	crashMaxFailures = 25
	crashPassword    = "みどり野市の青い空と白い雲と衝突試験"
)

// TestCrashSafety is issue 9's crash test: the real binary serves admins
// who upload new datasets and versions, publish, restore, withdraw and edit
// titles, all at once, and is killed with SIGKILL at a random moment, over
// and over. After each kill the catalog is read directly (the process is
// dead) and after each restart through the server, and must hold together:
// SQLite's integrity check passes; every version's files are on disk under
// their checksum; every version has the records it counts; every published
// dataset points at a published version; every change the portal
// acknowledged is there, with its audit row; a change in flight at the kill
// is there whole or not at all; and the search index agrees with the
// catalog. See crash_ops_test.go for what the admins do and
// crash_check_test.go for the checks.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("kills the portal a hundred times: minutes")
	}
	seed := *crashSeed
	if seed == 0 {
		seed = time.Now().UnixNano()
	}
	// The seed repeats the choices (operations, sizes, delays), not the
	// moment the kill lands in the server's work: that depends on the load.
	t.Logf("seed %d", seed)
	began := time.Now()
	h := &crashHarness{t: t, bin: buildPortal(t), rng: rand.New(rand.NewPCG(uint64(seed), 0x9)),
		model: &crashModel{sets: map[string]*crashSet{}, acked: map[string]int{}}, verified: map[string]fileStamp{},
		spent: map[string]time.Duration{}}
	h.data = filepath.Join(t.TempDir(), "data")
	users := exec.Command(h.bin, "users", "add", "--data", h.data, "--login", "admin", "--role", "admin")
	users.Stdin = strings.NewReader(crashPassword + "\n")
	if out, err := users.CombinedOutput(); err != nil {
		t.Fatalf("users add: %v\n%s", err, out)
	}
	t.Cleanup(h.stop)

	// The first start loads the demo catalog, which is not killed: its
	// loader resumes a half-loaded demo, which TestLoadDemoCompletesAHalfLoadedDemo covers.
	h.start(0)
	h.client = newCrashClient(h.srv.base)
	if err := h.client.login(); err != nil {
		t.Fatal(err)
	}
	var err error
	if h.dept, err = h.client.firstDepartment(); err != nil {
		t.Fatal(err)
	}
	deadline, hasDeadline := t.Deadline()
	loopBegan := time.Now()
	for cycle := 1; h.kills < *crashKills; cycle++ {
		h.cycle = cycle
		h.checkServed(cycle%crashWholeIndexEvery == 0)
		h.run(crashMinRun + time.Duration(h.rng.Int64N(int64(crashMaxRun-crashMinRun))))
		h.checkStopped()
		if cycle%crashStartKillEvery == 0 {
			// Somewhere in the start, which takes lastStart under this load.
			if h.start(time.Duration(h.rng.Int64N(int64(h.lastStart) + 1))) {
				h.checkStopped()
			}
		}
		if cycle%10 == 0 {
			t.Logf("cycle %d: %d kills, %d datasets, %d checks, %s", cycle, h.kills+h.startKills,
				len(h.model.slugs), h.checks.Load(), time.Since(began).Round(time.Second))
		}
		if h.failures.Load() > crashMaxFailures {
			t.Fatalf("stopping after %d failed checks (seed %d)", h.failures.Load(), seed)
		}
		h.start(0)
		h.client.base = h.srv.base
		// go test's -timeout (10 minutes unless set) ends the run with a
		// panic that hides every result. Most of a cycle is the portal's
		// start (its Japanese dictionary takes a second of CPU), so on a
		// machine too loaded for the kills to fit, stop in time and say so.
		perCycle := time.Since(loopBegan) / time.Duration(cycle)
		if hasDeadline && h.kills < *crashKills && time.Until(deadline) < 3*perCycle+time.Minute {
			t.Logf("STOPPED EARLY after %d kills of %d: go test's -timeout is near (%s a cycle on this machine); "+
				"-timeout=30m lets them all run", h.kills, *crashKills, perCycle.Round(100*time.Millisecond))
			break
		}
	}
	h.checkServed(true)
	ops := h.model.acked
	t.Logf("crash test: %d kills under load (%d of them cutting requests short) + %d during start, %d operations acknowledged "+
		"(%d new datasets, %d versions, %d publishes, %d withdrawals, %d title edits), "+
		"%d in flight at a kill (%d had committed, %d had not), %d checks run, %d index rebuilds at start, "+
		"%d sessions lost, left behind: %d temporary files, %d unreferenced stored files; %s (%s)",
		h.kills, h.midRequest, h.startKills, ops[opCreate]+ops[opVersion]+ops[opPublish]+ops[opWithdraw]+ops[opEdit],
		ops[opCreate], ops[opVersion], ops[opPublish], ops[opWithdraw], ops[opEdit],
		h.model.doubts, h.model.doubtsCommitted, h.model.doubts-h.model.doubtsCommitted,
		h.checks.Load(), h.rebuilds, h.client.relogins, h.tmpLeft, h.orphans, time.Since(began).Round(time.Second), h.spentText())
}

// crashHarness is the state of one crash test: the binary and its data
// folder, the server now running, and the model of what it promised.
type crashHarness struct {
	t      *testing.T
	bin    string
	data   string
	dept   string // the department the datasets are made in
	rng    *rand.Rand
	client *crashClient
	model  *crashModel
	srv    *crashServer
	cycle  int

	lastStart time.Duration // how long the last full start took
	// verified are the stored files already hashed, by path, with what
	// they looked like then: a file under its checksum never changes (a
	// second upload of the same bytes renames an equal file over it, which
	// changes its stamp), so only new or replaced files are read again.
	verified map[string]fileStamp

	spent map[string]time.Duration // by phase, for the summary

	kills, startKills int
	midRequest        int // kills that cut a request short
	rebuilds          int // starts that found the index damaged
	tmpLeft, orphans  int // garbage found at the last check
	checks, failures  atomic.Int64
}

// timer adds the time until the returned func is called to spent[phase].
func (h *crashHarness) timer(phase string) func() {
	began := time.Now()
	return func() { h.spent[phase] += time.Since(began) }
}

func (h *crashHarness) spentText() string {
	var parts []string
	for _, phase := range []string{"starts", "runs", "checks after kills", "checks after starts"} {
		parts = append(parts, fmt.Sprintf("%s %s", phase, h.spent[phase].Round(time.Second)))
	}
	return strings.Join(parts, ", ")
}

// check counts one check and reports it when it fails. Workers call it too.
func (h *crashHarness) check(ok bool, format string, args ...any) bool {
	h.t.Helper()
	h.checks.Add(1)
	if !ok {
		h.failures.Add(1)
		h.t.Errorf("cycle %d: "+format, append([]any{h.cycle}, args...)...)
	}
	return ok
}

// crashServer is one run of the binary.
type crashServer struct {
	cmd  *exec.Cmd
	base string
	log  *crashLog
	done chan struct{} // closed once the process has exited
}

// start starts the portal. With killAfter > 0 it is killed that long after
// it was started, most likely before it listens, and start tells whether
// it got that far before the kill (false: it had failed on its own, which is
// reported). With 0 it waits until the portal listens and leaves it running
// in h.srv.
func (h *crashHarness) start(killAfter time.Duration) bool {
	h.t.Helper()
	defer h.timer("starts")()
	log := &crashLog{listening: make(chan string, 1)}
	cmd := crashCommand(h.bin, h.data)
	cmd.Stderr = log
	began := time.Now()
	if err := cmd.Start(); err != nil {
		h.t.Fatal(err)
	}
	srv := &crashServer{cmd: cmd, log: log, done: make(chan struct{})}
	go func() { cmd.Wait(); close(srv.done) }()
	h.srv = srv
	if killAfter > 0 {
		select {
		case <-time.After(killAfter):
			h.startKills++
			srv.kill()
			return true
		case <-srv.done:
			h.check(false, "the portal stopped while starting: %v\n%s", cmd.ProcessState, log.tail())
			return false
		}
	}
	select {
	case srv.base = <-log.listening:
	case <-srv.done:
		h.t.Fatalf("cycle %d: the portal did not start after a kill: %v\n%s", h.cycle, cmd.ProcessState, log.tail())
	case <-time.After(3 * time.Minute):
		h.t.Fatalf("cycle %d: the portal did not start in 3 minutes\n%s", h.cycle, log.tail())
	}
	h.lastStart = time.Since(began)
	if strings.Contains(log.String(), "search index rebuilt") && h.cycle > 0 {
		h.rebuilds++
	}
	return true
}

// crashCommand is the portal serving data on a free port.
func crashCommand(bin, data string) *exec.Cmd {
	return exec.Command(bin, "--addr", "127.0.0.1:0", "--data", data)
}

// kill sends SIGKILL and waits until the process is gone, so that nothing
// of it writes to the data folder afterwards.
func (s *crashServer) kill() {
	s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.done
}

// stop ends the test's last portal.
func (h *crashHarness) stop() {
	if h.srv != nil {
		h.srv.kill()
	}
}

// run lets the workers loose on the server for d, then kills it while they
// are still at work, and waits until each has seen the end of its request.
func (h *crashHarness) run(d time.Duration) {
	defer h.timer("runs")()
	stopped := make(chan struct{})
	var wg sync.WaitGroup
	for range crashWorkers {
		rng := rand.New(rand.NewPCG(h.rng.Uint64(), h.rng.Uint64()))
		wg.Add(1)
		go func() {
			defer wg.Done()
			h.work(rng, stopped)
		}()
	}
	before := h.model.doubtCount()
	time.Sleep(d)
	h.srv.kill()
	h.kills++
	close(stopped)
	wg.Wait()
	if h.model.doubtCount() > before {
		h.midRequest++
	}
	h.client.http.CloseIdleConnections()
}

// crashLog keeps what the portal writes to stderr, to show when it
// misbehaves, and passes on its address once it listens.
type crashLog struct {
	mu        sync.Mutex
	buf       bytes.Buffer
	listening chan string
	scanned   int // bytes of buf looked at for the address
	sent      bool
}

func (l *crashLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Write(p)
	for !l.sent {
		rest := l.buf.Bytes()[l.scanned:]
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			break
		}
		if base, ok := strings.CutPrefix(string(rest[:i]), "listening on "); ok {
			l.listening <- base
			l.sent = true
		}
		l.scanned += i + 1
	}
	return len(p), nil
}

func (l *crashLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// tail is the end of the log, for a failure message.
func (l *crashLog) tail() string {
	s := l.String()
	if len(s) > 4000 {
		s = "…" + s[len(s)-4000:]
	}
	return s
}
