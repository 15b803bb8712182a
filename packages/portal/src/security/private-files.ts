import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';

/**
 * Creates a directory and its missing parents readable by the owner only (0700): the data directory holds the
 * database and the keys. A directory that exists already keeps the mode its owner gave it.
 */
export function makePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/**
 * Makes `file` owner-only (0600): creates it empty with that mode when missing (before a library such as SQLite
 * creates it under the process umask), and takes group and other access away from `file` and from each of
 * `companions` that exists (made by an older version, or under a looser umask).
 */
export function makePrivateFile(file: string, companions: string[] = []): void {
  closeSync(openSync(file, 'a', 0o600));
  for (const path of [file, ...companions])
    if (existsSync(path) && (statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
}
