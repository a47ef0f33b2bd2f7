// Package cli holds what the gongkai commands share about their command
// lines: flags that may follow the positional arguments, and exit codes.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ExitError carries the exit status a command's error ends the process
// with.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string { return e.Err.Error() }

// Unwrap returns the error behind the exit status.
func (e *ExitError) Unwrap() error { return e.Err }

// ParseArgs parses flags that may come before or after the positional
// arguments; "--" ends the flags. An argument of a dash and a character
// outside ASCII (a query exclusion such as -疫情 or -"关键词") is
// positional; one of a dash and a letter that names no flag is an error
// (--jsno is a misspelt --json, not an exclusion: exclude a Latin word
// after "--").
func ParseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos, flags []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		name := strings.TrimLeft(a, "-")
		if !strings.HasPrefix(a, "-") || name == "" || len(a)-len(name) > 2 {
			pos = append(pos, a)
			continue
		}
		name, _, hasValue := strings.Cut(name, "=")
		f := fs.Lookup(name)
		if f == nil && name != "h" && name != "help" {
			if c := name[0]; c < utf8.RuneSelf && (unicode.IsLetter(rune(c)) || unicode.IsDigit(rune(c))) {
				return nil, &ExitError{Code: 2, Err: fmt.Errorf("未知参数 %s（可用参数见 -h；要排除英文词，请写在 -- 之后）", a)}
			}
			pos = append(pos, a)
			continue
		}
		flags = append(flags, a)
		if f != nil && !hasValue && !isBool(f) && i+1 < len(args) {
			i++
			flags = append(flags, args[i])
		}
	}
	if err := fs.Parse(flags); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, &ExitError{Code: 0, Err: err}
		}
		return nil, &ExitError{Code: 2, Err: err}
	}
	return pos, nil
}

func isBool(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}
