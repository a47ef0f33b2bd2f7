package bleve

import "github.com/gongkai/gongkai/search/bleve/internal/zapseg"

// New segments are written by zapseg: the bytes zapx v17 writes, in a
// fraction of the time (termsField hands it its terms as a slice); zapx
// still opens, reads and merges them.
func init() { zapseg.Register() }
