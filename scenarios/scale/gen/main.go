// Command gen writes a population scenario for timing ucssim at scale: N users with C generated
// contacts each, living the full 7-day story (sign-in, migration, rollback, hold, re-migration),
// one step per user. It predates population syntax in the scenario format and stays deliberately
// plain so that the same file can be regenerated to compare timings across versions.
//
//	go run ./scenarios/scale/gen -users 1000 -contacts 100 > /tmp/pop-1000.yaml
//	go run ./cmd/ucssim run /tmp/pop-1000.yaml
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"

	"github.com/ucssim/ucssim/scenarios/scalegen"
)

func main() {
	users := flag.Int("users", 1000, "number of users")
	contacts := flag.Int("contacts", 100, "contacts per user")
	flag.Parse()
	if *users < 1 || *contacts < 0 {
		fmt.Fprintln(os.Stderr, "gen: -users must be at least 1 and -contacts at least 0")
		os.Exit(2)
	}
	w := bufio.NewWriter(os.Stdout)
	scalegen.Write(w, *users, *contacts)
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}
