// One summary line for a runtime's run in ./build.sh test (scripts/runtimes.sh):
// Vitest's JSON report plus the smoke suite's last line, summed as
// "N passed, N failed, N skipped". A missing or unreadable part counts as
// one failure.
//
//   node test/runtimes/summary.mjs VITEST_JSON SMOKE_LOG
import fs from 'node:fs';

const [vitestJson, smokeLog] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;

try {
  const report = JSON.parse(fs.readFileSync(vitestJson, 'utf8'));
  passed += report.numPassedTests ?? 0;
  failed += (report.numFailedTests ?? 0) + (report.numRuntimeErrorTestSuites ?? 0);
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  failed += (report.testResults ?? []).filter(
    (file) => file.status === 'failed' && (file.assertionResults ?? []).length === 0).length;
} catch (e) {
  console.log(`vitest: no report (${e.message})`);
  failed++;
}

let smoke = null;
try {
  smoke = fs.readFileSync(smokeLog, 'utf8').match(/^(\d+) passed, (\d+) failed(?:, (\d+) skipped)?$/m);
} catch {
  // counted below
}
if (smoke === null) {
  console.log('smoke: no summary line');
  failed++;
} else {
  passed += Number(smoke[1]);
  failed += Number(smoke[2]);
  skipped += Number(smoke[3] ?? 0);
}

console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exitCode = failed === 0 ? 0 : 1;
