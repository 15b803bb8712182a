import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, TLSSocket } from 'node:tls';
import { createCertificate } from '@mbprov/core';

/**
 * A local SMTP server written for the tests (RFC 5321 with STARTTLS, RFC 3207, and AUTH PLAIN and LOGIN, RFC 4954 /
 * 4616): what the portal's mailer must get through before a real submission server would take a receipt. It speaks
 * plain TCP with STARTTLS, or TLS from the first byte, with a certificate of its own test CA (the portal trusts it by
 * smtp.caFile); offers AUTH only over TLS and then requires it; reads DATA with dot-unstuffing; records every message
 * and every command line with whether it came over TLS; and can refuse a command, or be down (no listener).
 */

/** A message as the server received it. */
export interface ReceivedMail {
  /** The reverse path of MAIL FROM. */
  from: string;
  /** The forward paths of RCPT TO. */
  to: string[];
  /** The message after dot-unstuffing, without the final `.` line (UTF-8). */
  data: string;
  /** Who logged in for it, if anyone. */
  user?: string;
  /** It came over TLS. */
  secure: boolean;
}

/** One command line from a client, as received (AUTH payloads included: this server is their receiver). */
export interface ReceivedLine {
  line: string;
  secure: boolean;
}

/** The command a refusal answers instead of accepting. */
export type Stage = 'MAIL' | 'RCPT' | 'DATA';

/** Options of TestSmtpServer.start. */
export interface SmtpServerOptions {
  /** `starttls` (default): plain TCP, then STARTTLS; `implicit`: TLS from the first byte (port 465 style). */
  mode?: 'starttls' | 'implicit';
  /** Whether EHLO offers STARTTLS (default true): false plays a server that would take mail in clear. */
  offerStartTls?: boolean;
  /** The accounts AUTH accepts; with any, mail needs a login first. Without, AUTH is not offered. */
  users?: Record<string, string>;
  /** The AUTH mechanisms offered (default both). */
  authMechanisms?: Array<'PLAIN' | 'LOGIN'>;
}

/** The test CA and the server certificate it issued (127.0.0.1 and localhost). */
interface ServerTls {
  caPem: string;
  key: string;
  cert: string;
}

async function serverTls(): Promise<ServerTls> {
  const ca = await createCertificate({
    subject: 'CN=mbprov SMTP test CA',
    ca: true,
    keyType: 'ecdsa',
    days: 2,
  });
  const leaf = await createCertificate({
    subject: 'CN=localhost, O=mbprov tests',
    issuer: { certificatePem: ca.certificatePem, privateKeyPem: ca.privateKeyPem },
    keyType: 'ecdsa',
    dnsNames: ['localhost'],
    ipAddresses: ['127.0.0.1'],
    keyUsage: ['digitalSignature'],
    extendedKeyUsage: ['1.3.6.1.5.5.7.3.1'],
    days: 2,
  });
  return { caPem: ca.certificatePem, key: leaf.privateKeyPem, cert: leaf.certificatePem };
}

/** An SMTP reply of one or more lines (`250-a`, `250 b`). */
function reply(code: number, lines: string[]): string {
  return lines.map((text, i) => `${code}${i === lines.length - 1 ? ' ' : '-'}${text}\r\n`).join('');
}

/** The address inside `<...>` of a MAIL FROM or RCPT TO argument. */
function path(argument: string): string | undefined {
  return /^\s*<([^<>]*)>/.exec(argument)?.[1];
}

/** One client connection: the SMTP dialogue over a socket that STARTTLS may replace by its TLS socket. */
class Session {
  private stream: Socket;
  private secure: boolean;
  private buffer = '';
  private greeted = false;
  private user: string | undefined;
  /** An AUTH exchange waiting for the client's next line. */
  private auth: { mechanism: 'PLAIN' } | { mechanism: 'LOGIN'; user?: string } | undefined;
  private from: string | undefined;
  private to: string[] = [];
  /** Lines of DATA so far, while reading it. */
  private data: string[] | undefined;

  constructor(
    private readonly server: TestSmtpServer,
    socket: Socket,
    secure: boolean,
  ) {
    this.stream = socket;
    this.secure = secure;
    this.attach(socket);
    this.write(reply(220, ['localhost ESMTP mbprov test server']));
  }

  private attach(stream: Socket): void {
    this.stream = stream;
    // latin1 keeps every byte as one character: a UTF-8 sequence split between two chunks survives.
    stream.setEncoding('latin1');
    stream.on('data', (chunk: string) => this.receive(chunk));
    stream.on('error', () => {});
  }

  private write(text: string): void {
    if (!this.stream.destroyed) this.stream.write(text);
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    for (;;) {
      const end = this.buffer.indexOf('\r\n');
      if (end < 0) return;
      const line = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      if (this.data) this.dataLine(line);
      else if (this.command(line) === 'upgraded') return;
    }
  }

  private dataLine(line: string): void {
    const data = this.data as string[];
    if (line !== '.') {
      data.push(line.startsWith('.') ? line.slice(1) : line);
      return;
    }
    this.data = undefined;
    const refusal = this.server.takeRefusal('DATA');
    if (refusal) this.write(reply(refusal, ['Message refused for the test']));
    else {
      const text = Buffer.from(data.join('\r\n'), 'latin1').toString('utf8');
      this.server.messages.push({
        from: this.from ?? '',
        to: this.to,
        data: text,
        ...(this.user ? { user: this.user } : {}),
        secure: this.secure,
      });
      this.write(reply(250, [`2.0.0 Ok: queued as ${randomBytes(6).toString('hex')}`]));
    }
    this.from = undefined;
    this.to = [];
  }

  private command(line: string): 'upgraded' | undefined {
    this.server.lines.push({ line, secure: this.secure });
    if (this.auth) {
      this.authLine(line);
      return undefined;
    }
    const [verb = '', ...rest] = line.split(' ');
    const argument = rest.join(' ');
    const options = this.server.options;
    switch (verb.toUpperCase()) {
      case 'EHLO': {
        this.greeted = true;
        const startTls = !this.secure && options.mode !== 'implicit' && options.offerStartTls !== false;
        const mechanisms = options.authMechanisms ?? ['PLAIN', 'LOGIN'];
        const auth = this.secure && options.users ? [`AUTH ${mechanisms.join(' ')}`] : [];
        this.write(
          reply(250, ['localhost', ...(startTls ? ['STARTTLS'] : []), ...auth, '8BITMIME', 'SIZE 10485760']),
        );
        return undefined;
      }
      case 'HELO':
        this.greeted = true;
        this.write(reply(250, ['localhost']));
        return undefined;
      case 'STARTTLS':
        if (this.secure || options.offerStartTls === false || options.mode === 'implicit') {
          this.write(reply(502, ['5.5.1 STARTTLS not available']));
          return undefined;
        }
        this.write(reply(220, ['2.0.0 Ready to start TLS']));
        this.upgrade();
        return 'upgraded';
      case 'AUTH':
        return this.startAuth(argument);
      case 'MAIL': {
        const from = /^FROM:/i.test(argument) ? path(argument.slice(5)) : undefined;
        if (!this.greeted || from === undefined)
          this.write(reply(501, ['5.5.4 Syntax: MAIL FROM:<address>']));
        else if (options.users && !this.user) this.write(reply(530, ['5.7.0 Authentication required']));
        else {
          const refusal = this.server.takeRefusal('MAIL');
          if (refusal) this.write(reply(refusal, ['Sender refused for the test']));
          else {
            this.from = from;
            this.to = [];
            this.write(reply(250, ['2.1.0 Ok']));
          }
        }
        return undefined;
      }
      case 'RCPT': {
        const to = /^TO:/i.test(argument) ? path(argument.slice(3)) : undefined;
        if (this.from === undefined) this.write(reply(503, ['5.5.1 MAIL first']));
        else if (!to) this.write(reply(501, ['5.5.4 Syntax: RCPT TO:<address>']));
        else {
          const refusal = this.server.takeRefusal('RCPT');
          if (refusal) this.write(reply(refusal, ['Recipient refused for the test']));
          else {
            this.to.push(to);
            this.write(reply(250, ['2.1.5 Ok']));
          }
        }
        return undefined;
      }
      case 'DATA':
        if (this.to.length === 0) this.write(reply(503, ['5.5.1 RCPT first']));
        else {
          this.data = [];
          this.write(reply(354, ['End data with <CR><LF>.<CR><LF>']));
        }
        return undefined;
      case 'RSET':
        this.from = undefined;
        this.to = [];
        this.write(reply(250, ['2.0.0 Ok']));
        return undefined;
      case 'NOOP':
        this.write(reply(250, ['2.0.0 Ok']));
        return undefined;
      case 'QUIT':
        this.write(reply(221, ['2.0.0 Bye']));
        this.stream.end();
        return undefined;
      default:
        this.write(reply(502, ['5.5.2 Command not recognized']));
        return undefined;
    }
  }

  /** STARTTLS: the dialogue starts again over TLS on the same connection (RFC 3207: a new EHLO, no login kept). */
  private upgrade(): void {
    const plain = this.stream;
    plain.removeAllListeners('data');
    const tls = new TLSSocket(plain, {
      isServer: true,
      key: this.server.tls.key,
      cert: this.server.tls.cert,
    });
    this.secure = true;
    this.greeted = false;
    this.user = undefined;
    this.from = undefined;
    this.to = [];
    const rest = this.buffer;
    this.buffer = '';
    if (rest) this.server.lines.push({ line: `(sent before the TLS handshake: ${rest})`, secure: false });
    this.attach(tls);
  }

  private startAuth(argument: string): undefined {
    const [given = '', initial] = argument.split(' ');
    const mechanism = given.toUpperCase();
    const offered = (this.server.options.authMechanisms ?? ['PLAIN', 'LOGIN']) as string[];
    if (!this.secure) this.write(reply(538, ['5.7.11 Encryption required for requested authentication']));
    else if (!this.server.options.users) this.write(reply(503, ['5.5.1 AUTH not available']));
    else if (this.user) this.write(reply(503, ['5.5.1 Already authenticated']));
    else if (!offered.includes(mechanism)) this.write(reply(504, ['5.5.4 Unrecognized authentication type']));
    else if (mechanism === 'PLAIN') {
      if (initial) this.plain(initial);
      else {
        this.auth = { mechanism: 'PLAIN' };
        this.write('334 \r\n');
      }
    } else {
      if (initial) this.auth = { mechanism: 'LOGIN', user: Buffer.from(initial, 'base64').toString('utf8') };
      else this.auth = { mechanism: 'LOGIN' };
      this.write(`334 ${Buffer.from(initial ? 'Password:' : 'Username:').toString('base64')}\r\n`);
    }
    return undefined;
  }

  private authLine(line: string): void {
    const auth = this.auth;
    if (!auth) return;
    if (line === '*') {
      this.auth = undefined;
      this.write(reply(501, ['5.7.0 Authentication cancelled']));
    } else if (auth.mechanism === 'PLAIN') {
      this.auth = undefined;
      this.plain(line);
    } else if (auth.user === undefined) {
      this.auth = { mechanism: 'LOGIN', user: Buffer.from(line, 'base64').toString('utf8') };
      this.write(`334 ${Buffer.from('Password:').toString('base64')}\r\n`);
    } else {
      this.auth = undefined;
      this.check(auth.user, Buffer.from(line, 'base64').toString('utf8'));
    }
  }

  /** AUTH PLAIN's message: authorization identity, NUL, user, NUL, password (RFC 4616). */
  private plain(encoded: string): void {
    const [, user = '', password = ''] = Buffer.from(encoded, 'base64').toString('utf8').split('\0');
    this.check(user, password);
  }

  private check(user: string, password: string): void {
    const users = this.server.options.users ?? {};
    if (Object.hasOwn(users, user) && users[user] === password) {
      this.user = user;
      this.write(reply(235, ['2.7.0 Authentication successful']));
    } else this.write(reply(535, ['5.7.8 Authentication credentials invalid']));
  }
}

/** The test SMTP server; start it with TestSmtpServer.start. */
export class TestSmtpServer {
  /** Every message accepted, in order. */
  readonly messages: ReceivedMail[] = [];
  /** Every command line received, in order, with whether it came over TLS. */
  readonly lines: ReceivedLine[] = [];
  private readonly refusals: Array<{ stage: Stage; code: number }> = [];
  private readonly sockets = new Set<Socket>();
  private server: Server;
  private port = 0;

  private constructor(
    readonly options: SmtpServerOptions,
    /** The server's key and certificate, and the CA that issued the certificate (what a client must trust). */
    readonly tls: ServerTls,
  ) {
    this.server = this.listener();
  }

  /** Starts a server on 127.0.0.1 and a free port, with a fresh test CA. */
  static async start(options: SmtpServerOptions = {}): Promise<TestSmtpServer> {
    const server = new TestSmtpServer(options, await serverTls());
    await server.listen(0);
    return server;
  }

  /** The port it listens on (kept when it is down, so that it comes back on the same one). */
  get address(): { host: string; port: number } {
    return { host: '127.0.0.1', port: this.port };
  }

  /** The next `times` commands of `stage` get `code` (a 4xx: try later; a 5xx: never) instead of being accepted. */
  refuse(stage: Stage, code: number, times = 1): void {
    for (let i = 0; i < times; i++) this.refusals.push({ stage, code });
  }

  /** The code of a pending refusal of `stage`, taken; undefined when none. */
  takeRefusal(stage: Stage): number | undefined {
    const index = this.refusals.findIndex((r) => r.stage === stage);
    if (index < 0) return undefined;
    const [refusal] = this.refusals.splice(index, 1);
    return refusal?.code;
  }

  /** Down: stops listening and cuts every connection (clients get ECONNREFUSED). */
  async down(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Up again on the same port after down(). */
  async up(): Promise<void> {
    this.server = this.listener();
    await this.listen(this.port);
  }

  /** Stops the server for good. */
  async close(): Promise<void> {
    if (this.server.listening) await this.down();
  }

  private listener(): Server {
    const onConnection = (socket: Socket, secure: boolean) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      new Session(this, socket, secure);
    };
    return this.options.mode === 'implicit'
      ? createTlsServer({ key: this.tls.key, cert: this.tls.cert }, (socket) => onConnection(socket, true))
      : createServer((socket) => onConnection(socket, false));
  }

  private async listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as { port: number }).port;
  }
}
