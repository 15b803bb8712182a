#!/usr/bin/env node
// The mbprov command: the package's own entry, which is the compiled dist/main.js (in the repository's tests, where
// the @mbprov/source condition and tsx are set, src/main.ts).
import { main } from 'mbprov';

// A reader that stops early (`mbprov --help | head`) is not an error of ours.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}
process.exitCode = await main(process.argv);
