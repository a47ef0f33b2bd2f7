package opensearch

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/gongkai/gongkai/search"
)

// bulkAttempts bounds how often items the cluster rejects as too busy
// (429) are sent again.
const bulkAttempts = 4

// BulkError says which documents of a write or delete failed; the others
// were written.
type BulkError struct {
	// Failed maps the id of each failed document to the cluster's reason.
	Failed map[string]string
	// Total is the number of documents of the request.
	Total int
}

func (e *BulkError) Error() string {
	ids := make([]string, 0, len(e.Failed))
	for id := range e.Failed {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var b strings.Builder
	fmt.Fprintf(&b, "opensearch: %d of %d documents failed:", len(e.Failed), e.Total)
	for i, id := range ids {
		if i == 5 {
			fmt.Fprintf(&b, " … and %d more", len(ids)-5)
			break
		}
		fmt.Fprintf(&b, " %s (%s);", id, e.Failed[id])
	}
	return strings.TrimSuffix(b.String(), ";")
}

// bulkItem is one operation of a bulk request: its two NDJSON lines (one
// for a delete) and the document id.
type bulkItem struct {
	id    string
	lines []byte
}

type bulkAnswer struct {
	Errors bool                         `json:"errors"`
	Items  []map[string]bulkItemOutcome `json:"items"`
}

type bulkItemOutcome struct {
	ID     string `json:"_id"`
	Status int    `json:"status"`
	Result string `json:"result"`
	Error  *struct {
		Type     string `json:"type"`
		Reason   string `json:"reason"`
		CausedBy *struct {
			Type   string `json:"type"`
			Reason string `json:"reason"`
		} `json:"caused_by"`
	} `json:"error"`
}

func (o *bulkItemOutcome) reason() string {
	if o.Error == nil {
		return fmt.Sprintf("status %d", o.Status)
	}
	s := o.Error.Type + ": " + o.Error.Reason
	if c := o.Error.CausedBy; c != nil {
		s += " (" + c.Type + ": " + c.Reason + ")"
	}
	return s
}

// Write adds or replaces documents. They are searchable when it returns
// (the bulk requests wait for a refresh; while rebuilding, the next read
// of this engine refreshes). A *BulkError names the documents that
// failed; the others are written.
func (e *Engine) Write(ctx context.Context, docs []*search.IndexDoc) error {
	if len(docs) == 0 {
		return nil
	}
	target, _ := e.where()
	items := make([]bulkItem, 0, len(docs))
	for _, d := range docs {
		src, err := source(d)
		if err != nil {
			return err
		}
		var b bytes.Buffer
		action := map[string]any{"index": map[string]any{"_index": target, "_id": d.Doc.ID}}
		if err := json.NewEncoder(&b).Encode(action); err != nil {
			return err
		}
		if err := json.NewEncoder(&b).Encode(src); err != nil {
			return fmt.Errorf("document %s: %w", d.Doc.ID, err)
		}
		items = append(items, bulkItem{id: d.Doc.ID, lines: b.Bytes()})
	}
	return e.bulk(ctx, target, items, false)
}

// Delete removes documents by id; unknown ids are ignored.
func (e *Engine) Delete(ctx context.Context, ids ...string) error {
	if len(ids) == 0 {
		return nil
	}
	target, _ := e.where()
	items := make([]bulkItem, 0, len(ids))
	for _, id := range ids {
		b, err := json.Marshal(map[string]any{"delete": map[string]any{"_index": target, "_id": id}})
		if err != nil {
			return err
		}
		items = append(items, bulkItem{id: id, lines: append(b, '\n')})
	}
	return e.bulk(ctx, target, items, true)
}

// bulk sends items in requests of at most Options.BulkBytes, sends again
// the items the cluster rejected as too busy, and reports the items that
// failed.
func (e *Engine) bulk(ctx context.Context, target string, items []bulkItem, deleting bool) error {
	failed := map[string]string{}
	total := len(items)
	for attempt := 1; len(items) > 0; attempt++ {
		var busy []bulkItem
		for start := 0; start < len(items); {
			end, size := start, 0
			for end < len(items) && (end == start || size+len(items[end].lines) <= e.opts.BulkBytes) {
				size += len(items[end].lines)
				end++
			}
			retry, err := e.bulkRequest(ctx, target, items[start:end], deleting, failed, attempt < bulkAttempts)
			if err != nil {
				return err
			}
			busy = append(busy, retry...)
			start = end
		}
		items = busy
		if len(items) > 0 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(backoff(attempt + 2)):
			}
		}
	}
	if len(failed) > 0 {
		return &BulkError{Failed: failed, Total: total}
	}
	return nil
}

// bulkRequest sends one bulk request; it records failed items and returns
// those to send again.
func (e *Engine) bulkRequest(ctx context.Context, target string, items []bulkItem, deleting bool, failed map[string]string, canRetry bool) ([]bulkItem, error) {
	var body bytes.Buffer
	for _, it := range items {
		body.Write(it.lines)
	}
	_, building := e.where()
	params := url.Values{"refresh": {"wait_for"}}
	if building {
		params.Set("refresh", "false")
		e.dirty.Store(true)
	}
	var ans bulkAnswer
	if err := call(ctx, e.client, http.MethodPost, "/"+seg(target)+"/_bulk", params, body.Bytes(), &ans); err != nil {
		return nil, err
	}
	if !ans.Errors {
		return nil, nil
	}
	if len(ans.Items) != len(items) {
		return nil, fmt.Errorf("opensearch bulk: %d answers for %d items", len(ans.Items), len(items))
	}
	var retry []bulkItem
	for i, m := range ans.Items {
		for _, o := range m {
			switch {
			case o.Status < 300:
			case deleting && o.Status == http.StatusNotFound:
			case o.Status == http.StatusTooManyRequests && canRetry:
				retry = append(retry, items[i])
			default:
				failed[items[i].id] = o.reason()
			}
		}
	}
	return retry, nil
}

// mgetAnswer is the answer of _mget with the stored fields gongkai keeps.
type mgetAnswer struct {
	Docs []struct {
		ID     string `json:"_id"`
		Found  bool   `json:"found"`
		Source struct {
			Doc  json.RawMessage `json:"doc"`
			Hash []string        `json:"hash"`
		} `json:"_source"`
		Error json.RawMessage `json:"error"`
	} `json:"docs"`
}

// mgetChunk bounds the ids of one _mget request.
const mgetChunk = 500

// mget fetches the stored fields of documents by id (realtime: written
// documents are there before any refresh).
func (e *Engine) mget(ctx context.Context, ids []string, fields string, each func(id string, doc json.RawMessage, hash []string) error) error {
	target, _ := e.where()
	for start := 0; start < len(ids); start += mgetChunk {
		chunk := ids[start:min(start+mgetChunk, len(ids))]
		var ans mgetAnswer
		params := url.Values{"_source_includes": {fields}}
		if err := call(ctx, e.client, http.MethodPost, "/"+seg(target)+"/_mget", params, map[string]any{"ids": chunk}, &ans); err != nil {
			return err
		}
		for _, d := range ans.Docs {
			if len(d.Error) > 0 && string(d.Error) != "null" {
				return fmt.Errorf("opensearch: read %s: %s", d.ID, d.Error)
			}
			if !d.Found {
				continue
			}
			if err := each(d.ID, d.Source.Doc, d.Source.Hash); err != nil {
				return err
			}
		}
	}
	return nil
}

// Documents returns stored documents by id.
func (e *Engine) Documents(ctx context.Context, ids []string) (map[string]*search.Document, error) {
	out := make(map[string]*search.Document, len(ids))
	err := e.mget(ctx, ids, fieldDoc, func(id string, raw json.RawMessage, _ []string) error {
		var d search.Document
		if err := json.Unmarshal(raw, &d); err != nil {
			return fmt.Errorf("opensearch: decode %s: %w", id, err)
		}
		out[id] = &d
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Unchanged returns which of the ids the index holds with the given hash.
func (e *Engine) Unchanged(ctx context.Context, hashes map[string]string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(hashes) == 0 {
		return out, nil
	}
	ids := make([]string, 0, len(hashes))
	for id := range hashes {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	err := e.mget(ctx, ids, search.FieldHash, func(id string, _ json.RawMessage, hash []string) error {
		if len(hash) == 1 && hash[0] == hashes[id] {
			out[id] = true
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("compare with index: %w", err)
	}
	return out, nil
}
