// The portal's log on standard output is written once per turn of the event loop (log-destination.ts): a line never
// goes out before the callbacks of its turn have run, always before the next turn's, and the lines of the last turn
// reach standard output when the process exits. Checked in a child process, on its real standard output.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';

const MODULE = new URL('../src/log-destination.ts', import.meta.url).href;

/** Runs `body` as an ES module with `log` (the destination) and `direct` (a synchronous write to fd 1) in scope. */
function run(body: string): string {
  const script = `import { writeSync } from 'node:fs';
    import { turnBatchedStdout } from ${JSON.stringify(MODULE)};
    const log = turnBatchedStdout();
    if (turnBatchedStdout() !== log) throw new Error('not one per process');
    const direct = (text) => writeSync(1, text);
    ${body}`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

describe('the log on standard output', () => {
  it("writes a turn's lines together once the turn ends, before the next turn's", () => {
    const out = run(`log.write('a\\n');
      log.write('b\\n');
      direct('written during the turn\\n');
      setTimeout(() => {
        direct('next turn\\n');
        log.write('c\\n');
      }, 5);`);
    assert.equal(out, 'written during the turn\na\nb\nnext turn\nc\n');
  });

  it('writes the lines of the last turn when the process exits, even at once', () => {
    const out = run(`log.write('before exit\\n');
      process.exit(0);`);
    assert.equal(out, 'before exit\n');
  });
});
