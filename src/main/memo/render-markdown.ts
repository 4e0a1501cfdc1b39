import { formatFact, memoSections, metricsTable, type FactBlock } from '../../shared/contract/memo-sections'
import { assumptions, chainLine, memoDate, memoTitle, type MemoDocument } from './document'

// The memo as Markdown: one file, charts inlined as SVG data URIs so it stays self-contained.

function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')
}

function blockMarkdown(block: FactBlock): string {
  switch (block.kind) {
    case 'text':
      return block.text
    case 'list':
      return block.items.map((item) => `- ${item.replace(/\r?\n/g, ' ')}`).join('\n')
    case 'table': {
      const head = `| ${block.head.map(cell).join(' | ')} |`
      const rule = `|${block.numeric.map((n) => (n ? ' ---: ' : ' --- ')).join('|')}|`
      const rows = block.rows.map((r) => `| ${r.map(cell).join(' | ')} |`)
      return [`*${block.caption}*`, '', head, rule, ...rows].join('\n')
    }
  }
}

function narrative(text: string): string {
  const trimmed = text.replace(/\r\n/g, '\n').trim()
  return trimmed === '' ? '_Not written yet._' : trimmed
}

export function renderMarkdown(doc: MemoDocument): string {
  const f = doc.facts
  const out: string[] = []
  const v = doc.verification
  out.push(`# Memo: ${memoTitle(f)}`)
  out.push(`Run finished ${memoDate(f)} · verification status: **${v.verificationStatus}** · ${chainLine(v)}`)
  const sections = memoSections(f)
  out.push('## One-page memo')
  sections
    .filter((s) => s.group === 'memo')
    .forEach((s, i) => {
      out.push(`### ${i + 1}. ${s.title}`)
      out.push(narrative(doc.narrative[s.id] ?? ''))
      out.push('**Facts from the run**')
      for (const b of s.facts) out.push(blockMarkdown(b))
    })
  out.push('## Risk-committee package')
  for (const s of sections.filter((x) => x.group === 'committee')) {
    out.push(`### ${s.title}`)
    out.push(narrative(doc.narrative[s.id] ?? ''))
    out.push('**Facts from the run**')
    for (const b of s.facts) out.push(blockMarkdown(b))
  }
  out.push('## Charts')
  for (const c of doc.charts) out.push(`![${c.title}](data:image/svg+xml;base64,${Buffer.from(c.svg, 'utf8').toString('base64')})`)
  out.push('## Metrics')
  out.push(blockMarkdown(metricsTable(f)))
  out.push('## Run manifest')
  out.push(
    blockMarkdown({
      kind: 'table',
      caption: 'Identity of the run',
      head: ['field', 'value'],
      numeric: [false, false],
      rows: [
        ['run', `#${f.run.id}`],
        ['lab', `${f.run.lab} (book ch. ${f.run.chapter})`],
        ['preset', f.run.preset],
        ['seed', String(f.run.seed)],
        ['overrides', Object.keys(f.run.overrides).length ? JSON.stringify(f.run.overrides) : 'none'],
        ['config hash', f.manifest.configHash],
        ['results hash', f.manifest.resultsHash],
        ['chain head', f.manifest.chainHead ?? '— (unchained)'],
        ['code version', f.manifest.codeVersion],
        ['environment', `${f.manifest.environment.runtime}, ${f.manifest.environment.platform}`],
        ['steps', `${formatFact(f.run.steps)} of ${formatFact(f.run.plannedSteps)}`],
        ['created', f.run.createdAt],
        ['finished', f.run.finishedAt ?? '—']
      ]
    })
  )
  out.push('## Assumptions')
  out.push(assumptions(f).map((a) => `- ${a}`).join('\n'))
  out.push('## Verification')
  out.push(`Status: **${v.verificationStatus}**. ${chainLine(v)}.`)
  if (v.reviews.length === 0) out.push('No review recorded: the run is not verified until a reviewer signs off.')
  else out.push(v.reviews.map((r) => `- ${r.at} · ${r.reviewer} · ${r.verdict}${r.notes ? ` — ${r.notes.replace(/\r?\n/g, ' ')}` : ''} (link ${r.link})`).join('\n'))
  return `${out.join('\n\n')}\n`
}
