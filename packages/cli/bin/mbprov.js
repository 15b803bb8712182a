#!/usr/bin/env node
// The mbprov command: the package's own entry, which is the compiled dist/main.js (in the repository's tests, where
// the @mbprov/source condition and tsx are set, src/main.ts).
import module from 'node:module';

// Node 22.1 and later keep V8's compiled code of the modules a command loads (in the OS temp folder), so the next
// run of a command skips compiling them; Node 20 has no such cache and goes on without it.
module.enableCompileCache?.();

// A reader that stops early (`mbprov --help | head`) is not an error of ours.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}
const { main } = await import('mbprov');
process.exitCode = await main(process.argv);
