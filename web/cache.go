package web

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"net/http"
	"strings"
)

// Caching of static files and documents.
const (
	// cacheStatic is for a static file asked for by its current version
	// (/static/style.css?v=…, as the pages link it): it never changes.
	cacheStatic = "public, max-age=31536000, immutable"
	// cacheStaticUnversioned is for a static file asked for without it.
	cacheStaticUnversioned = "public, max-age=300"
	// cacheDocument is for a document page or its JSON: documents can be
	// replaced or deleted through the API, so caches keep them briefly
	// and then revalidate with the ETag.
	cacheDocument = "public, max-age=300"
	// cacheFeed is for an Atom feed: readers poll it.
	cacheFeed = "public, max-age=600"
)

// staticFile is an embedded static file and its validator.
type staticFile struct {
	etag    string // strong ETag of the content
	version string // short content hash for ?v=
}

// staticRoot holds the embedded static files; staticFiles knows each one
// (a directory is not one of them, so it is never listed).
var staticRoot, staticFiles = func() (fs.FS, map[string]staticFile) {
	root, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic(err)
	}
	files := map[string]staticFile{}
	err = fs.WalkDir(root, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(root, path)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		h := hex.EncodeToString(sum[:])
		files[path] = staticFile{etag: `"` + h[:32] + `"`, version: h[:12]}
		return nil
	})
	if err != nil {
		panic(err)
	}
	return root, files
}()

// staticURL is the versioned URL of a static file for the pages.
func staticURL(name string) string {
	if f, ok := staticFiles[name]; ok {
		return "/static/" + name + "?v=" + f.version
	}
	return "/static/" + name
}

// serveStatic serves an embedded file with its ETag (304 on a match);
// anything else under /static/, the directory itself included, is 404.
func (s *Server) serveStatic(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/static/")
	f, ok := staticFiles[name]
	if !ok {
		s.serveNotFound(w, r)
		return
	}
	cc := cacheStaticUnversioned
	if r.URL.Query().Get("v") == f.version {
		cc = cacheStatic
	}
	w.Header().Set("Cache-Control", cc)
	w.Header().Set("ETag", f.etag)
	http.ServeFileFS(w, r, staticRoot, name)
}

// weakETag is a weak validator of a body: the same for its gzip and
// identity forms, which are equivalent.
func weakETag(body []byte) string {
	sum := sha256.Sum256(body)
	return `W/"` + hex.EncodeToString(sum[:16]) + `"`
}

// etagMatches reports whether an If-None-Match header matches etag
// (weak comparison, RFC 9110 §13.1.2).
func etagMatches(ifNoneMatch, etag string) bool {
	want := strings.TrimPrefix(etag, "W/")
	for _, t := range strings.Split(ifNoneMatch, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == want {
			return true
		}
	}
	return false
}

// writeCacheable answers a 200 body with an ETag and Cache-Control, or
// 304 Not Modified when the client already has it.
func writeCacheable(w http.ResponseWriter, r *http.Request, contentType, cacheControl string, body []byte) {
	etag := weakETag(body)
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Cache-Control", cacheControl)
	if inm := r.Header.Get("If-None-Match"); inm != "" && etagMatches(inm, etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", contentType)
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}
