package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/gongkai/gongkai/indexer"
	"github.com/gongkai/gongkai/search"
)

// intParam reads an optional integer query parameter.
func intParam(r *http.Request, name string) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, &httpError{http.StatusBadRequest, fmt.Sprintf("参数 %s 应为整数（收到 %q）", name, v)}
	}
	return n, nil
}

// searchRequest reads the search parameters shared by the API and the
// results page: q, page, size, sort, mode.
func searchRequest(r *http.Request) (search.Request, error) {
	page, err := intParam(r, "page")
	if err != nil {
		return search.Request{}, err
	}
	size, err := intParam(r, "size")
	if err != nil {
		return search.Request{}, err
	}
	if _, ok := r.URL.Query()["page"]; ok && page == 0 {
		return search.Request{}, &httpError{http.StatusBadRequest, "页码超出范围（1–1000）"}
	}
	if _, ok := r.URL.Query()["size"]; ok && size == 0 {
		return search.Request{}, &httpError{http.StatusBadRequest, "每页条数超出范围（1–100）"}
	}
	q := r.URL.Query()
	return search.Request{Query: q.Get("q"), Page: page, Size: size, Sort: q.Get("sort"), Mode: q.Get("mode")}, nil
}

// runSearch runs a search with the request's context (a client that
// leaves stops it) and records its latency. A search that runs out of
// its time (the core's deadline) is logged and counted as such.
func (s *Server) runSearch(r *http.Request, req search.Request) (*search.Result, error) {
	idx := s.index()
	if idx == nil {
		return nil, errNotReady
	}
	t0 := time.Now()
	res, err := search.Run(search.WithClient(r.Context(), s.client(r)), idx, req)
	switch {
	case err == nil:
		s.metrics.search.WithLabelValues(res.Mode).Observe(time.Since(t0).Seconds())
	case errors.Is(err, context.DeadlineExceeded) && r.Context().Err() == nil:
		s.metrics.timeouts.Inc()
		s.log.Warn().Err(err).Str("q", req.Query).Str("mode", req.Mode).
			Float64("duration_ms", float64(time.Since(t0).Microseconds())/1000).Msg("search ran out of time")
	}
	return res, err
}

// charged runs fn, a report that makes many searches, as one heavy search
// of the client of r (search.Core.Charge): within the search deadline
// and the client's heavy-search budget.
func charged[T any](s *Server, r *http.Request, fn func(context.Context) (T, error)) (T, error) {
	ctx := search.WithClient(r.Context(), s.client(r))
	c, ok := s.index().(interface {
		Charge(context.Context, func(context.Context) error) error
	})
	if !ok {
		return fn(ctx)
	}
	var out T
	err := c.Charge(ctx, func(ctx context.Context) (err error) {
		out, err = fn(ctx)
		return err
	})
	return out, err
}

// client names the client of r for its heavy-search budget: its address
// (an IPv6 address by its /64, which one subscriber usually holds whole),
// or, behind a proxy, the address the proxy saw.
func (s *Server) client(r *http.Request) string {
	addr := r.RemoteAddr
	if s.proxied {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			hops := strings.Split(xff[len(xff)-1], ",")
			addr = strings.TrimSpace(hops[len(hops)-1])
		}
	}
	host := addr
	if h, _, err := net.SplitHostPort(addr); err == nil {
		host = h
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	if ip.Is6() && !ip.Is4In6() {
		p, _ := ip.Prefix(64)
		return p.String()
	}
	return ip.Unmap().String()
}

func (s *Server) serveSearchAPI(w http.ResponseWriter, r *http.Request) {
	format, err := exportFormat(r)
	var res *search.Result
	if err == nil {
		res, err = s.serveSearchAPIErr(r)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if format == formatCSV {
		writeCSV(w, r, "gongkai-search.csv", searchCSV(res, s.baseURL(r)))
		return
	}
	writeJSON(w, http.StatusOK, res)
}

func (s *Server) serveSearchAPIErr(r *http.Request) (*search.Result, error) {
	req, err := searchRequest(r)
	if err != nil {
		return nil, err
	}
	return s.runSearch(r, req)
}

// apiDocument is a whole document as GET /api/documents/{id} returns it.
type apiDocument struct {
	ID          string       `json:"id"`
	Title       string       `json:"title"`
	Agency      string       `json:"agency"`
	DocNumber   string       `json:"doc_number"`
	Date        string       `json:"date"`
	DateWritten string       `json:"date_written,omitempty"`
	DocType     string       `json:"doc_type"`
	Category    string       `json:"category"`
	IndexNumber string       `json:"index_number,omitempty"`
	Region      string       `json:"region,omitempty"`
	URL         string       `json:"url"`
	Permalink   string       `json:"permalink"`
	Citation    string       `json:"citation"`
	Sections    []apiSection `json:"sections"`
}

type apiSection struct {
	ID         string         `json:"id"`
	Path       []string       `json:"path"`
	Paragraphs []apiParagraph `json:"paragraphs"`
}

type apiParagraph struct {
	N       int    `json:"n"`
	Text    string `json:"text"`
	Heading bool   `json:"heading,omitempty"`
}

// baseURL is the scheme and host the request came to; behind a proxy,
// the scheme the proxy says it was (X-Forwarded-Proto, which without a
// proxy any client could set, in pages that caches share).
func (s *Server) baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || (s.proxied && r.Header.Get("X-Forwarded-Proto") == "https") {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func docPath(id string) string { return "/doc/" + url.PathEscape(id) }

// documentCitation is the citation of a whole document.
func documentCitation(d *search.Document) string {
	c := "《" + d.Title + "》"
	var meta []string
	for _, s := range []string{d.Agency, d.DocNumber, d.Date} {
		if s != "" {
			meta = append(meta, s)
		}
	}
	if len(meta) > 0 {
		c += "（" + strings.Join(meta, "，") + "）"
	}
	return c
}

func (s *Server) loadDocument(r *http.Request) (*search.Document, error) {
	idx := s.index()
	if idx == nil {
		return nil, errNotReady
	}
	return idx.Document(r.Context(), mux.Vars(r)["id"])
}

func (s *Server) serveDocumentAPI(w http.ResponseWriter, r *http.Request) {
	doc, err := s.serveDocumentAPIErr(r)
	var body []byte
	if err == nil {
		body, err = encodeJSON(doc)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeCacheable(w, r, "application/json; charset=utf-8", cacheDocument, body)
}

func (s *Server) serveDocumentAPIErr(r *http.Request) (*apiDocument, error) {
	d, err := s.loadDocument(r)
	if err != nil {
		return nil, err
	}
	link := s.baseURL(r) + docPath(d.ID)
	out := &apiDocument{
		ID: d.ID, Title: d.Title, Agency: d.Agency, DocNumber: d.DocNumber, Date: d.Date, DateWritten: d.DateWritten,
		DocType: d.DocType, Category: d.Category, IndexNumber: d.IndexNumber, Region: d.Region, URL: d.SourceURL,
		Permalink: link, Citation: documentCitation(d) + " " + link, Sections: []apiSection{},
	}
	for _, sec := range d.Sections {
		as := apiSection{ID: sec.ID, Path: sec.Path, Paragraphs: []apiParagraph{}}
		if as.Path == nil {
			as.Path = []string{}
		}
		for n := sec.First; n <= sec.Last; n++ {
			p := d.Paragraphs[n-1]
			as.Paragraphs = append(as.Paragraphs, apiParagraph{N: n, Text: p.Text, Heading: p.Heading})
		}
		out.Sections = append(out.Sections, as)
	}
	return out, nil
}

// postResult answers POST /api/documents.
type postResult struct {
	Indexed int      `json:"indexed"`
	IDs     []string `json:"ids"`
}

func (s *Server) servePostAPI(w http.ResponseWriter, r *http.Request) {
	res, err := s.servePostAPIErr(w, r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, res)
}

// servePostAPIErr indexes documents in the corpus schema: one JSON object,
// an array of them, or JSONL. Either all of them are indexed or none.
func (s *Server) servePostAPIErr(w http.ResponseWriter, r *http.Request) (*postResult, error) {
	if err := s.authorize(r); err != nil {
		return nil, err
	}
	idx := s.index()
	if idx == nil {
		return nil, errNotReady
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		return nil, err
	}
	records, err := decodeRecords(body)
	if err != nil {
		return nil, err
	}
	var docs []*search.Document
	seen := map[string]bool{}
	var problems []string
	for i, rec := range records {
		d, err := indexer.FromRecord(rec)
		if err != nil {
			problems = append(problems, fmt.Sprintf("第 %d 篇：%v", i+1, err))
			continue
		}
		if seen[d.ID] {
			problems = append(problems, fmt.Sprintf("第 %d 篇：id %s 重复", i+1, d.ID))
			continue
		}
		seen[d.ID] = true
		docs = append(docs, d)
	}
	if len(problems) > 0 {
		if len(problems) > 5 {
			problems = append(problems[:5], fmt.Sprintf("……共 %d 处错误", len(problems)))
		}
		return nil, &httpError{http.StatusBadRequest, "文档有误，未写入任何文档：" + strings.Join(problems, "；")}
	}
	if err := idx.Put(r.Context(), docs); err != nil {
		return nil, err
	}
	res := &postResult{Indexed: len(docs), IDs: []string{}}
	for _, d := range docs {
		res.IDs = append(res.IDs, d.ID)
	}
	s.log.Info().Int("documents", len(docs)).Msg("documents indexed via API")
	return res, nil
}

// decodeRecords reads one JSON object, an array of objects, or a stream
// of objects (JSONL).
func decodeRecords(body []byte) ([]*indexer.Record, error) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return nil, &httpError{http.StatusBadRequest, "请求体为空：需要语料格式的 JSON 对象、数组或 JSONL"}
	}
	bad := func(err error) error {
		return &httpError{http.StatusBadRequest, "无法解析 JSON：" + err.Error()}
	}
	// what names the n-th record and what is wrong with its JSON.
	what := func(n int, err error) error { return fmt.Errorf("第 %d 篇：%w", n, indexer.JSONProblem(err)) }
	var out []*indexer.Record
	if trimmed[0] == '[' {
		if err := json.Unmarshal(trimmed, &out); err != nil {
			return nil, bad(indexer.JSONProblem(err))
		}
	} else {
		dec := json.NewDecoder(bytes.NewReader(trimmed))
		for {
			var rec indexer.Record
			err := dec.Decode(&rec)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return nil, bad(what(len(out)+1, err))
			}
			out = append(out, &rec)
		}
	}
	if len(out) == 0 {
		return nil, &httpError{http.StatusBadRequest, "没有文档"}
	}
	if len(out) > MaxDocsPerPost {
		return nil, &httpError{http.StatusRequestEntityTooLarge, fmt.Sprintf("一次最多提交 %d 篇文档", MaxDocsPerPost)}
	}
	for i, rec := range out {
		if rec == nil {
			return nil, bad(fmt.Errorf("第 %d 篇不是对象", i+1))
		}
	}
	return out, nil
}

func (s *Server) serveDeleteAPI(w http.ResponseWriter, r *http.Request) {
	if err := s.serveDeleteAPIErr(r); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) serveDeleteAPIErr(r *http.Request) error {
	if err := s.authorize(r); err != nil {
		return err
	}
	idx := s.index()
	if idx == nil {
		return errNotReady
	}
	id := mux.Vars(r)["id"]
	if _, err := idx.Document(r.Context(), id); err != nil {
		return err
	}
	if err := idx.Delete(r.Context(), id); err != nil {
		return err
	}
	s.log.Info().Str("id", id).Msg("document deleted via API")
	return nil
}
