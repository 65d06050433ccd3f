// node:wasi, without its "experimental" warning: the host is the product
// here, and the warning would land in every CLI's output. Node warns when
// the module loads, Deno when a WASI object is made: both are quietened.
const emitWarning = process.emitWarning;

function quiet(warning, ...rest) {
  const text = typeof warning === 'string' ? warning : warning?.message ?? '';
  if (/WASI/.test(text)) return undefined;
  return emitWarning.call(process, warning, ...rest);
}

function quietly(fn) {
  process.emitWarning = quiet;
  try {
    return fn();
  } finally {
    process.emitWarning = emitWarning;
  }
}

process.emitWarning = quiet;
const { WASI: RuntimeWASI } = await import('node:wasi');
process.emitWarning = emitWarning;

/** The runtime's node:wasi WASI class, constructed quietly. */
export function WASI(options) {
  return quietly(() => new RuntimeWASI(options));
}

/**
 * Prepares a reactor (its _initialize), as node:wasi's initialize() does.
 * Bun's node:wasi has no initialize(); there the host does the same itself:
 * hands the instance's memory to the WASI object and runs _initialize.
 */
export function initializeReactor(wasi, instance) {
  if (typeof wasi.initialize === 'function') return wasi.initialize(instance);
  const { memory, _initialize: init } = instance.exports;
  if (!(memory instanceof WebAssembly.Memory)) throw new TypeError('the module exports no memory');
  if (typeof wasi.setMemory !== 'function') {
    throw new TypeError('this runtime\'s node:wasi can neither initialize a reactor nor take its memory');
  }
  wasi.setMemory(memory);
  if (typeof init === 'function') init();
  return undefined;
}
