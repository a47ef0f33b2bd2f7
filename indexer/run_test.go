package indexer

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gongkai/gongkai/search"
)

// slowIndex records the writes Run makes; with overlap, the first waits
// (up to ten seconds) until a second has started, so that a run that
// keeps two writes in flight is seen to, however slow the machine; the
// write numbered failAt (from 1) fails.
type slowIndex struct {
	search.Index // the methods Run does not call
	mu           sync.Mutex
	overlap      bool
	second       chan struct{} // closed when the second write starts
	writes       int
	inFlight     int
	mostInFlight int
	ids          map[string]int
	failAt       int
	held         uint64            // documents the index holds before the run
	asked        int               // calls of Unchanged
	hashes       map[string]string // the version written of each id
}

var errDiskFull = errors.New("disk full")

func (x *slowIndex) Count() (uint64, error) { return x.held, nil }

func (x *slowIndex) Unchanged(_ context.Context, docs []*search.Document) (map[string]bool, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.asked++
	same := map[string]bool{}
	for _, d := range docs {
		if h, ok := x.hashes[d.ID]; ok && h == d.Hash() {
			same[d.ID] = true
		}
	}
	return same, nil
}

func (x *slowIndex) Put(ctx context.Context, docs []*search.Document) error {
	x.mu.Lock()
	x.writes++
	n := x.writes
	x.inFlight++
	x.mostInFlight = max(x.mostInFlight, x.inFlight)
	if x.second == nil {
		x.second = make(chan struct{})
	}
	if n == 2 {
		close(x.second)
	}
	x.mu.Unlock()
	if n == 1 && x.overlap {
		select {
		case <-x.second:
		case <-time.After(10 * time.Second):
		}
	}
	time.Sleep(time.Millisecond)
	x.mu.Lock()
	defer x.mu.Unlock()
	x.inFlight--
	if n == x.failAt {
		return errDiskFull
	}
	if x.hashes == nil {
		x.hashes = map[string]string{}
	}
	for _, d := range docs {
		x.ids[d.ID]++
		x.hashes[d.ID] = d.Hash()
	}
	return nil
}

// TestRunOverlapsWrites checks that Run keeps two writes in flight (one
// batch analysed while the previous is written), no more, that every
// document is written once, and that a failed write stops the run with
// its error, counting only the documents that were written, with no
// write left running.
func TestRunOverlapsWrites(t *testing.T) {
	paths := []string{corpus + "tests.jsonl"}
	x := &slowIndex{ids: map[string]int{}, overlap: true}
	sum, err := Run(context.Background(), x, paths, Options{BatchSize: 5})
	if err != nil {
		t.Fatal(err)
	}
	if x.mostInFlight != 2 {
		t.Errorf("%d writes at most in flight, want 2", x.mostInFlight)
	}
	if sum.Indexed != sum.Documents || len(x.ids) != sum.Documents {
		t.Errorf("indexed %d of %d documents, the index got %d", sum.Indexed, sum.Documents, len(x.ids))
	}
	for id, n := range x.ids {
		if n != 1 {
			t.Errorf("%s written %d times", id, n)
		}
	}

	x = &slowIndex{ids: map[string]int{}, failAt: 3, overlap: true}
	sum, err = Run(context.Background(), x, paths, Options{BatchSize: 5})
	if !errors.Is(err, errDiskFull) {
		t.Fatalf("run with a failing write: %v", err)
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.inFlight != 0 {
		t.Errorf("%d writes still running after Run returned", x.inFlight)
	}
	if sum.Indexed != len(x.ids) || sum.Indexed == 0 {
		t.Errorf("summary says %d indexed, the index got %d", sum.Indexed, len(x.ids))
	}
}

// TestRunAsksOnlyAnIndexThatHoldsDocuments checks that a run into an
// empty index (a first build, --rebuild) does not ask it, batch by
// batch, which documents it already holds, and that a run into an index
// that holds documents asks for every batch.
func TestRunAsksOnlyAnIndexThatHoldsDocuments(t *testing.T) {
	paths := []string{corpus + "tests.jsonl"}
	x := &slowIndex{ids: map[string]int{}}
	if _, err := Run(context.Background(), x, paths, Options{BatchSize: 5}); err != nil {
		t.Fatal(err)
	}
	if x.asked != 0 {
		t.Errorf("an empty index was asked %d times which documents it holds", x.asked)
	}
	x = &slowIndex{ids: map[string]int{}, held: 1}
	if _, err := Run(context.Background(), x, paths, Options{BatchSize: 5}); err != nil {
		t.Fatal(err)
	}
	if want := (len(x.ids) + 4) / 5; x.asked != want {
		t.Errorf("an index holding documents was asked %d times, want once a batch (%d)", x.asked, want)
	}
}

// TestRunRepeatedIDs checks what a run does with an id read twice: the
// same version again is skipped, another version is reported as failed
// with where the first came from and is not written — whether the first
// is still in the batch being gathered or already written.
func TestRunRepeatedIDs(t *testing.T) {
	dir := t.TempDir()
	rec := func(id, body string) string {
		return `{"id":"` + id + `","title":"关于` + id + `的通知","body":"` + body + `"}` + "\n"
	}
	same := filepath.Join(dir, "same.jsonl")
	other := filepath.Join(dir, "other.jsonl")
	if err := os.WriteFile(same, []byte(rec("a", "推进试点。")+rec("b", "加强领导。")+rec("a", "推进试点。")), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(other, []byte(rec("a", "推进试点。")+rec("b", "加强领导。")+rec("a", "另一版本。")), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, batch := range []int{100, 1} { // the first a still in the batch; already written
		x := &slowIndex{ids: map[string]int{}}
		sum, err := Run(context.Background(), x, []string{same}, Options{BatchSize: batch})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Skipped != 1 || sum.Failed != 0 || x.ids["a"] != 1 || x.ids["b"] != 1 {
			t.Errorf("batches of %d, the same record twice: skipped %d, failed %d, written %v", batch, sum.Skipped, sum.Failed, x.ids)
		}
		x = &slowIndex{ids: map[string]int{}}
		sum, err = Run(context.Background(), x, []string{other}, Options{BatchSize: batch})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Failed != 1 || sum.Skipped != 0 || x.ids["a"] != 1 || x.hashes["a"] == "" {
			t.Fatalf("batches of %d, another version under the same id: skipped %d, failed %d, written %v", batch, sum.Skipped, sum.Failed, x.ids)
		}
		if len(sum.Problems) != 1 || !strings.Contains(sum.Problems[0].Err.Error(), "other.jsonl:1") {
			t.Errorf("batches of %d: problems %v, want one naming other.jsonl:1", batch, sum.Problems)
		}
	}
}
