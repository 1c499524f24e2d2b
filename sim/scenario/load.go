package scenario

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// Load reads and parses one scenario file from disk.
func Load(p string) (*File, error) {
	data, err := readFile(p)
	if err != nil {
		return nil, ErrorList{{Path: p, Line: 1, Col: 1, Msg: readError(err)}}
	}
	return Parse(p, data)
}

// LoadFS reads and parses one scenario file from fsys (for the suite embedded in the binary).
func LoadFS(fsys fs.FS, p string) (*File, error) {
	data, err := fs.ReadFile(fsys, p)
	if err != nil {
		return nil, ErrorList{{Path: p, Line: 1, Col: 1, Msg: readError(err)}}
	}
	return Parse(p, data)
}

func readError(err error) string {
	if pe, ok := err.(*fs.PathError); ok {
		err = pe.Err
	}
	return "cannot read: " + err.Error()
}

// IsScenarioFile reports whether a name has a scenario file extension (.yaml or .yml).
func IsScenarioFile(name string) bool {
	ext := strings.ToLower(path.Ext(name))
	return ext == ".yaml" || ext == ".yml"
}

// Discover lists the scenario files named by paths: a file is taken as given, a directory
// contributes every *.yaml/*.yml below it. The result is sorted and free of duplicates.
func Discover(paths []string) ([]string, error) {
	return discover(paths, os.Stat, func(root string, fn fs.WalkDirFunc) error {
		return filepath.WalkDir(root, fn)
	}, filepath.Clean)
}

// DiscoverFS is Discover inside fsys; "." lists the whole file system.
func DiscoverFS(fsys fs.FS, paths []string) ([]string, error) {
	return discover(paths, func(p string) (fs.FileInfo, error) { return fs.Stat(fsys, p) },
		func(root string, fn fs.WalkDirFunc) error { return fs.WalkDir(fsys, root, fn) }, path.Clean)
}

func discover(paths []string, stat func(string) (fs.FileInfo, error),
	walk func(string, fs.WalkDirFunc) error, clean func(string) string) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	for _, p := range paths {
		p = clean(p)
		info, err := stat(p)
		if err != nil {
			return nil, fmt.Errorf("%s: %s", p, readError(err))
		}
		if !info.IsDir() {
			add(p)
			continue
		}
		err = walk(p, func(q string, e fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !e.IsDir() && IsScenarioFile(q) {
				add(q)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("%s: %v", p, err)
		}
	}
	sort.Strings(out)
	return out, nil
}
