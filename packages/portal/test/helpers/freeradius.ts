// A real FreeRADIUS (Debian's freeradius with freeradius-rest) on free loopback ports, configured by the code of
// `mbprov radius config`, and the clients that talk to it: radclient for PAP, MS-CHAP and accounting, eapol_test for
// EAP-TTLS.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../../src/config/schema.ts';
import { writeFreeRadiusConfig } from '../../src/freeradius/write-config.ts';

/** How long FreeRADIUS may take to start on a loaded machine (it opens its connections to the portal first). */
const START_TIMEOUT_MS = 90_000;

/** A UDP port free on loopback now (FreeRADIUS binds it moments later). */
function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.on('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

/** A FreeRADIUS server started for a test. */
export interface RunningFreeRadius {
  dir: string;
  authPort: number;
  acctPort: number;
  /** The shared secret of the loopback client. */
  secret: string;
  /** The CA of the EAP server certificate (what eapol_test validates). */
  serverCaFile: string;
  /** Everything it printed so far (-X: debug output). */
  output(): string;
  stop(): Promise<void>;
}

/** Whether a program is installed (the tests that need it skip without it). */
export function installed(program: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('sh', ['-c', `command -v ${program}`], (error) => resolve(!error));
  });
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Writes the configuration for the portal `config` describes (its publicUrl must be the listening portal's) into a
 * temporary directory with the command's code, starts `freeradius -f -X` on free loopback ports with the API key and
 * a shared secret in its environment, and waits until it is ready to process requests.
 */
export async function startFreeRadius(
  config: Config,
  options: {
    apiKey: string;
    portalCaFile: string;
    /** The EAP server certificate, key and CA; default: the test ones the command generates for radius.test. */
    server?: { certFile: string; keyFile: string; caFile: string };
  },
): Promise<RunningFreeRadius> {
  const dir = mkdtempSync(join(tmpdir(), 'mbprov-freeradius-'));
  const authPort = await freeUdpPort();
  let acctPort = await freeUdpPort();
  while (acctPort === authPort) acctPort = await freeUdpPort();
  const secret = 'loopback-test-secret';
  await writeFreeRadiusConfig(config, {
    out: dir,
    portalCaFile: options.portalCaFile,
    listen: { address: '127.0.0.1', authPort, acctPort },
    clients: [{ name: 'test', address: '127.0.0.1' }],
    serverNames: ['radius.test'],
    ...(options.server
      ? {
          serverCertFile: options.server.certFile,
          serverKeyFile: options.server.keyFile,
          serverCaFile: options.server.caFile,
        }
      : {}),
    log: 'stdout',
  });
  const child = spawn('freeradius', ['-f', '-X', '-d', dir], {
    env: { ...process.env, MBPROV_RADIUS_API_KEY: options.apiKey, MBPROV_RADIUS_SECRET: secret },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`FreeRADIUS did not start in time:\n${output.slice(-4000)}`)),
      START_TIMEOUT_MS,
    );
    const take = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('Ready to process requests')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`FreeRADIUS exited with ${code} before it was ready:\n${output.slice(-4000)}`));
    });
  });
  return {
    dir,
    authPort,
    acctPort,
    secret,
    serverCaFile: join(dir, 'certs/server-ca.pem'),
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      running.delete(child);
    },
  };
}

/** A RADIUS answer as radclient printed it: the packet type and the attributes (name = value, quotes removed). */
export interface RadiusAnswer {
  code: string;
  attributes: Record<string, string>;
}

function run(program: string, args: string[], input?: string): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile(program, args, { timeout: 120_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      if (error && typeof error.code !== 'number')
        reject(new Error(`${program}: ${error.message}\n${stderr}`));
      else resolve({ code, stdout: `${stdout}${stderr}` });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

/**
 * Sends one request with radclient (`auth` to the authentication port, `acct` to accounting) and answers what came
 * back. `attributes` are radclient's `Name = value` pairs. A generous timeout with one retry: the portal answers on a
 * loaded machine.
 */
export async function radclient(
  server: RunningFreeRadius,
  kind: 'auth' | 'acct',
  attributes: Record<string, string | number>,
): Promise<RadiusAnswer> {
  const port = kind === 'auth' ? server.authPort : server.acctPort;
  const input = Object.entries(attributes)
    .map(([name, value]) => `${name} = ${typeof value === 'number' ? value : JSON.stringify(value)}`)
    .join('\n');
  const { stdout } = await run(
    'radclient',
    ['-x', '-r', '2', '-t', '20', `127.0.0.1:${port}`, kind, server.secret],
    `${input}\n`,
  );
  const received = /Received (\S+) Id \d+[^\n]*\n((?:\t[^\n]*\n?)*)/.exec(stdout);
  if (!received) return { code: 'none', attributes: {} };
  const answer: Record<string, string> = {};
  for (const line of (received[2] ?? '').split('\n')) {
    const m = /^\t(\S+) = (.*)$/.exec(line);
    if (m) answer[m[1] as string] = (m[2] as string).replace(/^"(.*)"$/, '$1');
  }
  return { code: received[1] as string, attributes: answer };
}

/** The EAP-TTLS inner methods eapol_test runs: PAP, MS-CHAP-V2 (Windows' and Passpoint's), EAP-MSCHAPv2. */
export type TtlsInner = 'PAP' | 'MSCHAPV2' | 'EAP-MSCHAPV2';

/**
 * Authenticates with EAP-TTLS through eapol_test (wpa_supplicant's test client), validating the server against its
 * CA as Windows does; answers whether it succeeded.
 */
export async function eapTtls(
  server: RunningFreeRadius,
  identity: string,
  password: string,
  inner: TtlsInner,
): Promise<{ ok: boolean; output: string }> {
  const phase2 = inner === 'EAP-MSCHAPV2' ? 'autheap=MSCHAPV2' : `auth=${inner}`;
  const conf = join(server.dir, `eapol-${Date.now()}-${Math.floor(Math.random() * 1e6)}.conf`);
  writeFileSync(
    conf,
    `network={
  ssid="mbprov"
  key_mgmt=WPA-EAP
  eap=TTLS
  identity=${JSON.stringify(identity)}
  anonymous_identity="anonymous"
  password=${JSON.stringify(password)}
  ca_cert=${JSON.stringify(server.serverCaFile)}
  domain_match="radius.test"
  phase2="${phase2}"
}
`,
  );
  const { code, stdout } = await run('eapol_test', [
    '-c',
    conf,
    '-a',
    '127.0.0.1',
    '-p',
    String(server.authPort),
    '-s',
    server.secret,
    '-t',
    '60',
  ]);
  return { ok: code === 0 && /^SUCCESS$/m.test(stdout), output: stdout };
}
