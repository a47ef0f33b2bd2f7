package web

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rs/zerolog"
)

// The container's health check passes once the server has its index.
func TestCheckReady(t *testing.T) {
	s := New(Options{Log: zerolog.Nop()})
	srv := httptest.NewServer(s)
	defer srv.Close()
	ctx := context.Background()
	if err := CheckReady(ctx, srv.URL+"/readyz"); err == nil || !strings.Contains(err.Error(), "503") {
		t.Errorf("before the index: %v", err)
	}
	s.SetIndex(sharedIdx)
	if err := CheckReady(ctx, srv.URL+"/readyz"); err != nil {
		t.Errorf("ready: %v", err)
	}
	srv.Close()
	if err := CheckReady(ctx, srv.URL+"/readyz"); err == nil {
		t.Error("nothing listening, and the check passes")
	}
}
