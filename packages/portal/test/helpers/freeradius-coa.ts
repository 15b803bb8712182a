import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeUdpPort } from './radius-udp.ts';

/**
 * FreeRADIUS (Debian's freeradius 3) as the RFC 5176 Dynamic Authorization server of a NAS, for the client tests: a
 * generated configuration with one `listen { type = coa }` on 127.0.0.1 and a free port, one client (127.0.0.1) with
 * the test secret, and a virtual server whose recv-coa section writes every request it accepted to a linelog file
 * as JSON (rlm_json), then answers ACK for the known Acct-Session-Ids and NAK with Error-Cause
 * Session-Context-Not-Found for the others. FreeRADIUS runs in the foreground (-X) and is killed when the test
 * process exits, whatever happens.
 */

/** A request FreeRADIUS received, verified and logged: its packet type and attributes as it decoded them. */
export interface LoggedRequest {
  /** Disconnect-Request or CoA-Request. */
  type: string;
  /** Attribute name to value as FreeRADIUS's json_encode gives it (numbers for integers, arrays when repeated). */
  attributes: Record<string, unknown>;
}

interface JsonValue {
  type: string;
  value: unknown;
}

function configuration(dir: string, port: number, secret: string, known: readonly string[]): string {
  const quoted = (s: string) => `"${s.replace(/["\\]/g, '\\$&')}"`;
  const match = known.map((id) => `&Acct-Session-Id == ${quoted(id)}`).join(' || ') || 'false';
  return `prefix = /usr
exec_prefix = /usr
sysconfdir = /etc
localstatedir = /var
sbindir = /usr/sbin
logdir = ${dir}
raddbdir = ${dir}
radacctdir = ${dir}
name = freeradius
confdir = ${dir}
modconfdir = ${dir}
run_dir = ${dir}
db_dir = ${dir}
libdir = /usr/lib/freeradius
pidfile = ${dir}/radiusd.pid
correct_escapes = true
max_request_time = 30
cleanup_delay = 5
max_requests = 1024
hostname_lookups = no
log {
  destination = stdout
  colourise = no
}
security {
  allow_core_dumps = no
  max_attributes = 200
  reject_delay = 0
  status_server = no
}
thread pool {
  start_servers = 1
  max_servers = 2
  min_spare_servers = 1
  max_spare_servers = 2
  max_requests_per_server = 0
}
modules {
  always ok {
    rcode = ok
  }
  always reject {
    rcode = reject
  }
  json {
  }
  linelog received {
    filename = ${dir}/received.log
    format = "%{Packet-Type} %{json_encode:&request:[*]}"
  }
}
client test {
  ipaddr = 127.0.0.1
  secret = ${quoted(secret)}
}
server dynamic-authorization {
  listen {
    type = coa
    ipaddr = 127.0.0.1
    port = ${port}
  }
  recv-coa {
    received
    if (${match}) {
      ok
    }
    else {
      update reply {
        &Error-Cause := Session-Context-Not-Found
      }
      reject
    }
  }
  send-coa {
    ok
  }
}
`;
}

/** A running FreeRADIUS Dynamic Authorization listener. */
export class FreeRadiusCoa {
  #output = '';
  readonly #exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    /** The UDP port of the listener on 127.0.0.1. */
    readonly port: number,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => {
      this.#output += chunk.toString('utf8');
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      this.#output += chunk.toString('utf8');
    });
    this.#exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  /** Starts FreeRADIUS with `secret` for 127.0.0.1, acknowledging requests for the `known` Acct-Session-Ids. */
  static async start(secret: string, known: readonly string[]): Promise<FreeRadiusCoa> {
    let lastOutput = '';
    // A port found free can be taken before FreeRADIUS binds it: try again with another.
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freeUdpPort();
      const dir = mkdtempSync(join(tmpdir(), 'mbprov-freeradius-coa-'));
      writeFileSync(join(dir, 'radiusd.conf'), configuration(dir, port, secret, known), { mode: 0o600 });
      writeFileSync(join(dir, 'dictionary'), '', { mode: 0o600 });
      const child = spawn('freeradius', ['-X', '-d', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
      const kill = () => child.kill('SIGKILL');
      process.once('exit', kill);
      const server = new FreeRadiusCoa(child, dir, port);
      const ready = await server.waitFor(/Ready to process requests/, 60_000).then(
        () => true,
        () => false,
      );
      if (ready) return server;
      lastOutput = server.output;
      await server.stop();
      process.removeListener('exit', kill);
    }
    throw new Error(`FreeRADIUS did not start:\n${lastOutput.slice(-3000)}`);
  }

  /** Everything FreeRADIUS printed so far (its -X debug output). */
  get output(): string {
    return this.#output;
  }

  /** Waits until the debug output matches `pattern` (rejects after `timeoutMs` or if FreeRADIUS exits). */
  async waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    let exited = false;
    void this.#exited.then(() => {
      exited = true;
    });
    while (!pattern.test(this.#output)) {
      if (exited) throw new Error(`FreeRADIUS exited before ${pattern}`);
      if (Date.now() > until) throw new Error(`FreeRADIUS did not print ${pattern}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** The requests FreeRADIUS verified and logged, in order. */
  received(): LoggedRequest[] {
    let text: string;
    try {
      text = readFileSync(join(this.dir, 'received.log'), 'utf8');
    } catch {
      return [];
    }
    return text
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const space = line.indexOf(' ');
        const json = JSON.parse(line.slice(space + 1)) as Record<string, JsonValue>;
        return {
          type: line.slice(0, space),
          attributes: Object.fromEntries(Object.entries(json).map(([name, { value }]) => [name, value])),
        };
      });
  }

  /** Stops FreeRADIUS and removes its files. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await this.#exited;
    clearTimeout(timer);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
