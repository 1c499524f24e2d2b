package timeline

import _ "embed"

// The page's inline style and scripts (kept as files so that they read as CSS and JavaScript).
var (
	//go:embed assets/page.css
	pageCSS string
	//go:embed assets/page.js
	pageJS string
	//go:embed assets/live.js
	liveJS string
)

const legend = `<div class="legend" aria-label="legend">` +
	`<span><i class="sw lync"></i>contacts in Lync Server</span>` +
	`<span><i class="sw migrating"></i>migrating</span>` +
	`<span><i class="sw exchange"></i>in Exchange (unified contact store)</span>` +
	`<span><i class="sw hold"></i>rollback hold</span>` +
	`<span><i class="sw signedin"></i>endpoint signed in</span>` +
	`<span><i class="sw fault"></i>Exchange fault</span>` +
	`<span><b class="lg p2165">◆</b>prompt 2165 (moved to Exchange)</span>` +
	`<span><b class="lg p2166">◆</b>prompt 2166 (rolled back)</span>` +
	`<span><b class="lg acc">▲</b>prompt accepted</span>` +
	`<span><b class="lg cmd">■</b>cmdlet</span>` +
	`<span><b class="lg ok">●</b>expectation held</span>` +
	`<span><b class="lg bad">✖</b>failed step</span>` +
	`<span><b class="lg brk">≈</b>idle time compressed</span>` +
	`</div>`
