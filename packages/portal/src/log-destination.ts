import pino from 'pino';

let shared: pino.DestinationStream | undefined;

/**
 * Standard output for the portal's log, one write per turn of the event loop: the lines logged while the loop runs
 * its callbacks (a busy portal answers several requests in one turn, an access line each) go out together once the
 * turn ends (setImmediate). The write is synchronous, as node's own standard output is on Linux for files and pipes:
 * one system call per turn, where pino's default asynchronous destination handed every line to the thread pool (on
 * two busy cores that hand-over cost about a quarter of a bare route's answer). A line never waits longer than the turn
 * it was logged in, and the lines of the last turn are written when the process exits. One per process, as standard
 * output is.
 */
export function turnBatchedStdout(): pino.DestinationStream {
  if (shared) return shared;
  const out = pino.destination({ dest: 1, sync: true });
  let lines: string[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (lines.length === 0) return;
    const text = lines.length === 1 ? (lines[0] as string) : lines.join('');
    lines = [];
    out.write(text);
  };
  process.once('exit', flush);
  shared = {
    write(line: string) {
      lines.push(line);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
  };
  return shared;
}
