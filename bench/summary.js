'use strict';
/**
 * The summary of one run: lane x subject, each cell the TIME ratio to net-baseline of the same
 * run (median over median; lower is better, 1.00x = the baseline) and the sender's CPU per
 * message (median). As Markdown (`summaryMarkdown`) and as a small SVG bar chart (`summarySvg`,
 * hand-written: no dependency).
 */
const { LANES } = require('./lanes');

const BASE = 'net-baseline';

/** One cell: {ratio, cpuUs} or {text: 'n/a' | 'timeout' | 'failed'}. */
function cell(laneResult, subject) {
  const lane = LANES.find((l) => l.name === laneResult.name);
  const sum = laneResult.subjects[subject];
  if (!sum) return { text: '' };
  if (sum.na) return { text: 'n/a' };
  const m = lane && sum.metrics[lane.ratio];
  const base = laneResult.subjects[BASE] && lane && laneResult.subjects[BASE].metrics[lane.ratio];
  if (!m) return { text: sum.timeouts > 0 ? 'timeout' : 'failed' };
  const cpu = sum.metrics.cpuUsPerMsg;
  return {
    ratio: base ? m.median / base.median : NaN,
    cpuUs: cpu ? cpu.median : NaN,
    timeouts: sum.timeouts,
  };
}

function fmtCpu(us) {
  if (!Number.isFinite(us)) return '?';
  if (us >= 1000) return `${(us / 1000).toFixed(us >= 10000 ? 0 : 1)} ms`;
  return `${us.toFixed(us >= 10 ? 1 : 2)} µs`;
}

function fmtRatio(r) {
  if (!Number.isFinite(r)) return '?';
  return `${r.toFixed(r >= 10 ? 1 : 2)}x`;
}

function machine(results) {
  const date = String(results.started).slice(0, 10);
  const load = results.loadavg ? `, load average ${results.loadavg[0].toFixed(1)}${results.loadavgEnd ? ` at start, ${results.loadavgEnd[0].toFixed(1)} at end` : ''}` : '';
  return `${results.cpus} x ${results.cpuModel}, Node ${results.node}, ${date}${load}`;
}

function summaryMarkdown(results) {
  const subjects = results.subjects;
  const labels = results.labels || {};
  const scale = results.scale && results.scale !== 1 ? `, x${results.scale} messages` : '';
  const lines = [
    `**Summary** (${results.size} run${scale}, median of ${results.samplesPerSubject} samples per subject, subjects alternating order): ${machine(results)}`,
    '',
    `Each cell: time per message as a ratio to \`${BASE}\` of the same run (lower is better; 1.00x = bare \`node:net\`) · the sender's CPU per message (client; server for broadcast; per round trip for rtt). Cold lanes time fresh processes from the first message, \`-warm\` lanes the steady state after 20,000 messages and a GC.`,
    '',
    `| lane | ${subjects.map((s) => labels[s] || s).join(' | ')} |`,
    `|---|${subjects.map(() => '---:').join('|')}|`,
  ];
  for (const lr of results.lanes) {
    const cells = subjects.map((s) => {
      const c = cell(lr, s);
      if (c.text !== undefined) return c.text;
      const t = c.timeouts > 0 ? ` [${c.timeouts} timeout]` : '';
      // Lanes without a sender CPU figure (request: p50 latency) show the ratio alone.
      const cpu = Number.isFinite(c.cpuUs) ? ` · ${fmtCpu(c.cpuUs)}` : '';
      return `${s === BASE ? '1.00x' : `**${fmtRatio(c.ratio)}**`}${cpu}${t}`;
    });
    lines.push(`| ${lr.name} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

const COLOURS = {
  'net-buffer': '#7f7f7f', 'node-ipc-ts': '#1f5fbf', before: '#8fb3e8', 'achrinza-10': '#e8750f', 'achrinza-9': '#f5b971',
  'node-ipc-14': '#2e9e3e', ws: '#8a4fc7', 'cp-json': '#8c5a3c', 'cp-advanced': '#d9559f',
};
const SPARE = ['#555555', '#17becf', '#bcbd22'];

function esc(text) {
  return String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * Horizontal grouped bars, one group per lane, one colour per subject, on a log2 axis centred on
 * the baseline: a bar goes right of the 1.0x line when the subject takes longer than bare
 * `node:net`, left when it is faster; its length is the log of the ratio.
 */
function summarySvg(results) {
  const subjects = results.subjects.filter((s) => s !== BASE);
  const labels = results.labels || {};
  const colour = (s, i) => COLOURS[s] || SPARE[i % SPARE.length];
  const W = 700;
  const left = 118; // lane names
  const right = 56; // value labels past the longest bar
  const plotW = W - left - right;
  const bar = 9;
  const gap = 2;
  const groupPad = 10;
  // Three legend columns, fewer when a label would run into the next (about 6 px per character).
  const legendColW = Math.max(228, 22 + Math.ceil(6 * Math.max(0, ...subjects.map((s) => String(labels[s] || s).length))));
  const legendCols = Math.max(1, Math.min(3, Math.floor((W - 12) / legendColW)));
  const legendRows = Math.ceil(subjects.length / legendCols);
  const top = 58 + legendRows * 16 + 24; // title, subtitle, legend, axis labels
  const groupH = subjects.length * (bar + gap) - gap + groupPad * 2;
  const H = top + results.lanes.length * groupH + 46;

  const ratios = [];
  for (const lr of results.lanes) for (const s of subjects) {
    const c = cell(lr, s);
    if (Number.isFinite(c.ratio) && c.ratio > 0) ratios.push(c.ratio);
  }
  const lo = Math.min(-1, Math.floor(Math.log2(Math.min(1, ...ratios))));
  const hi = Math.max(2, Math.ceil(Math.log2(Math.max(1, ...ratios))));
  const x = (r) => left + ((Math.log2(r) - lo) / (hi - lo)) * plotW;
  const x1 = x(1);

  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif">`);
  out.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  out.push(`<text x="12" y="22" font-size="15" font-weight="bold" fill="#111">Time per message relative to bare node:net (lower is better)</text>`);
  out.push(`<text x="12" y="40" font-size="10.5" fill="#444">${esc(`${results.size} run, median of ${results.samplesPerSubject} samples; ${machine(results)}`)}</text>`);
  subjects.forEach((s, i) => {
    const lx = 12 + (i % legendCols) * legendColW;
    const ly = 54 + Math.floor(i / legendCols) * 16;
    out.push(`<rect x="${lx}" y="${ly}" width="11" height="11" fill="${colour(s, i)}"/>`);
    out.push(`<text x="${lx + 16}" y="${ly + 9.5}" font-size="11" fill="#222">${esc(labels[s] || s)}</text>`);
  });

  const plotTop = top;
  const plotBottom = H - 46;
  // Grid and scale: one line per power of two.
  for (let e = lo; e <= hi; e++) {
    const r = 2 ** e;
    const gx = x(r).toFixed(1);
    const text = r >= 1 ? `${r}x` : `${r}x`;
    out.push(`<line x1="${gx}" y1="${plotTop - 4}" x2="${gx}" y2="${plotBottom}" stroke="${e === 0 ? '#000' : '#d8d8d8'}" stroke-width="${e === 0 ? 1.6 : 1}"/>`);
    out.push(`<text x="${gx}" y="${plotTop - 8}" font-size="10" text-anchor="middle" fill="#333">${text}</text>`);
    out.push(`<text x="${gx}" y="${plotBottom + 13}" font-size="10" text-anchor="middle" fill="#333">${text}</text>`);
  }
  out.push(`<text x="${x1.toFixed(1)}" y="${plotBottom + 27}" font-size="10.5" text-anchor="middle" font-weight="bold" fill="#000">net-baseline = 1.0x</text>`);
  // Ends 70 px left of the 1.0x line, unless that would cut it at the chart's left edge
  // (about 5.6 px per character at this size): then it starts at the edge.
  const fasterLabel = '← faster than net-baseline';
  const fasterX = Math.max(4, x1 - 70 - fasterLabel.length * 5.6);
  out.push(`<text x="${fasterX.toFixed(1)}" y="${plotBottom + 40}" font-size="10.5" fill="#444">${fasterLabel}</text>`);
  out.push(`<text x="${(x1 + 70).toFixed(1)}" y="${plotBottom + 40}" font-size="10.5" fill="#444">slower →  (time ratio, log scale)</text>`);

  results.lanes.forEach((lr, g) => {
    const gy = plotTop + g * groupH;
    if (g % 2 === 1) out.push(`<rect x="0" y="${gy}" width="${W}" height="${groupH}" fill="#000" fill-opacity="0.035"/>`);
    out.push(`<text x="${left - 8}" y="${gy + groupH / 2 + 4}" font-size="11.5" text-anchor="end" font-weight="bold" fill="#111">${esc(lr.name)}</text>`);
    subjects.forEach((s, i) => {
      const by = gy + groupPad + i * (bar + gap);
      const c = cell(lr, s);
      if (!Number.isFinite(c.ratio)) {
        out.push(`<text x="${(x1 + 4).toFixed(1)}" y="${by + bar - 1.5}" font-size="8.5" fill="#888">${esc(c.text || '?')} ${esc(labels[s] || s)}</text>`);
        return;
      }
      const bx = x(c.ratio);
      const x0 = Math.min(bx, x1);
      const w = Math.max(1, Math.abs(bx - x1));
      out.push(`<rect x="${x0.toFixed(1)}" y="${by}" width="${w.toFixed(1)}" height="${bar}" fill="${colour(s, i)}"><title>${esc(`${lr.name} ${labels[s] || s}: ${fmtRatio(c.ratio)}, ${fmtCpu(c.cpuUs)} sender CPU per message`)}</title></rect>`);
      const label = fmtRatio(c.ratio) + (c.timeouts > 0 ? ' (timeouts)' : '');
      if (c.ratio >= 1) out.push(`<text x="${(x1 + w + 3).toFixed(1)}" y="${by + bar - 1}" font-size="9" fill="#222">${label}</text>`);
      else out.push(`<text x="${(x0 - 3).toFixed(1)}" y="${by + bar - 1}" font-size="9" text-anchor="end" fill="#222">${label}</text>`);
    });
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

module.exports = { summaryMarkdown, summarySvg, cell };
