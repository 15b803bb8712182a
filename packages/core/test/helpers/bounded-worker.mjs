// Runs one exported function of a TypeScript module for ./bounded.ts and posts back what it returned or threw.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

// Workers do not inherit the parent's --import hooks on Node 20: register tsx here.
register();
const { module, name, args } = workerData;
try {
  const exported = await import(module);
  parentPort.postMessage({ ok: true, value: await exported[name](...args) });
} catch (error) {
  parentPort.postMessage({
    ok: false,
    error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
  });
}
