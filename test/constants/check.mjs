// The JS copies of the C library's numbers and names against the library
// itself: reads what error_table.c printed (stdin) and checks js/constants.js
// (ErrorCode), js/index.d.ts (ErrorCode's names) and package.json's version.
// Prints "ok/FAIL" lines, then "N passed, N failed"; exits 1 on a failure.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const printed = fs.readFileSync(0, 'utf8').trim().split('\n');
const table = new Map();
let version = null;
for (const line of printed) {
  const [name, value] = line.split(' ');
  if (name === 'version') version = value;
  else table.set(name, Number(value));
}

let passed = 0;
let failed = 0;
function check(name, problems) {
  if (problems.length === 0) {
    passed++;
    console.log(`ok   ${name}`);
  } else {
    failed++;
    console.log(`FAIL ${name}`);
    for (const p of problems) console.log(`    ${p}`);
  }
}

// Every name with its number, both ways: nothing missing, nothing extra.
function compare(what, js) {
  const problems = [];
  for (const [name, value] of table) {
    if (!js.has(name)) problems.push(`${what} lacks ${name} (${value})`);
    else if (js.get(name) !== undefined && js.get(name) !== value)
      problems.push(`${what}: ${name} is ${js.get(name)}, the C library says ${value}`);
  }
  for (const name of js.keys())
    if (!table.has(name)) problems.push(`${what} has ${name}, which the C library has not`);
  return problems;
}

check('the C table is complete (a name for every code, no two alike)', [
  ...(table.size < 40 ? [`only ${table.size} codes printed`] : []),
  ...(new Set(table.values()).size !== table.size ? ['two names share a number'] : []),
  ...(table.has('EUNKNOWN') && table.get('EUNKNOWN') === -999 ? [] : ['EUNKNOWN is not -999']),
]);

const { ErrorCode } = await import(path.join(root, 'js/constants.js'));
check('js/constants.js ErrorCode equals the C table',
  compare('ErrorCode', new Map(Object.entries(ErrorCode))));

// index.d.ts names the codes as a union of string literals in ErrorCode's type.
const dts = fs.readFileSync(path.join(root, 'js/index.d.ts'), 'utf8');
const declared = /export declare const ErrorCode: Readonly<Record<([^>]*?), number>>/s.exec(dts);
check('js/index.d.ts ErrorCode names equal the C table', declared === null
  ? ['no "export declare const ErrorCode: Readonly<Record<..., number>>" in index.d.ts']
  : compare('index.d.ts', new Map([...declared[1].matchAll(/'([A-Z_]+)'/g)].map((m) => [m[1], undefined]))));

const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
check('package.json version equals ns_version()', pkg.version === version
  ? [] : [`package.json says ${pkg.version}, ns_version() ${version}`]);

console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
