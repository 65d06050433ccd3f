#!/usr/bin/env node
// The same command as `nativesockets run` (js/host/runner.js), for running
// a guest from a checkout:
//   node js/host/run-wasi.js [--dir HOST[::GUEST]] [--env N=V] [--allow-net[=RULES]]
//                            [--allow-lookup] [--max-sockets N] program.wasm [args...]
// Nothing is preopened and the network is denied unless the flags say so.
import { runCommand } from './runner.js';

process.exitCode = await runCommand(process.argv.slice(2));
