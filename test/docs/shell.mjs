// Static checks of a shell block from the docs: every command it runs exists
// and every repository path it names exists (or is something the build
// makes). Not a shell parser: enough of sh for command lines in docs
// (quotes, $(...), comments, line continuations, && || ; | &, assignments).

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const BUILTINS = new Set(`. : [ { } alias bg break cd command continue do done echo elif else env esac
  eval exec exit export false fi for function if in printf pwd read return set shift source
  test then time timeout trap true type ulimit umask unset until wait while`.split(/\s+/));

// Words that run the next word as the command.
const PREFIXES = new Set(['env', 'exec', 'time', 'command', 'sudo', 'nice', 'nohup']);

/** Splits a shell text into simple commands, each a list of words. */
export function commands(text) {
  const all = [];
  let words = [];
  let word = null;
  const endWord = () => {
    if (word !== null) words.push(word);
    word = null;
  };
  const endCommand = () => {
    endWord();
    if (words.length) all.push(words);
    words = [];
  };
  const add = (s, dynamic = false) => {
    word ??= { text: '', dynamic: false };
    word.text += s;
    word.dynamic ||= dynamic;
  };
  const src = text.replace(/\\\n/g, ' ');
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\n' || c === ';' || c === '&' || c === '|') {
      endCommand();
      if ((c === '&' || c === '|') && src[i + 1] === c) i++;
    } else if (c === ' ' || c === '\t') {
      endWord();
    } else if (c === '#' && word === null) {
      while (i + 1 < src.length && src[i + 1] !== '\n') i++;
    } else if (c === "'") {
      const end = src.indexOf("'", i + 1);
      add(src.slice(i + 1, end < 0 ? src.length : end));
      i = end < 0 ? src.length : end;
    } else if (c === '"') {
      const end = closingQuote(src, i);
      const inner = src.slice(i + 1, end);
      all.push(...substitutions(inner));
      add(inner, inner.includes('$'));
      i = end;
    } else if (c === '$' && src[i + 1] === '(') {
      const end = closingParen(src, i + 1);
      all.push(...commands(src.slice(i + 2, end)));
      add(src.slice(i, end + 1), true);
      i = end;
    } else if (c === '$' || c === '*' || c === '?' || c === '~') {
      add(c, true);
    } else if (c === '\\' && i + 1 < src.length) {
      add(src[++i]);
    } else {
      add(c);
    }
  }
  endCommand();
  return all;
}

function substitutions(inner) {
  const found = [];
  for (let i = inner.indexOf('$('); i >= 0; i = inner.indexOf('$(', i + 1)) {
    found.push(...commands(inner.slice(i + 2, closingParen(inner, i + 1))));
  }
  return found;
}

function closingQuote(src, open) {
  for (let i = open + 1; i < src.length; i++) {
    if (src[i] === '\\') i++;
    else if (src[i] === '"') return i;
  }
  return src.length;
}

function closingParen(src, open) {
  let depth = 0;
  for (let i = open; i < src.length; i++) {
    if (src[i] === '(') depth++;
    else if (src[i] === ')' && --depth === 0) return i;
  }
  return src.length;
}

/**
 * Checks the commands of a shell block against the repository at `root`.
 * Returns { problems: string[], missingTools: string[] }: a problem fails the
 * block; a tool not installed on this machine can only skip it.
 */
export function checkShell(text, root) {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const functions = new Set([...buildFunctions(root), ...definedFunctions(text)]);
  const problems = [];
  const missingTools = [];
  for (const words of commands(text)) {
    if (/^[A-Za-z_][A-Za-z0-9_]*\(\)$/.test(words[0].text)) continue; // name() {
    if (functions.has(words[0].text)) continue;
    let i = 0;
    while (i < words.length && isAssignment(words[i].text)) {
      checkPath(assignedValue(words[i]), root, problems);
      i++;
    }
    while (i < words.length && PREFIXES.has(words[i].text)) {
      i++;
      while (i < words.length && (isAssignment(words[i].text) || words[i].text.startsWith('-'))) i++;
    }
    if (i >= words.length) continue;
    const [command, ...args] = words.slice(i);
    checkCommand(command, args, { root, pkg, problems, missingTools });
    for (const arg of args) checkPath(arg, root, problems);
  }
  return { problems, missingTools: [...new Set(missingTools)] };
}

function checkCommand(command, args, { root, pkg, problems, missingTools }) {
  const name = command.text;
  if (command.dynamic || BUILTINS.has(name)) return;
  if (name.includes('/')) {
    // ./build.sh, js/cli.js: the repository's; ./configure: the reader's own.
    const p = repoPath(name);
    if (p !== null && !existsInRepo(p, root)) problems.push(`${name}: no such file in the repository`);
    return;
  }
  if (name === 'npx') {
    const bin = args.find((a) => !a.text.startsWith('-'))?.text;
    if (bin && !isPackageBin(bin, root, pkg)) problems.push(`npx ${bin}: not a bin of the package or its dev dependencies`);
    return;
  }
  if (name === 'npm' && args[0]?.text === 'run' && args[1] && !pkg.scripts?.[args[1].text]) {
    problems.push(`npm run ${args[1].text}: no such script in package.json`);
  }
  if (onPath(name) || isPackageBin(name, root, pkg)) return;
  // snake_case is build.sh's functions' style, not a program's name.
  if (/^[a-z][a-z0-9]*(_[a-z0-9]+)+$/.test(name)) problems.push(`${name}: no such function in build.sh or scripts/*.sh`);
  else missingTools.push(name);
}

// NAME=value, NAME+=value, NAME[key]=value, NAME=(array)
function isAssignment(text) {
  return /^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=/.test(text);
}

// The functions a snippet of build.sh's scripts may call: those that
// build.sh and scripts/*.sh define, and those the snippet defines itself.
let buildFunctionsCache = null;
function buildFunctions(root) {
  if (!buildFunctionsCache) {
    const scripts = fs.readdirSync(path.join(root, 'scripts')).filter((f) => f.endsWith('.sh')).map((f) => `scripts/${f}`);
    buildFunctionsCache = new Set(['build.sh', ...scripts].flatMap((f) => definedFunctions(fs.readFileSync(path.join(root, f), 'utf8'))));
  }
  return buildFunctionsCache;
}

function definedFunctions(text) {
  return [...text.matchAll(/^\s*([A-Za-z_][A-Za-z0-9_]*)\s*\(\)\s*\{?/gm)].map((m) => m[1]);
}

function assignedValue(word) {
  const value = word.text.slice(word.text.indexOf('=') + 1);
  return { text: value.replace(/^\((.*)\)$/, '$1'), dynamic: word.dynamic };
}

export function isPackageBin(name, root, pkg) {
  const bins = typeof pkg.bin === 'string' ? { [pkg.name]: pkg.bin } : pkg.bin ?? {};
  return name in bins || fs.existsSync(path.join(root, 'node_modules', '.bin', name));
}

// A word that names a path of this repository, bare or as an option's
// value (-Iwasm/include, -Lbuild/windows, --dir=js), or inside the
// installed package (node_modules/nativesockets/...).
const TOP_LEVEL = /^(?:\.\/)?(?:csrc|js|wasm|test|examples|bench|scripts|emscripten|docs|build)(?:\/|$)/;

export function repoPath(text) {
  let p = text.replace(/^-[IL]/, '').replace(/^--?[a-z-]+=/, '');
  p = p.replace(/^(?:\.\/)?node_modules\/nativesockets\//, '');
  if (p === './build.sh' || p === 'build.sh' || p === 'package.json') return p;
  return TOP_LEVEL.test(p) ? p.replace(/^\.\//, '') : null;
}

function checkPath(word, root, problems) {
  if (word.dynamic) return;
  const p = repoPath(word.text);
  if (p !== null && !existsInRepo(p, root)) problems.push(`${p}: no such file or directory in the repository`);
}

// Exists, or is an output the build makes (ignored by git).
export function existsInRepo(p, root) {
  const rel = p.replace(/^\.\//, '').replace(/\/$/, '');
  if (fs.existsSync(path.join(root, rel))) return true;
  try {
    execFileSync('git', ['check-ignore', '-q', '--no-index', rel], { cwd: root, stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const pathCache = new Map();
function onPath(name) {
  if (!pathCache.has(name)) {
    const dirs = (process.env.PATH ?? '').split(':').filter(Boolean);
    pathCache.set(name, dirs.some((d) => isExecutable(path.join(d, name))));
  }
  return pathCache.get(name);
}

function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
