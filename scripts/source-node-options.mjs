// NODE_OPTIONS that run the workspace from its TypeScript sources (tests, benchmarks, scripts): tsx's loader and the
// `@mbprov/source` condition of each package's exports.
const SOURCE_OPTIONS = '--conditions=@mbprov/source --import=tsx';

/** `existing` NODE_OPTIONS plus the options that run the sources (once). */
export function sourceNodeOptions(existing = '') {
  return existing.includes(SOURCE_OPTIONS) ? existing : `${existing} ${SOURCE_OPTIONS}`.trim();
}
