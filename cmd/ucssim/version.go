package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/mod/module"
)

// version is set at link time: go build -ldflags "-X main.version=v1.2.3".
var version = ""

// buildVersion describes this binary from its build info: the module version (a tag, a
// pseudo-version from `go install ...@latest`, or "(devel)"), the VCS revision (from the
// vcs.* settings of a build in a checkout, else from the pseudo-version), and whether the
// work tree was modified.
func buildVersion() string {
	info, _ := debug.ReadBuildInfo()
	return describeBuild(info, version)
}

func describeBuild(info *debug.BuildInfo, linked string) string {
	v, rev, when, modified := "(devel)", "", "", false
	if info != nil {
		if info.Main.Version != "" {
			v = info.Main.Version
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.time":
				when = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
		if rev == "" && module.IsPseudoVersion(v) {
			rev, _ = module.PseudoVersionRev(v)
		}
	}
	if linked != "" {
		v = linked
	}
	var b strings.Builder
	b.WriteString(v)
	switch {
	case rev != "":
		fmt.Fprintf(&b, " revision %s", rev)
		if when != "" {
			fmt.Fprintf(&b, " (%s)", when)
		}
		if modified {
			b.WriteString(" modified")
		}
	default:
		b.WriteString(" revision unknown")
	}
	return b.String()
}

func versionLine(v string) string {
	return fmt.Sprintf("ucssim %s %s %s/%s\n", v, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

func (a *App) versionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the ucssim version (module version, VCS revision, Go version, platform); same as --version",
		Example: `  ucssim version
  ucssim --version`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprint(a.Stdout, versionLine(a.Version))
			return nil
		},
	}
}
