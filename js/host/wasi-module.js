// node:wasi, loaded without its "experimental" warning: the host is the
// product here, and the warning would land in every CLI's output.
const emitWarning = process.emitWarning;
process.emitWarning = function quiet(warning, ...rest) {
  const text = typeof warning === 'string' ? warning : warning?.message ?? '';
  if (/WASI/.test(text)) return;
  return emitWarning.call(process, warning, ...rest);
};
const { WASI } = await import('node:wasi');
process.emitWarning = emitWarning;
export { WASI };
