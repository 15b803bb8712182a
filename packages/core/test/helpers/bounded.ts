// A synchronous loop that never ends cannot be stopped from its own thread (a test's timeout never fires), so
// the inputs that once hung run in a worker thread that is ended at a deadline: a hang fails the test instead
// of stopping the suite. The deadline is a watchdog, not a speed assertion.
import { Worker } from 'node:worker_threads';

/** Calls `name(...args)` exported by `module` in a worker; fails when it throws or runs past `seconds`. */
export function callBounded<T>(module: URL, name: string, args: unknown[], seconds = 20): Promise<T> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./bounded-worker.mjs', import.meta.url), {
      workerData: { module: module.href, name, args },
    });
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new Error(`${name}(${JSON.stringify(args).slice(0, 200)}) did not return within ${seconds} s`));
    }, seconds * 1000);
    worker.once('message', (message: { ok: true; value: T } | { ok: false; error: string }) => {
      clearTimeout(timer);
      void worker.terminate();
      if (message.ok) resolve(message.value);
      else reject(new Error(`${name} threw ${message.error}`));
    });
    worker.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}
