// The fenced code blocks of a Markdown file, with their info strings parsed.
// Only what the docs use: ``` or ~~~ fences (three or more), optionally
// indented (inside a list item); the closing fence is the same character, at
// least as long, with nothing after it.

/**
 * @typedef {{ file: string, line: number, info: string, lang: string,
 *   flags: Set<string>, attrs: Map<string, string>, text: string }} Block
 */

const OPENING = /^(\s*)(`{3,}|~{3,})\s*(.*)$/;

/** @returns {Block[]} */
export function codeBlocks(file, source) {
  const lines = source.split('\n');
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = OPENING.exec(lines[i]);
    if (!open || (open[2][0] === '`' && open[3].includes('`'))) continue;
    const [, indent, fence, info] = open;
    const body = [];
    let j = i + 1;
    for (; j < lines.length && !isClosing(lines[j], fence); j++) {
      body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j].trimStart());
    }
    blocks.push({ file, line: i + 1, ...parseInfo(info.trim()), text: body.join('\n') + '\n' });
    i = j;
  }
  return blocks;
}

function isClosing(line, fence) {
  const trimmed = line.trim();
  return trimmed.length >= fence.length && trimmed === fence[0].repeat(trimmed.length);
}

// "js requires=js/promises.js skip=\"why\" run" → lang "js", attrs, flags.
export function parseInfo(info) {
  const words = info.match(/[^\s=]+="[^"]*"|[^\s=]+='[^']*'|\S+/g) ?? [];
  const [lang = '', ...rest] = words;
  const flags = new Set();
  const attrs = new Map();
  for (const word of rest) {
    const eq = word.indexOf('=');
    if (eq < 0) flags.add(word);
    else attrs.set(word.slice(0, eq), word.slice(eq + 1).replace(/^(["'])(.*)\1$/, '$2'));
  }
  return { info, lang: lang.toLowerCase(), flags, attrs };
}
