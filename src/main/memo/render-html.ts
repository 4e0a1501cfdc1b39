import { verificationStatusClass } from '../../shared/contract'
import { formatFact, memoSections, metricsTable, type FactBlock } from '../../shared/contract/memo-sections'
import { escapeXml } from './charts'
import { assumptions, chainLine, memoDate, memoTitle, type MemoDocument } from './document'

// The memo as one self-contained HTML file: inline CSS, charts as inline SVG, no script and a
// CSP that forbids loading anything, so it opens (and prints to PDF) anywhere, offline.

const esc = escapeXml

const CSS = `
@page { size: A4; margin: 14mm 12mm; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 780px; padding: 20px; font: 11px/1.45 Helvetica, Arial, sans-serif; color: #1f2328; background: #fff; }
h1 { font-size: 17px; margin: 0 0 4px; }
h2 { font-size: 14px; margin: 22px 0 8px; padding-bottom: 3px; border-bottom: 2px solid #1f2328; }
h3 { font-size: 12px; margin: 14px 0 4px; }
.meta { color: #57606a; margin: 0 0 10px; }
.status { display: inline-block; padding: 0 6px; border-radius: 3px; font-weight: 600; border: 1px solid currentColor; }
/* The app's colours for each verification status (audit.css, memo.css): the same classes, the same tones. */
.status.verification-verified { color: #1a7f37; } .status.verification-not-verified { color: #59636e; } .status.verification-findings { color: #9a6700; } .status.verification-chain-broken { color: #cf222e; }
section.field { break-inside: avoid-page; margin-bottom: 10px; }
.narrative { white-space: pre-wrap; margin: 0 0 6px; padding: 6px 8px; border-left: 3px solid #1f6feb; background: #f6f8fa; }
.narrative.empty { color: #8c959f; font-style: italic; border-left-color: #d0d7de; }
.facts { margin: 0 0 4px; padding-left: 8px; border-left: 3px solid #d0d7de; }
.facts-label { font-size: 9px; text-transform: uppercase; letter-spacing: 0.06em; color: #57606a; margin: 4px 0 2px; }
.facts p { margin: 3px 0; }
.facts ul { margin: 3px 0; padding-left: 16px; }
table { border-collapse: collapse; margin: 4px 0 8px; font-size: 10px; break-inside: avoid; }
caption { text-align: left; font-style: italic; color: #57606a; padding-bottom: 2px; white-space: nowrap; }
th, td { border: 1px solid #d0d7de; padding: 2px 6px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.mono, td.hash { font-family: Menlo, Consolas, 'DejaVu Sans Mono', monospace; font-size: 9.5px; word-break: break-all; }
figure { margin: 6px 0 10px; break-inside: avoid; }
figure svg { max-width: 100%; height: auto; }
ul.assumptions li, ul.reviews li { margin: 2px 0; }
@media print { body { padding: 0; max-width: none; } h2 { break-after: avoid; } }
`

function blockHtml(block: FactBlock): string {
  switch (block.kind) {
    case 'text':
      return `<p>${esc(block.text)}</p>`
    case 'list':
      return `<ul>${block.items.map((i) => `<li>${esc(i)}</li>`).join('')}</ul>`
    case 'table':
      return `<table><caption>${esc(block.caption)}</caption><thead><tr>${block.head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${block.rows
        .map((r) => `<tr>${r.map((c, i) => `<td${block.numeric[i] ? ' class="num"' : ''}>${esc(c)}</td>`).join('')}</tr>`)
        .join('')}</tbody></table>`
  }
}

function narrativeHtml(text: string): string {
  const trimmed = text.replace(/\r\n/g, '\n').trim()
  return trimmed === '' ? '<p class="narrative empty">Not written yet.</p>' : `<p class="narrative">${esc(trimmed)}</p>`
}

export function renderHtml(doc: MemoDocument): string {
  const f = doc.facts
  const v = doc.verification
  const sections = memoSections(f)
  const field = (id: string, heading: string, facts: FactBlock[]): string =>
    `<section class="field" data-field="${esc(id)}"><h3>${esc(heading)}</h3>${narrativeHtml(doc.narrative[id] ?? '')}<div class="facts"><div class="facts-label">Facts from the run</div>${facts.map(blockHtml).join('')}</div></section>`
  const memo = sections
    .filter((s) => s.group === 'memo')
    .map((s, i) => field(s.id, `${i + 1}. ${s.title}`, s.facts))
    .join('')
  const committee = sections
    .filter((s) => s.group === 'committee')
    .map((s) => field(s.id, s.title, s.facts))
    .join('')
  const manifestRows: Array<[string, string, boolean]> = [
    ['run', `#${f.run.id}`, false],
    ['lab', `${f.run.lab} (book ch. ${f.run.chapter})`, false],
    ['preset', f.run.preset, false],
    ['seed', String(f.run.seed), false],
    ['overrides', Object.keys(f.run.overrides).length ? JSON.stringify(f.run.overrides) : 'none', true],
    ['config hash', f.manifest.configHash, true],
    ['results hash', f.manifest.resultsHash, true],
    ['chain head', f.manifest.chainHead ?? '— (unchained)', true],
    ['code version', f.manifest.codeVersion, true],
    ['environment', `${f.manifest.environment.runtime}, ${f.manifest.environment.platform}`, false],
    ['steps', `${formatFact(f.run.steps)} of ${formatFact(f.run.plannedSteps)}`, false],
    ['created', f.run.createdAt, true],
    ['finished', f.run.finishedAt ?? '—', true]
  ]
  const reviews =
    v.reviews.length === 0
      ? '<p>No review recorded: the run is not verified until a reviewer signs off.</p>'
      : `<ul class="reviews">${v.reviews.map((r) => `<li><span class="mono">${esc(r.at)}</span> · <strong>${esc(r.reviewer)}</strong> · ${esc(r.verdict)}${r.notes ? ` — ${esc(r.notes)}` : ''} <span class="mono">(link ${esc(r.link)})</span></li>`).join('')}</ul>`
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(`Memo: ${memoTitle(f)}`)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>${esc(`Memo: ${memoTitle(f)}`)}</h1>
<p class="meta">Run finished <span class="mono">${esc(memoDate(f))}</span> · verification status <span class="status ${verificationStatusClass(v.verificationStatus)}" data-testid="memo-verification">${esc(v.verificationStatus)}</span> · ${esc(chainLine(v))}</p>
<h2>One-page memo</h2>
${memo}
<h2>Risk-committee package</h2>
${committee}
<h2>Charts</h2>
${doc.charts.map((c) => `<figure>${c.svg}</figure>`).join('\n')}
<h2>Metrics</h2>
${blockHtml(metricsTable(f))}
<h2>Run manifest</h2>
<table><tbody>${manifestRows.map(([k, value, mono]) => `<tr><th>${esc(k)}</th><td${mono ? ' class="hash"' : ''}>${esc(value)}</td></tr>`).join('')}</tbody></table>
<h2>Assumptions</h2>
<ul class="assumptions">${assumptions(f).map((a) => `<li>${esc(a)}</li>`).join('')}</ul>
<h2>Verification</h2>
<p>Status: <span class="status ${verificationStatusClass(v.verificationStatus)}">${esc(v.verificationStatus)}</span>. ${esc(chainLine(v))}.</p>
${reviews}
</body>
</html>
`
}
