// Package timeline turns a scenario's trace into pictures and prose people can look at: a
// self-contained HTML page per scenario (one lane per user showing where the contacts live, one per
// endpoint, markers for steps, faults and expectations, idle stretches compressed), an index page for
// a run, plain-English lines with offsets ("+7d1h  hold ended; policy Global still allows UCS,
// re-migration starts"), and a live page served over loopback that follows a shell's world through
// server-sent events.
//
// Everything shown is derived from the trace events (the one record of what happened); a Story adds
// what only the scenario file and the runner know: user names, the steps as written, when each step
// ran and which one failed. A bare trace file (ucssim timeline TRACE.jsonl) renders without a Story.
package timeline
