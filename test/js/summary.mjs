// Prints Vitest's JSON report as the line every suite of ./build.sh ends
// with: "N passed, N failed, N skipped". Exits non-zero on any failure.
import fs from 'node:fs';

const report = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const passed = report.numPassedTests ?? 0;
const failed = (report.numFailedTests ?? 0) + (report.numRuntimeErrorTestSuites ?? 0);
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
const brokenFiles = (report.testResults ?? []).filter(
  (file) => file.status === 'failed' && (file.assertionResults ?? []).length === 0,
).length;
console.log(`${passed} passed, ${failed + brokenFiles} failed, ${skipped} skipped`);
process.exitCode = failed + brokenFiles === 0 && report.success !== false ? 0 : 1;
