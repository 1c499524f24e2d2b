package main

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/ucssim/ucssim/sim/scenario"
	"github.com/ucssim/ucssim/sim/sweep"
)

func (a *App) sweepCmd() *cobra.Command {
	var step int
	var from, to, by, html string
	cmd := &cobra.Command{
		Use:   "sweep FILE --step N",
		Short: "Move one step of a scenario earlier and later in virtual time and show where the outcome changes",
		Long: `Sweep runs FILE with step N (1-based, as listed in the file) moved by every offset between --from and
--to, at the --by resolution, and prints the intervals of offsets that give the same outcome: pass or
fail, and which events happen, compared with the file as written. Boundaries are found by bisection
(a few sample offsets, then halving between any two that differ), not by trying every offset.

The moved step keeps its place among the steps at its new instant; a wait or until it now lands
inside is split around it, so the other steps keep their instants. A step that moves the clock itself
(wait, until, an expect with within/throughout) cannot be swept. Exit codes: 0 done, 2 bad flags or
an invalid file.

--html DIR writes the report as pages: DIR/index.html lists the intervals, each with the change in
events and a link to the timeline page of its first run, and of its last, so the runs on either side
of a boundary can be compared.`,
		Example: `  ucssim sweep scenarios/prompts/signed-out-before-completion.yaml --step 2 --from -15m --to +15m
  ucssim sweep my-case.yaml --step 5 --from -2m --to +2m --by 100ms
  ucssim sweep my-case.yaml --step 5 --html sweep-report/     # then open sweep-report/index.html`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opt := sweep.Options{Step: step}
			var err error
			if opt.From, err = sweep.ParseOffset(from); err != nil {
				return usageError{fmt.Errorf("--from: %v", err)}
			}
			if opt.To, err = sweep.ParseOffset(to); err != nil {
				return usageError{fmt.Errorf("--to: %v", err)}
			}
			if opt.By, err = sweep.ParseOffset(by); err != nil || opt.By <= 0 {
				return usageError{fmt.Errorf("--by %q: a positive duration such as 1s or 100ms", by)}
			}
			f, err := scenario.Load(args[0])
			if err != nil {
				fmt.Fprintln(a.Stderr, err)
				return exitError{exitInvalid}
			}
			opt.Keep = html != ""
			began := time.Now()
			rep, err := sweep.Run(cmd.Context(), f, opt)
			if err != nil {
				return usageError{err}
			}
			if err := rep.Write(a.Stdout); err != nil {
				return err
			}
			if html != "" {
				if err := writeSweepHTML(html, rep, time.Since(began)); err != nil {
					return err
				}
				fmt.Fprintf(a.Stdout, "\npages: %s\n", filepath.Join(html, "index.html"))
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.IntVar(&step, "step", 0, "the step to move (1-based)")
	fl.StringVar(&from, "from", "-15m", "earliest offset (e.g. -15m)")
	fl.StringVar(&to, "to", "+15m", "latest offset (e.g. +15m)")
	fl.StringVar(&by, "by", "1s", "resolution of the boundaries")
	fl.StringVar(&html, "html", "", "also write the report as HTML pages to DIR (index.html, a timeline page per interval end)")
	_ = cmd.MarkFlagRequired("step")
	return cmd
}
