package indexer

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/gongkai/gongkai/search"
)

// Options tune a run of Run.
type Options struct {
	// BatchSize is how many documents go into one index write (default 100).
	BatchSize int
	// BatchBytes bounds the body text of one index write (default 2 MB):
	// memory while indexing grows with the size of a write, and a few long
	// documents weigh more than many short ones.
	BatchBytes int
	// Progress, when set, is called as input is read with the bytes read
	// so far and the total size of the inputs.
	Progress func(done, total int64)
	// FS, when set, holds the inputs (for example an embedded corpus);
	// paths are then slash-separated paths in it.
	FS fs.FS
}

// files abstracts where inputs live: the disk, or an fs.FS.
type files interface {
	Stat(name string) (fs.FileInfo, error)
	WalkDir(root string, fn fs.WalkDirFunc) error
	Open(name string) (io.ReadCloser, error)
	ReadFile(name string) ([]byte, error)
}

type disk struct{}

func (disk) Stat(name string) (fs.FileInfo, error)        { return os.Stat(name) }
func (disk) WalkDir(root string, fn fs.WalkDirFunc) error { return filepath.WalkDir(root, fn) }
func (disk) Open(name string) (io.ReadCloser, error)      { return os.Open(name) }
func (disk) ReadFile(name string) ([]byte, error)         { return os.ReadFile(name) }

type inFS struct{ fsys fs.FS }

func (f inFS) Stat(name string) (fs.FileInfo, error)        { return fs.Stat(f.fsys, name) }
func (f inFS) WalkDir(root string, fn fs.WalkDirFunc) error { return fs.WalkDir(f.fsys, root, fn) }
func (f inFS) Open(name string) (io.ReadCloser, error)      { return f.fsys.Open(name) }
func (f inFS) ReadFile(name string) ([]byte, error)         { return fs.ReadFile(f.fsys, name) }

func filesOf(o Options) files {
	if o.FS != nil {
		return inFS{o.FS}
	}
	return disk{}
}

// Summary tells what a run did.
type Summary struct {
	Files     int // input files read
	Documents int // distinct documents read
	Indexed   int // new or changed documents written to the index
	Unchanged int // documents the index already held in this version
	Sections  int // sections of the documents read
	Skipped   int // files of other types inside folders, repeated records
	Failed    int // files and records that could not be read
	// TextBytes is the size of the body text of the indexed documents.
	TextBytes int64
	Seconds   float64
	// Problems lists every file or record that failed, or was skipped for
	// a reason the user should know.
	Problems []*ParseError
}

// inputFile is one file to read.
type inputFile struct {
	path string
	size int64
	kind string // "jsonl", "txt", "html"
}

func kindOf(path string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".jsonl", ".ndjson":
		return "jsonl"
	case ".txt":
		return "txt"
	case ".html", ".htm", ".shtml":
		return "html"
	}
	return ""
}

// collect lists the input files under paths: files given by name must be
// of a known type; folders are walked recursively and files of other types
// in them are counted as skipped.
func collect(src files, paths []string, sum *Summary) []inputFile {
	var files []inputFile
	for _, p := range paths {
		info, err := src.Stat(p)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				err = errors.New("找不到该文件或文件夹")
			}
			sum.Failed++
			sum.Problems = append(sum.Problems, &ParseError{Path: p, Err: err})
			continue
		}
		if !info.IsDir() {
			k := kindOf(p)
			if k == "" {
				sum.Failed++
				sum.Problems = append(sum.Problems, &ParseError{Path: p, Err: errors.New("不支持的文件类型（应为 .jsonl、.txt、.html 或 .htm）")})
				continue
			}
			files = append(files, inputFile{p, info.Size(), k})
			continue
		}
		err = src.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				sum.Failed++
				sum.Problems = append(sum.Problems, &ParseError{Path: path, Err: err})
				return nil
			}
			if d.IsDir() {
				if path != p && strings.HasPrefix(d.Name(), ".") {
					return filepath.SkipDir
				}
				return nil
			}
			k := kindOf(path)
			if k == "" {
				sum.Skipped++
				return nil
			}
			info, err := d.Info()
			if err != nil {
				sum.Failed++
				sum.Problems = append(sum.Problems, &ParseError{Path: path, Err: err})
				return nil
			}
			files = append(files, inputFile{path, info.Size(), k})
			return nil
		})
		if err != nil {
			sum.Failed++
			sum.Problems = append(sum.Problems, &ParseError{Path: p, Err: err})
		}
	}
	return files
}

// FileID derives a document id from a page's file name: the name without
// its extension, with characters not allowed in ids replaced by '_'.
func FileID(path string) string {
	base := filepath.Base(path)
	id := strings.TrimSuffix(base, filepath.Ext(base))
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune("/?#\\ \t\n\r", r) {
			return '_'
		}
		return r
	}, id)
}

// item is what the reader hands to the writer: a document or a problem.
type item struct {
	doc   *search.Document
	where *ParseError // the document's origin, or a problem when doc is nil
	bytes int64       // input bytes consumed since the previous item
}

// ParseFile reads the documents of one page file (.txt or .html). JSONL
// files hold many documents; use Run or ReadJSONL for them.
func ParseFile(path string) (*search.Document, error) {
	return parseFile(disk{}, path)
}

func parseFile(src files, path string) (*search.Document, error) {
	if st, err := src.Stat(path); err == nil && st.Size() > MaxPageBytes {
		return nil, errTooLarge("文件", int(st.Size()), MaxPageBytes)
	}
	raw, err := src.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(raw) > MaxPageBytes {
		return nil, errTooLarge("文件", len(raw), MaxPageBytes)
	}
	id := FileID(path)
	if err := CheckID(id); err != nil {
		return nil, err
	}
	var doc *search.Document
	switch kindOf(path) {
	case "txt":
		doc, err = ParseText(id, string(raw))
	case "html":
		doc, err = ParseHTML(id, raw)
	default:
		return nil, errors.New("不支持的文件类型")
	}
	if err != nil {
		return nil, err
	}
	if doc.Source == "" {
		doc.Source = filepath.Base(path)
	}
	return doc, nil
}

// ReadJSONL reads JSONL records from r, calling fn for each document or
// for each line that could not be read (with its line number).
//
// A line longer than the record limit (a few times MaxDocumentBytes) is
// reported as an error without being held in memory.
func ReadJSONL(r io.Reader, fn func(doc *search.Document, line int, n int64, err error) error) error {
	br := bufio.NewReaderSize(r, 1<<20)
	line := 0
	for {
		b, skipped, err := readLine(br, maxRecordBytes)
		if skipped > 0 {
			line++
			if ferr := fn(nil, line, skipped, errTooLarge("这条记录", int(skipped), maxRecordBytes)); ferr != nil {
				return ferr
			}
		} else if len(b) > 0 {
			line++
			n := int64(len(b))
			if t := strings.TrimSpace(string(b)); t != "" {
				doc, perr := ParseRecord([]byte(t))
				if ferr := fn(doc, line, n, perr); ferr != nil {
					return ferr
				}
			} else if ferr := fn(nil, line, n, nil); ferr != nil {
				return ferr
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// readLine reads a line of at most limit bytes. A longer line is read to
// its end and thrown away; its length comes back as skipped.
func readLine(br *bufio.Reader, limit int) (line []byte, skipped int64, err error) {
	for {
		chunk, err := br.ReadSlice('\n')
		if skipped == 0 && len(line)+len(chunk) <= limit {
			line = append(line, chunk...)
		} else {
			skipped += int64(len(line) + len(chunk))
			line = nil
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		return line, skipped, err
	}
}

// read sends the documents of files to out, and problems as items
// without a document.
func read(ctx context.Context, src files, files []inputFile, out chan<- item) {
	defer close(out)
	send := func(it item) bool {
		select {
		case out <- it:
			return true
		case <-ctx.Done():
			return false
		}
	}
	for _, f := range files {
		switch f.kind {
		case "jsonl":
			fh, err := src.Open(f.path)
			if err != nil {
				if !send(item{where: &ParseError{Path: f.path, Err: err}, bytes: f.size}) {
					return
				}
				continue
			}
			var done int64
			err = ReadJSONL(fh, func(doc *search.Document, line int, n int64, perr error) error {
				done += n
				if doc == nil && perr == nil {
					return nil
				}
				it := item{doc: doc, where: &ParseError{Path: f.path, Line: line, Err: perr}, bytes: n}
				if !send(it) {
					return ctx.Err()
				}
				return nil
			})
			fh.Close()
			if err != nil && ctx.Err() == nil {
				if !send(item{where: &ParseError{Path: f.path, Err: err}, bytes: f.size - done}) {
					return
				}
			}
			if ctx.Err() != nil {
				return
			}
		default:
			doc, err := parseFile(src, f.path)
			if !send(item{doc: doc, where: &ParseError{Path: f.path, Err: err}, bytes: f.size}) {
				return
			}
		}
	}
}

// ReadAll reads the documents under paths without indexing them. Like
// Run, the first document of an id wins; the summary counts the files,
// documents and failures.
func ReadAll(ctx context.Context, paths []string, opt Options) ([]*search.Document, *Summary, error) {
	sum := &Summary{}
	src := filesOf(opt)
	files := collect(src, paths, sum)
	sum.Files = len(files)
	items := make(chan item, 64)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go read(ctx, src, files, items)
	seen := map[string]bool{}
	var docs []*search.Document
	for it := range items {
		if it.doc == nil {
			sum.Failed++
			sum.Problems = append(sum.Problems, it.where)
			continue
		}
		if seen[it.doc.ID] {
			sum.Skipped++
			continue
		}
		seen[it.doc.ID] = true
		sum.Documents++
		sum.Sections += len(it.doc.Sections)
		docs = append(docs, it.doc)
	}
	return docs, sum, ctx.Err()
}

// Run reads every input under paths and brings the index up to date:
// new and changed documents are written, unchanged ones are skipped, files
// and records that cannot be read are reported in the summary and
// skipped. Only a failure to write the index stops the run.
func Run(ctx context.Context, idx search.Index, paths []string, opt Options) (sum *Summary, err error) {
	start := time.Now()
	defer func() {
		if sum != nil {
			sum.Seconds = time.Since(start).Seconds() // stopped runs too
		}
	}()
	if opt.BatchSize <= 0 {
		opt.BatchSize = 100
	}
	if opt.BatchBytes <= 0 {
		opt.BatchBytes = 2 << 20
	}
	sum = &Summary{}
	src := filesOf(opt)
	files := collect(src, paths, sum)
	sum.Files = len(files)
	var total, done int64
	for _, f := range files {
		total += f.size
	}
	// An index that holds nothing yet (a first build, --rebuild) has no
	// document of this run in any version: asking it which are unchanged
	// would search it once a batch, in the way of the next batch, for
	// nothing. A document written meanwhile by someone else is at worst
	// written again.
	held, err := idx.Count()
	if err != nil {
		return sum, fmt.Errorf("count the index's documents: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	items := make(chan item, 2*opt.BatchSize)
	go read(ctx, src, files, items)

	// seen maps the ids read in this run to where they were read: the
	// first record of an id wins, an identical repeat is skipped quietly
	// (sameAsFirst).
	seen := map[string]string{}
	var batch []*search.Document
	batchBytes := 0
	// Two writes may be in flight, so that one batch is analysed while
	// the one before it is written. A run never has an id in two batches
	// (seen), so the order in which they land does not matter.
	type write struct {
		docs []*search.Document
		err  chan error
	}
	var writing []write
	// landed waits until at most n writes are in flight.
	landed := func(n int) error {
		var first error
		for len(writing) > n {
			w := writing[0]
			writing = writing[1:]
			if err := <-w.err; err != nil {
				if first == nil {
					first = err
					cancel() // the other write stops too
				}
				continue
			}
			sum.Indexed += len(w.docs)
			for _, d := range w.docs {
				for _, p := range d.Paragraphs {
					sum.TextBytes += int64(len(p.Text))
				}
			}
		}
		return first
	}
	defer landed(0) // nothing is left writing when Run returns
	flush := func() error {
		batchBytes = 0
		if len(batch) == 0 {
			return nil
		}
		var same map[string]bool
		if held > 0 {
			var err error
			if same, err = idx.Unchanged(ctx, batch); err != nil {
				return err
			}
		}
		var changed []*search.Document
		for _, d := range batch {
			if same[d.ID] {
				sum.Unchanged++
				continue
			}
			changed = append(changed, d)
		}
		batch = batch[:0]
		if err := landed(1); err != nil {
			return err
		}
		if len(changed) == 0 {
			return nil
		}
		w := write{changed, make(chan error, 1)}
		writing = append(writing, w)
		go func() { w.err <- idx.Put(ctx, w.docs) }()
		return nil
	}
	// sameAsFirst reports whether d, read again under an id this run has
	// read before, is the version read first: in the batch being
	// gathered, or else (once the writes have landed) in the index. A
	// repeated id is rare; hashing every document to recognise one
	// cost a tenth of a second per thousand documents.
	sameAsFirst := func(d *search.Document) (bool, error) {
		for _, b := range batch {
			if b.ID == d.ID {
				return b.Hash() == d.Hash(), nil
			}
		}
		if err := landed(0); err != nil {
			return false, err
		}
		same, err := idx.Unchanged(ctx, []*search.Document{d})
		if err != nil {
			return false, err
		}
		return same[d.ID], nil
	}
	for it := range items {
		done += it.bytes
		if opt.Progress != nil {
			opt.Progress(done, total)
		}
		if it.doc == nil {
			sum.Failed++
			sum.Problems = append(sum.Problems, it.where)
			continue
		}
		d := it.doc
		if first, ok := seen[d.ID]; ok {
			same, err := sameAsFirst(d)
			if err != nil {
				return sum, err
			}
			if same {
				sum.Skipped++ // the same document twice
				continue
			}
			// Another document under the same id (two pages named
			// index.html in different folders): it is not indexed, and
			// the run says so, not just that it skipped something.
			sum.Failed++
			it.where.Err = fmt.Errorf("id %s 已从 %s 读入（内容不同），此篇未索引：同一批输入中的文档须有不同的 id（网页与文本文件以文件名为 id）", d.ID, first)
			sum.Problems = append(sum.Problems, it.where)
			continue
		}
		where := it.where.Path
		if it.where.Line > 0 {
			where = fmt.Sprintf("%s:%d", where, it.where.Line)
		}
		seen[d.ID] = where
		sum.Documents++
		sum.Sections += len(d.Sections)
		batch = append(batch, d)
		for _, p := range d.Paragraphs {
			batchBytes += len(p.Text)
		}
		if len(batch) >= opt.BatchSize || batchBytes >= opt.BatchBytes {
			if err := flush(); err != nil {
				return sum, err
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return sum, err
	}
	if err := flush(); err != nil {
		return sum, err
	}
	if err := landed(0); err != nil {
		return sum, err
	}
	sort.SliceStable(sum.Problems, func(i, j int) bool { return sum.Problems[i].Path < sum.Problems[j].Path })
	return sum, nil
}
