package opensearch

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	osgo "github.com/opensearch-project/opensearch-go/v4"

	"github.com/gongkai/gongkai/analyzer"
	"github.com/gongkai/gongkai/search"
)

// formatVersion changes whenever the OpenSearch mapping or the way
// documents become index terms changes; an index of another version must
// be rebuilt. The part before the slash follows the bleve engine's
// format (search.Analyze's output).
const formatVersion = "gongkai-6/os-1"

// version identifies the index format and the analysis behind it.
func version() string { return formatVersion + "/" + analyzer.Fingerprint() }

// ErrStale is returned by Open for an index built by another version of
// gongkai or with another lexicon: its terms no longer match what queries
// look for, so it must be rebuilt (Options.Rebuild).
var ErrStale = errors.New("index was built with a different analyzer or format; rebuild it")

// ErrNoIndex is returned by Open with MustExist when the alias points to
// no index.
var ErrNoIndex = errors.New("no index behind the alias")

// Defaults of Options.
const (
	DefaultIndex           = "gongkai"
	DefaultShards          = 1
	DefaultReplicas        = 1
	DefaultRefreshInterval = "1s"
	DefaultK1              = 1.2
	DefaultB               = 0.4
	DefaultFacetShardSize  = 10000
	DefaultMaxRetries      = 3
	DefaultBulkBytes       = 8 << 20
	DefaultPublishWait     = 2 * time.Minute
)

// NoReplicas is the Options.Replicas of an index without replicas.
const NoReplicas = -1

// Options configure the OpenSearch engine.
type Options struct {
	// URLs are nodes of the cluster (http://host:9200, credentials may be
	// given as user:password@); requests are spread over them, and a node
	// that does not answer is left out until it does again.
	URLs []string
	// Index is the alias searches and writes go through; "" means
	// DefaultIndex. Physical indexes are named after it
	// (ALIAS-YYYYMMDD-HHMMSS-XXXX).
	Index string
	// Shards is the number of primary shards of a new index; 0 means
	// DefaultShards.
	Shards int
	// Replicas is the number of copies of each shard besides the primary;
	// 0 means DefaultReplicas, NoReplicas none.
	Replicas int
	// RefreshInterval is how often the cluster makes new writes
	// searchable on its own; "" means DefaultRefreshInterval. (Write
	// waits for its documents to be searchable either way.)
	RefreshInterval string
	// Codec is the index codec ("best_compression" stores documents
	// smaller); "" means the cluster's default.
	Codec string
	// Rebuild builds a new physical index instead of opening the one the
	// alias points to: the engine writes and reads it, searches through
	// the alias do not see it until Publish, and Close without Publish
	// deletes it.
	Rebuild bool
	// MustExist makes Open fail with ErrNoIndex when the alias points to
	// no index, instead of creating one (for commands that only read).
	MustExist bool
	// K1 and B are the BM25 parameters of a new index; 0 means DefaultK1
	// and DefaultB (bleve's).
	K1, B float64
	// FacetShardSize is how many values of a facet each shard reports
	// (counts are exact while no shard holds more distinct values); 0
	// means DefaultFacetShardSize.
	FacetShardSize int
	// MaxRetries bounds the retries of one request on other nodes; 0
	// means DefaultMaxRetries.
	MaxRetries int
	// RequestTimeout bounds one attempt of a request (then the client
	// tries another node); 0 means no bound but the caller's context.
	RequestTimeout time.Duration
	// BulkBytes bounds the size of one bulk request; 0 means
	// DefaultBulkBytes.
	BulkBytes int
	// PublishWait bounds how long Publish waits for the replicas of the
	// new index; 0 means DefaultPublishWait.
	PublishWait time.Duration
	// Transport carries the HTTP requests; nil means the client's default.
	Transport http.RoundTripper
	// Core tunes the search core Open puts over the engine.
	Core search.Options
}

// Engine is a gongkai index in an OpenSearch cluster: it implements
// search.Engine.
type Engine struct {
	client *osgo.Client
	opts   Options
	alias  string

	mu sync.RWMutex
	// target is where reads and writes go: the alias, or the new index
	// while rebuilding.
	target string
	// physical is the index behind target.
	physical string
	// building is the unpublished index of a rebuild, or "".
	building string
	shards   int

	// dirty marks writes to an unpublished index that no refresh has made
	// searchable yet.
	dirty atomic.Bool
}

var _ search.Engine = (*Engine)(nil)

// Open connects to the cluster, opens (or creates) the gongkai index
// behind o.Index, and returns the search core over it.
func Open(ctx context.Context, o Options) (*search.Core, error) {
	e, err := OpenEngine(ctx, o)
	if err != nil {
		return nil, err
	}
	core := o.Core
	if core.SearchSlots == 0 {
		// A search here mostly waits on the cluster: taking turns by
		// this machine's CPUs would only cap the throughput.
		core.SearchSlots = -1
	}
	return search.NewCore(e, core), nil
}

// validName is what an alias may be called here (OpenSearch index names
// are lower case; the hyphenated suffix names physical indexes).
var validName = regexp.MustCompile(`^[a-z0-9][a-z0-9_.]*(-[a-z0-9_.]+)*$`)

// OpenEngine connects to the cluster and opens the index behind
// o.Index: the one the alias points to, a new one when there is none
// (with the alias), or, with o.Rebuild, a new one beside it.
func OpenEngine(ctx context.Context, o Options) (*Engine, error) {
	if len(o.URLs) == 0 {
		return nil, errors.New("opensearch: no URL of a cluster node")
	}
	if o.Index == "" {
		o.Index = DefaultIndex
	}
	if !validName.MatchString(o.Index) || len(o.Index) > 200 {
		return nil, fmt.Errorf("opensearch: %q is not a usable index name (lower-case letters, digits, '_', '.', '-')", o.Index)
	}
	if o.Shards <= 0 {
		o.Shards = DefaultShards
	}
	switch {
	case o.Replicas == 0:
		o.Replicas = DefaultReplicas
	case o.Replicas < 0:
		o.Replicas = 0
	}
	if o.RefreshInterval == "" {
		o.RefreshInterval = DefaultRefreshInterval
	}
	if o.K1 == 0 {
		o.K1 = DefaultK1
	}
	if o.B == 0 {
		o.B = DefaultB
	}
	if o.FacetShardSize <= 0 {
		o.FacetShardSize = DefaultFacetShardSize
	}
	if o.MaxRetries <= 0 {
		o.MaxRetries = DefaultMaxRetries
	}
	if o.BulkBytes <= 0 {
		o.BulkBytes = DefaultBulkBytes
	}
	if o.PublishWait <= 0 {
		o.PublishWait = DefaultPublishWait
	}
	urls := make([]string, 0, len(o.URLs))
	for _, u := range o.URLs {
		if u = strings.TrimSpace(u); u != "" {
			urls = append(urls, strings.TrimSuffix(u, "/"))
		}
	}
	client, err := osgo.NewClient(osgo.Config{
		Addresses:            urls,
		RetryOnStatus:        []int{http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout},
		MaxRetries:           o.MaxRetries,
		RetryBackoff:         backoff,
		EnableRetryOnTimeout: o.RequestTimeout > 0,
		RequestTimeout:       o.RequestTimeout,
		Transport:            o.Transport,
	})
	if err != nil {
		return nil, fmt.Errorf("opensearch: %w", err)
	}
	e := &Engine{client: client, opts: o, alias: o.Index}
	if err := e.open(ctx); err != nil {
		client.Close()
		return nil, err
	}
	return e, nil
}

// backoff is the wait before retry n (from 1): 100 ms doubling, at most
// 2 s, with jitter.
func backoff(n int) time.Duration {
	d := 100 * time.Millisecond << min(n-1, 5)
	d = min(d, 2*time.Second)
	var b [1]byte
	_, _ = rand.Read(b[:])
	return d/2 + time.Duration(int64(d/2)*int64(b[0])/255)
}

// mappingAnswer is the metadata gongkai keeps in an index's mapping.
type mappingAnswer map[string]struct {
	Mappings struct {
		Meta struct {
			Gongkai struct {
				Format string `json:"format"`
				Alias  string `json:"alias"`
			} `json:"gongkai"`
		} `json:"_meta"`
	} `json:"mappings"`
}

func (e *Engine) open(ctx context.Context) error {
	behind, err := e.aliasIndexes(ctx)
	if err != nil {
		return err
	}
	if e.opts.Rebuild {
		name, err := e.create(ctx, true)
		if err != nil {
			return err
		}
		e.target, e.physical, e.building = name, name, name
		return e.readShards(ctx)
	}
	switch len(behind) {
	case 0:
		if e.opts.MustExist {
			return fmt.Errorf("opensearch %s: %w", e.alias, ErrNoIndex)
		}
		// The first index of an alias has a fixed name, so that servers
		// starting together on an empty cluster cannot each create one:
		// creating an index is atomic, and the others find it, alias and
		// all, once its creator's request returns.
		name := e.alias + "-1"
		err := e.createNamed(ctx, name, false)
		if isAlreadyExists(err) {
			if behind, err = e.waitForAlias(ctx); err != nil {
				return err
			}
			if len(behind) != 1 {
				return fmt.Errorf("opensearch: index %s exists but alias %s does not point to it alone (%v); point the alias to one index", name, e.alias, behind)
			}
			name = behind[0]
		} else if err != nil {
			return err
		}
		e.physical = name
	case 1:
		e.physical = behind[0]
	default:
		return fmt.Errorf("opensearch: alias %s points to several indexes (%s); point it to one", e.alias, strings.Join(behind, ", "))
	}
	e.target = e.alias
	var m mappingAnswer
	if err := call(ctx, e.client, http.MethodGet, "/"+seg(e.physical)+"/_mapping", nil, nil, &m); err != nil {
		return err
	}
	if got := m[e.physical].Mappings.Meta.Gongkai.Format; got != version() {
		return fmt.Errorf("%w: index %s (alias %s) was built as %q, this gongkai needs %q", ErrStale, e.physical, e.alias, got, version())
	}
	return e.readShards(ctx)
}

// aliasIndexes returns the physical indexes the alias points to, none
// when there is no alias. A concrete index with the alias's name is an
// error.
func (e *Engine) aliasIndexes(ctx context.Context) ([]string, error) {
	var got map[string]any
	err := call(ctx, e.client, http.MethodGet, "/_alias/"+seg(e.alias), nil, nil, &got)
	if isStatus(err, http.StatusNotFound) {
		exists := call[noBody](ctx, e.client, http.MethodHead, "/"+seg(e.alias), nil, nil, nil)
		if exists == nil {
			return nil, fmt.Errorf("opensearch: %s is an index, not an alias; gongkai needs the name for its alias (choose another name or delete that index)", e.alias)
		}
		if !isStatus(exists, http.StatusNotFound) {
			return nil, exists
		}
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for name := range got {
		out = append(out, name)
	}
	sort.Strings(out)
	return out, nil
}

// create makes a new physical index. A rebuild's index starts without
// replicas and refreshes (Publish sets them); otherwise the index starts
// with its final settings, behind the alias.
func (e *Engine) create(ctx context.Context, rebuild bool) (string, error) {
	var suffix [2]byte
	_, _ = rand.Read(suffix[:])
	name := e.alias + "-" + time.Now().UTC().Format("20060102-150405") + "-" + hex.EncodeToString(suffix[:])
	return name, e.createNamed(ctx, name, rebuild)
}

// isAlreadyExists reports whether err says the index exists already.
func isAlreadyExists(err error) bool {
	return err != nil && strings.Contains(err.Error(), "resource_already_exists_exception")
}

// waitForAlias reads the indexes behind the alias until there are some
// (another process is creating the first one) or ctx ends, at most ten
// seconds.
func (e *Engine) waitForAlias(ctx context.Context) ([]string, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	for n := 1; ; n++ {
		behind, err := e.aliasIndexes(ctx)
		if err != nil || len(behind) > 0 {
			return behind, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(backoff(n)):
		}
	}
}

// createNamed makes the physical index name (see create).
func (e *Engine) createNamed(ctx context.Context, name string, rebuild bool) error {
	body := indexBody(&e.opts, version(), e.opts.Replicas, e.opts.RefreshInterval, []string{e.alias})
	if rebuild {
		body = indexBody(&e.opts, version(), 0, "-1", nil)
	}
	params := url.Values{"wait_for_active_shards": {"1"}}
	err := call[noBody](ctx, e.client, http.MethodPut, "/"+seg(name), params, body, nil)
	if err != nil {
		if msg := err.Error(); strings.Contains(msg, "pattern_capture") || strings.Contains(msg, "Unknown tokenizer type") {
			return fmt.Errorf("create index %s: the cluster lacks the analysis-common module (part of every OpenSearch distribution): %w", name, err)
		}
		return fmt.Errorf("create index %s: %w", name, err)
	}
	return nil
}

// readShards reads the number of shards of the physical index.
func (e *Engine) readShards(ctx context.Context) error {
	var got map[string]struct {
		Settings struct {
			Index struct {
				Shards string `json:"number_of_shards"`
			} `json:"index"`
		} `json:"settings"`
	}
	if err := call(ctx, e.client, http.MethodGet, "/"+seg(e.physical)+"/_settings/index.number_of_shards", nil, nil, &got); err != nil {
		return err
	}
	n, err := strconv.Atoi(got[e.physical].Settings.Index.Shards)
	if err != nil {
		return fmt.Errorf("opensearch: shards of %s: %w", e.physical, err)
	}
	e.shards = n
	return nil
}

// where returns the current target and whether it is an unpublished
// rebuild.
func (e *Engine) where() (target string, building bool) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.target, e.building != ""
}

// readable returns the target for a read, refreshing an unpublished
// index first when writes are pending (its refreshes are off while it is
// built).
func (e *Engine) readable(ctx context.Context) (string, error) {
	target, building := e.where()
	if building && e.dirty.Load() {
		e.dirty.Store(false)
		if err := call[noBody](ctx, e.client, http.MethodPost, "/"+seg(target)+"/_refresh", nil, nil, nil); err != nil {
			e.dirty.Store(true)
			return "", err
		}
	}
	return target, nil
}

// Publish makes a rebuilt index the one searches see: it gives it its
// replicas and refresh interval, waits (at most Options.PublishWait) for
// its shards to be copied, moves the alias to it and deletes the index
// the alias pointed to, in one step, and then deletes indexes of earlier
// rebuilds of this alias that were never published. Without
// Options.Rebuild it does nothing.
func (e *Engine) Publish(ctx context.Context) error {
	e.mu.RLock()
	name := e.building
	e.mu.RUnlock()
	if name == "" {
		return nil
	}
	settings := map[string]any{"index": map[string]any{
		"number_of_replicas": e.opts.Replicas,
		"refresh_interval":   e.opts.RefreshInterval,
	}}
	if err := call[noBody](ctx, e.client, http.MethodPut, "/"+seg(name)+"/_settings", nil, settings, nil); err != nil {
		return fmt.Errorf("publish %s: %w", name, err)
	}
	if err := call[noBody](ctx, e.client, http.MethodPost, "/"+seg(name)+"/_refresh", nil, nil, nil); err != nil {
		return fmt.Errorf("publish %s: %w", name, err)
	}
	e.dirty.Store(false)
	if err := e.waitCopies(ctx, name); err != nil {
		return fmt.Errorf("publish %s: %w", name, err)
	}
	old, err := e.aliasIndexes(ctx)
	if err != nil {
		return fmt.Errorf("publish %s: %w", name, err)
	}
	actions := []any{map[string]any{"add": map[string]any{"index": name, "alias": e.alias}}}
	for _, o := range old {
		if o != name {
			actions = append(actions, map[string]any{"remove_index": map[string]any{"index": o}})
		}
	}
	e.mu.Lock()
	if e.building != name {
		e.mu.Unlock()
		return fmt.Errorf("publish %s: the engine was closed", name)
	}
	err = call[noBody](ctx, e.client, http.MethodPost, "/_aliases", nil, map[string]any{"actions": actions}, nil)
	if err == nil {
		e.target, e.building = e.alias, ""
	}
	e.mu.Unlock()
	if err != nil {
		return fmt.Errorf("publish %s: move alias %s: %w", name, e.alias, err)
	}
	return e.dropAbandoned(ctx, name)
}

// waitCopies waits until the index's primaries are active and, when the
// cluster has enough data nodes for its replicas, at most
// Options.PublishWait for the replicas too (a replica still being copied
// after that does not hold up publishing: the primaries hold every
// document).
func (e *Engine) waitCopies(ctx context.Context, name string) error {
	var h healthAnswer
	if err := call(ctx, e.client, http.MethodGet, "/_cluster/health", nil, nil, &h); err != nil {
		return err
	}
	status := "yellow"
	if h.DataNodes > e.opts.Replicas {
		status = "green"
	}
	wait := e.opts.PublishWait
	if d, ok := ctx.Deadline(); ok {
		wait = min(wait, time.Until(d))
	}
	params := url.Values{"wait_for_status": {status}, "timeout": {fmt.Sprintf("%dms", max(wait.Milliseconds(), 1))}}
	err := call(ctx, e.client, http.MethodGet, "/_cluster/health/"+seg(name), params, nil, &h)
	if isStatus(err, http.StatusRequestTimeout) {
		// Timed out: the answer is the health as it is now.
		h = healthAnswer{}
		err = call(ctx, e.client, http.MethodGet, "/_cluster/health/"+seg(name), nil, nil, &h)
	}
	if err != nil {
		return err
	}
	if h.Status != "green" && h.Status != "yellow" {
		return fmt.Errorf("index %s is %s after %s", name, h.Status, wait)
	}
	return nil
}

// dropAbandoned deletes the physical indexes of this alias (by their
// metadata) that are older than keep and that the alias does not point
// to: rebuilds that were never published.
func (e *Engine) dropAbandoned(ctx context.Context, keep string) error {
	var m mappingAnswer
	params := url.Values{"expand_wildcards": {"open,closed"}}
	if err := call(ctx, e.client, http.MethodGet, "/"+seg(e.alias)+"-*/_mapping", params, nil, &m); err != nil {
		return fmt.Errorf("list old indexes of %s: %w", e.alias, err)
	}
	for name, ix := range m {
		if name == keep || ix.Mappings.Meta.Gongkai.Alias != e.alias || name > keep {
			continue
		}
		if err := call[noBody](ctx, e.client, http.MethodDelete, "/"+seg(name), nil, nil, nil); err != nil && !isStatus(err, http.StatusNotFound) {
			return fmt.Errorf("delete abandoned index %s: %w", name, err)
		}
	}
	return nil
}

// DeleteIndex deletes the alias and every physical index behind it, and
// the unpublished index of a rebuild. The engine is unusable afterwards.
func (e *Engine) DeleteIndex(ctx context.Context) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	names := []string{e.physical}
	if behind, err := e.aliasIndexes(ctx); err == nil {
		names = append(names, behind...)
	}
	seen := map[string]bool{}
	var errs []error
	for _, n := range names {
		if n == "" || seen[n] {
			continue
		}
		seen[n] = true
		if err := call[noBody](ctx, e.client, http.MethodDelete, "/"+seg(n), nil, nil, nil); err != nil && !isStatus(err, http.StatusNotFound) {
			errs = append(errs, err)
		}
	}
	e.building = ""
	return errors.Join(errs...)
}

// Close releases the client. An unpublished rebuild is deleted: it was
// abandoned.
func (e *Engine) Close() error {
	e.mu.Lock()
	building := e.building
	e.building = ""
	e.mu.Unlock()
	var err error
	if building != "" {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err = call[noBody](ctx, e.client, http.MethodDelete, "/"+seg(building), nil, nil, nil)
		cancel()
		if err != nil {
			err = fmt.Errorf("delete unpublished index %s: %w", building, err)
		}
	}
	return errors.Join(err, e.client.Close())
}

// Count returns the number of documents.
func (e *Engine) Count(ctx context.Context) (int, error) {
	target, err := e.readable(ctx)
	if err != nil {
		return 0, err
	}
	var c struct {
		Count int `json:"count"`
	}
	if err := call(ctx, e.client, http.MethodGet, "/"+seg(target)+"/_count", nil, nil, &c); err != nil {
		return 0, err
	}
	return c.Count, nil
}

type healthAnswer struct {
	Cluster          string `json:"cluster_name"`
	Status           string `json:"status"`
	TimedOut         bool   `json:"timed_out"`
	Nodes            int    `json:"number_of_nodes"`
	DataNodes        int    `json:"number_of_data_nodes"`
	ActiveShards     int    `json:"active_shards"`
	Relocating       int    `json:"relocating_shards"`
	Initializing     int    `json:"initializing_shards"`
	UnassignedShards int    `json:"unassigned_shards"`
}

// Status is the health of the cluster for the gongkai index.
type Status struct {
	// Cluster is the cluster's name.
	Cluster string `json:"cluster"`
	// Health is green (every copy of every shard is assigned), yellow
	// (some replicas are not: searches answer, a node loss may not be
	// survived) or red (some data is not searchable).
	Health string `json:"health"`
	// Nodes and DataNodes count the nodes in the cluster.
	Nodes     int `json:"nodes"`
	DataNodes int `json:"data_nodes"`
	// ActiveShards, InitializingShards and UnassignedShards count the
	// index's shard copies.
	ActiveShards       int `json:"active_shards"`
	InitializingShards int `json:"initializing_shards"`
	UnassignedShards   int `json:"unassigned_shards"`
	// Index is the physical index behind the alias.
	Index string `json:"index"`
}

// Status returns the cluster's health for the index.
func (e *Engine) Status(ctx context.Context) (*Status, error) {
	target, _ := e.where()
	var h healthAnswer
	if err := call(ctx, e.client, http.MethodGet, "/_cluster/health/"+seg(target), nil, nil, &h); err != nil {
		return nil, err
	}
	e.mu.RLock()
	physical, building := e.physical, e.building != ""
	e.mu.RUnlock()
	if !building {
		// Another process may have published a rebuild since.
		if behind, err := e.aliasIndexes(ctx); err == nil && len(behind) == 1 {
			physical = behind[0]
		}
	}
	return &Status{Cluster: h.Cluster, Health: h.Status, Nodes: h.Nodes, DataNodes: h.DataNodes,
		ActiveShards: h.ActiveShards, InitializingShards: h.Initializing, UnassignedShards: h.UnassignedShards, Index: physical}, nil
}

// Health returns nil when the cluster can answer searches over the whole
// index (green or yellow), else what is wrong.
func (e *Engine) Health(ctx context.Context) error {
	s, err := e.Status(ctx)
	if err != nil {
		return err
	}
	if s.Health != "green" && s.Health != "yellow" {
		return fmt.Errorf("opensearch cluster %s is %s for index %s: %d shard copies unassigned", s.Cluster, s.Health, s.Index, s.UnassignedShards)
	}
	return nil
}

// String describes the engine for logs.
func (e *Engine) String() string {
	target, building := e.where()
	s := "opensearch " + target
	if building {
		s += " (rebuilding for alias " + e.alias + ")"
	}
	return s
}

// finite turns a score into a float64 that JSON can carry.
func finite(f float64) float64 {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0
	}
	return f
}
