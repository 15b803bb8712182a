// Shared fixtures of the profile tests: a hotspot description with a real RADIUS CA, and the independent tools
// (openssl, Python's plistlib and email, xmllint) run on real files in a temporary directory.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCertificate, type HotspotDescription } from '../../src/index.ts';
import { once } from './signing.ts';

/** The RADIUS server's root CA (the certificate the profiles carry). */
export const radiusCa = once(() =>
  createCertificate({ subject: 'CN=Contoso RADIUS Root, O=mbprov test', ca: true }),
);

/** A description with a Passpoint network and two WISPr SSIDs, every field set. */
export async function sampleHotspot(): Promise<HotspotDescription> {
  return {
    name: 'Contoso Wi-Fi',
    identifier: 'net.contoso.wifi',
    organization: 'Contoso Ltd',
    wisprSsids: ['Contoso Free', 'Contoso Café'],
    passpoint: {
      domainName: 'wifi.contoso.net',
      naiRealm: 'contoso.net',
      roamingConsortiumOis: ['5A03BA0000', '004096'],
      friendlyName: 'Contoso Hotspot',
      innerMethod: 'MSCHAPv2',
      radiusServerNames: ['radius.contoso.net'],
      caCertificatePem: (await radiusCa()).certificatePem,
    },
    credentials: { userName: 'u12345', password: 'correct horse battery' },
  };
}

/** A temporary directory for one test; removed by the returned cleanup. */
export function workDir(): {
  dir: string;
  file: (name: string, content?: string | Uint8Array) => string;
  done: () => void;
} {
  const dir = mkdtempSync(join(tmpdir(), 'mbprov-profiles-'));
  return {
    dir,
    file: (name, content) => {
      const path = join(dir, name);
      if (content !== undefined) writeFileSync(path, content);
      return path;
    },
    done: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Runs a tool (generous timeout: two loaded cores) and returns its result without asserting. */
export function run(command: string, args: string[], input?: string) {
  return spawnSync(command, args, { encoding: 'utf8', timeout: 120_000, input });
}

/** Runs a Python program and returns the JSON it prints on stdout. */
export function python(program: string, ...args: string[]): unknown {
  const r = run('python3', ['-c', program, ...args]);
  assert.equal(r.status, 0, `python3 failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}
