package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestMain lets a test run this binary as the command itself (the word
// lists of a lexicon load once per process, before the dictionary).
func TestMain(m *testing.M) {
	if os.Getenv("GONGKAI_TEST_AS_COMMAND") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// command runs gongkai with args in a process of its own.
func command(t *testing.T, env []string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(append(os.Environ(), "GONGKAI_TEST_AS_COMMAND=1", "GONGKAI_LEXICON="), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// An index built with extra word lists opens in every command given the
// same lists (by flag or by GONGKAI_LEXICON, several separated as PATH
// is), and without them says how to fix it.
func TestLexiconEverywhere(t *testing.T) {
	tmp := t.TempDir()
	lex1, lex2 := filepath.Join(tmp, "a.txt"), filepath.Join(tmp, "b.txt")
	if err := writeFile(lex1, "放管服改革 10000\n"); err != nil {
		t.Fatal(err)
	}
	if err := writeFile(lex2, "营商环境法治保障 10000\n"); err != nil {
		t.Fatal(err)
	}
	both := "GONGKAI_LEXICON=" + lex1 + string(filepath.ListSeparator) + lex2
	dir := filepath.Join(tmp, "index")
	if out, err := command(t, []string{both}, "index", "--index", dir, "../../testdata/corpus/tests.jsonl"); err != nil {
		t.Fatalf("index with two lexicons: %v\n%s", err, out)
	}
	// Each process loads the dictionary (slow under -race): every command
	// once with the variable, one with the flag, one without either.
	for _, args := range [][]string{
		{"search", "--index", dir, "--json", "放管服"},
		{"commitments", "--index", dir, "--agency", "重庆", "--year", "2025", "--json"},
		{"targets", "--index", dir, "--agency", "国务院", "--json"},
		{"compare", "--index", dir, "--json", "gwrp2026-e6348d38", "gwrp2025-e6348d38"},
	} {
		if out, err := command(t, []string{both}, args...); err != nil {
			t.Errorf("%s with GONGKAI_LEXICON: %v\n%.300s", args[0], err, out)
		}
	}
	args := []string{"commitments", "--index", dir, "--agency", "重庆", "--year", "2025", "--json"}
	withFlag := append([]string{args[0], "--lexicon", lex1 + string(filepath.ListSeparator) + lex2}, args[1:]...)
	if out, err := command(t, nil, withFlag...); err != nil {
		t.Errorf("commitments with --lexicon: %v\n%.300s", err, out)
	}
	if out, err := command(t, nil, args...); err == nil || !strings.Contains(out, "--rebuild") {
		t.Errorf("commitments without the lexicon: %v\n%.300s", err, out)
	}
}
