// The relative links of a Markdown file: each must name a file of the
// repository, and a #fragment must name a heading of the page it points to.
// A docs/ page that is not written yet is "pending", not broken: the docs
// link to pages being written on other branches.

import fs from 'node:fs';
import path from 'node:path';

const LINK = /(?<!!)\[(?:[^\]]|\][^(])*?\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g;

/** → { count, broken: string[], pending: string[] } for one file. */
export function checkLinks(file, source, root) {
  const result = { count: 0, broken: [], pending: [] };
  for (const target of linkTargets(stripCode(source))) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
    result.count++;
    const [rawPath, fragment] = target.split('#');
    const rel = rawPath === '' ? file : path.normalize(path.join(path.dirname(file), decodeURIComponent(rawPath)));
    const full = path.join(root, rel);
    if (!fs.existsSync(full)) {
      const pending = /^docs\/[^/]+\.md$/.test(rel);
      (pending ? result.pending : result.broken).push(pending ? rel : `${target}: no such file`);
      continue;
    }
    if (fragment && rel.endsWith('.md') && !headingSlugs(fs.readFileSync(full, 'utf8')).has(fragment)) {
      result.broken.push(`${target}: no heading #${fragment} in ${rel}`);
    }
  }
  return result;
}

function linkTargets(text) {
  return [...text.matchAll(LINK)].map((m) => m[1]);
}

// Code blocks and code spans hold text that looks like links but is not.
function stripCode(source) {
  return stripFences(source).replace(/`[^`\n]*`/g, '``');
}

function stripFences(source) {
  return source.replace(/^(\s*)(`{3,}|~{3,})[^\n]*\n[\s\S]*?^\s*\2[`~]*\s*$/gm, '');
}

// GitHub's anchors: lower case, punctuation dropped, spaces as dashes,
// "-1", "-2" for repeats.
export function headingSlugs(source) {
  const slugs = new Set();
  const seen = new Map();
  for (const [, title] of stripFences(source).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = title
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    slugs.add(n === 0 ? base : `${base}-${n}`);
  }
  return slugs;
}
