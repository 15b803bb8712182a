import { randomInt } from 'node:crypto';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { MbprovError } from '@mbprov/core';
import type { Logger } from '../context.ts';
import { ATTRIBUTES, attribute, ERROR_CAUSES, type RawAttribute, readAttribute } from './attributes.ts';
import {
  checkResponse,
  messageAuthenticatorPlaceholder,
  type Secret,
  signRequest,
} from './authenticators.ts';
import { decodePacket, PacketCode, type RadiusPacket } from './packet.ts';

/**
 * The RFC 5176 Dynamic Authorization client: Disconnect-Request and CoA-Request over UDP to the NAS that holds a
 * session, with the NAS's shared secret. Requests carry a Message-Authenticator (RFC 3579; RFC 5176 section 3.3)
 * and an Event-Timestamp (replay protection, section 3.5); they are retransmitted unchanged (same Identifier and
 * authenticator, RFC 5080 section 2.2.1) with doubling waits until an overall deadline. A reply counts only when it
 * comes from the NAS's address and port, answers an outstanding Identifier with the right code, and its Response
 * Authenticator (and Message-Authenticator, when present or required) verify; anything else is logged without
 * secrets and ignored, so a hostile datagram never ends a request nor throws.
 */

/** Where Disconnect and CoA requests go. */
export interface NasTarget {
  /** A name for the log (the configured one). */
  readonly name: string;
  /** The NAS's IP address (IPv4 or IPv6); replies must come from it. */
  readonly address: string;
  /** Its Dynamic Authorization port (3799 by RFC 5176). */
  readonly port: number;
  /** The shared secret of this NAS. Never logged. */
  readonly secret: Secret;
}

/**
 * The session to act on, as accounting reported it. The NAS identification attributes (NAS-IP-Address,
 * NAS-Identifier) let the NAS check it is the one meant; at least one session identification attribute is needed.
 */
export interface SessionIdentity {
  readonly acctSessionId?: string;
  readonly acctMultiSessionId?: string;
  readonly userName?: string;
  readonly callingStationId?: string;
  readonly calledStationId?: string;
  readonly framedIpAddress?: string;
  readonly nasIpAddress?: string;
  readonly nasIdentifier?: string;
}

/** How a Disconnect or CoA request ended. */
export type DynamicAuthorizationResult =
  | {
      /** The NAS answered ACK: the session is gone (Disconnect) or changed (CoA). */
      readonly outcome: 'acked';
      /** True: what was asked holds. */
      readonly ok: true;
      /** Datagrams sent (1 when the first was answered). */
      readonly attempts: number;
      /** The verified reply. */
      readonly reply: RadiusPacket;
    }
  | {
      /** The NAS answered NAK. */
      readonly outcome: 'nak';
      /**
       * True for a Disconnect the NAS refused with Error-Cause 503 Session-Context-Not-Found: the session is already
       * gone, which is what was asked. False otherwise.
       */
      readonly ok: boolean;
      readonly attempts: number;
      /** The Error-Cause of the NAK (RFC 5176 section 3.5), when it had one. */
      readonly errorCause?: number;
      /** Its RFC 5176 name, when known. */
      readonly errorCauseName?: string;
      readonly reply: RadiusPacket;
    }
  | {
      /** No verified reply before the deadline (or the client was closed). */
      readonly outcome: 'timeout';
      readonly ok: false;
      readonly attempts: number;
    };

/** Timing and checks of the client. */
export interface DynamicAuthorizationOptions {
  /** Where ignored replies and send failures are logged (never a secret). Default: nowhere. */
  log?: Logger;
  /** The wait before the first retransmission, in ms (default 1000); each next wait doubles, with ±10% jitter. */
  initialTimeoutMs?: number;
  /** The longest wait between two transmissions, in ms (default 8000). */
  maxTimeoutMs?: number;
  /** How long a request may take in all, in ms, before it is a timeout (default 10000). */
  deadlineMs?: number;
  /** Refuse replies without a Message-Authenticator (default false: RFC 5176 NASes need not send one). */
  requireMessageAuthenticator?: boolean;
  /** The clock of Event-Timestamp (default the system clock). */
  clock?: () => Date;
}

/** What one request may change about the client's timing. */
export interface RequestOptions {
  /** This request's overall deadline in ms (default: the client's deadlineMs). */
  deadlineMs?: number;
}

/** Session identification attributes (RFC 5176 section 3): at least one must be sent. */
const SESSION_FIELDS = [
  ['acctSessionId', 'Acct-Session-Id'],
  ['acctMultiSessionId', 'Acct-Multi-Session-Id'],
  ['userName', 'User-Name'],
  ['callingStationId', 'Calling-Station-Id'],
  ['calledStationId', 'Called-Station-Id'],
  ['framedIpAddress', 'Framed-IP-Address'],
] as const;

const SESSION_CONTEXT_NOT_FOUND = 503;

/** One request waiting for its reply. */
interface Pending {
  readonly nas: NasTarget;
  readonly identifier: number;
  readonly authenticator: Buffer;
  readonly replyCodes: readonly [ack: number, nak: number];
  readonly disconnect: boolean;
  attempts: number;
  finish(result: DynamicAuthorizationResult): void;
}

/** The address as the socket reports a sender: IPv6 in its canonical compressed form (RFC 5952). */
export function canonicalAddress(address: string): string {
  return isIPv6(address) ? new URL(`http://[${address}]`).hostname.slice(1, -1) : address;
}

/** Sends RFC 5176 Disconnect and CoA requests and waits for their verified replies; one UDP socket per family. */
export class DynamicAuthorizationClient {
  readonly #options: Required<Omit<DynamicAuthorizationOptions, 'log'>> & { log?: Logger };
  readonly #sockets = new Map<'udp4' | 'udp6', Promise<Socket>>();
  /** Outstanding requests by destination (address and port), then Identifier. */
  readonly #pending = new Map<string, Map<number, Pending>>();
  /** Requests waiting for a free Identifier of their destination (all 256 in use). */
  readonly #waiting = new Map<string, Array<() => void>>();
  /** The next Identifier to try, per destination (round robin, so that a late reply rarely meets a reused one). */
  readonly #next = new Map<string, number>();
  #closed = false;

  constructor(options: DynamicAuthorizationOptions = {}) {
    this.#options = {
      initialTimeoutMs: options.initialTimeoutMs ?? 1000,
      maxTimeoutMs: options.maxTimeoutMs ?? 8000,
      deadlineMs: options.deadlineMs ?? 10_000,
      requireMessageAuthenticator: options.requireMessageAuthenticator ?? false,
      clock: options.clock ?? (() => new Date()),
      ...(options.log ? { log: options.log } : {}),
    };
  }

  /** Asks the NAS to end the session (Disconnect-Request, code 40). */
  disconnect(
    nas: NasTarget,
    session: SessionIdentity,
    options: RequestOptions = {},
  ): Promise<DynamicAuthorizationResult> {
    return this.#request(nas, PacketCode.DisconnectRequest, session, [], options);
  }

  /**
   * Asks the NAS to change the session's authorizations (CoA-Request, code 43): `attributes` (built with
   * `attribute()`, e.g. Session-Timeout, Filter-Id, Vendor-Specific) go after the session identification.
   */
  changeOfAuthorization(
    nas: NasTarget,
    session: SessionIdentity,
    attributes: readonly RawAttribute[],
    options: RequestOptions = {},
  ): Promise<DynamicAuthorizationResult> {
    return this.#request(nas, PacketCode.CoaRequest, session, attributes, options);
  }

  /** Closes the sockets; requests still waiting end as timeouts, and later ones too (without sending). */
  async close(): Promise<void> {
    this.#closed = true;
    for (const byId of this.#pending.values())
      for (const p of [...byId.values()])
        if (p !== RESERVED) p.finish({ outcome: 'timeout', ok: false, attempts: p.attempts });
    for (const wake of [...this.#waiting.values()].flat()) wake();
    const settled = await Promise.allSettled(this.#sockets.values());
    const sockets = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    this.#sockets.clear();
    await Promise.all(sockets.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }

  /** The request's attributes: Message-Authenticator first (RFC 3579 advice), identification, extras, timestamp. */
  #attributes(code: number, session: SessionIdentity, extra: readonly RawAttribute[]): RawAttribute[] {
    const out = [messageAuthenticatorPlaceholder()];
    if (session.nasIpAddress) out.push(attribute('NAS-IP-Address', session.nasIpAddress));
    if (session.nasIdentifier) out.push(attribute('NAS-Identifier', session.nasIdentifier));
    const identification = SESSION_FIELDS.filter(([field]) => session[field]).map(([field, name]) =>
      attribute(name, session[field] as string),
    );
    out.push(...identification);
    if (identification.length === 0)
      throw new MbprovError(
        'MBPROV_RADIUS_VALUE_INVALID',
        `a ${code === PacketCode.DisconnectRequest ? 'Disconnect' : 'CoA'}-Request needs a session identification attribute (Acct-Session-Id, User-Name, Calling-Station-Id, ...)`,
      );
    for (const a of extra) {
      if (
        a.type === ATTRIBUTES['Message-Authenticator'].type ||
        a.type === ATTRIBUTES['Event-Timestamp'].type
      )
        throw new MbprovError(
          'MBPROV_RADIUS_VALUE_INVALID',
          'the client adds Message-Authenticator and Event-Timestamp itself',
        );
      out.push(a);
    }
    out.push(attribute('Event-Timestamp', this.#options.clock()));
    return out;
  }

  async #request(
    nas: NasTarget,
    code: number,
    session: SessionIdentity,
    extra: readonly RawAttribute[],
    options: RequestOptions,
  ): Promise<DynamicAuthorizationResult> {
    const attributes = this.#attributes(code, session, extra);
    if (this.#closed) return { outcome: 'timeout', ok: false, attempts: 0 };
    const started = performance.now();
    const deadlineMs = options.deadlineMs ?? this.#options.deadlineMs;
    const destination = `${canonicalAddress(nas.address)}|${nas.port}`;
    const socket = await this.#socket(isIPv6(nas.address) ? 'udp6' : 'udp4');
    const identifier = await this.#takeIdentifier(destination, started + deadlineMs);
    if (identifier === undefined) return { outcome: 'timeout', ok: false, attempts: 0 };
    let datagram: Buffer;
    try {
      datagram = signRequest({ code, identifier, attributes }, nas.secret);
    } catch (error) {
      this.#releaseIdentifier(destination, identifier);
      throw error;
    }
    const disconnect = code === PacketCode.DisconnectRequest;
    return new Promise<DynamicAuthorizationResult>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const pending: Pending = {
        nas,
        identifier,
        authenticator: datagram.subarray(4, 20),
        replyCodes: disconnect
          ? [PacketCode.DisconnectAck, PacketCode.DisconnectNak]
          : [PacketCode.CoaAck, PacketCode.CoaNak],
        disconnect,
        attempts: 0,
        finish: (result) => {
          clearTimeout(timer);
          this.#releaseIdentifier(destination, identifier);
          resolve(result);
        },
      };
      this.#pending.get(destination)?.set(identifier, pending);
      let wait = this.#options.initialTimeoutMs;
      const transmit = () => {
        const left = started + deadlineMs - performance.now();
        if (left <= 0 || this.#closed) {
          pending.finish({ outcome: 'timeout', ok: false, attempts: pending.attempts });
          return;
        }
        pending.attempts += 1;
        socket.send(datagram, nas.port, nas.address, (error) => {
          if (error)
            this.#options.log?.warn(
              {
                nas: nas.name,
                address: nas.address,
                port: nas.port,
                identifier,
                code: (error as NodeJS.ErrnoException).code,
              },
              'RADIUS request not sent; retrying',
            );
        });
        const jittered = wait * (0.9 + Math.random() * 0.2);
        timer = setTimeout(transmit, Math.min(jittered, left));
        wait = Math.min(wait * 2, this.#options.maxTimeoutMs);
      };
      transmit();
    });
  }

  /** A free Identifier for the destination, waiting for one when all 256 are in use; undefined past `until`. */
  async #takeIdentifier(destination: string, until: number): Promise<number | undefined> {
    for (;;) {
      if (this.#closed) return undefined;
      const start = this.#next.get(destination) ?? randomInt(256);
      for (let i = 0; i < 256; i++) {
        const id = (start + i) % 256;
        const inUse = this.#pending.get(destination) ?? new Map<number, Pending>();
        if (!inUse.has(id)) {
          this.#next.set(destination, (id + 1) % 256);
          // Reserved at once: another request's continuation may run before the caller registers it.
          this.#pending.set(destination, inUse.set(id, RESERVED));
          return id;
        }
      }
      const left = until - performance.now();
      if (left <= 0) return undefined;
      await new Promise<void>((resolve) => {
        const queue = this.#waiting.get(destination) ?? [];
        this.#waiting.set(destination, queue);
        const timer = setTimeout(() => {
          queue.splice(queue.indexOf(wake), 1);
          resolve();
        }, left);
        const wake = () => {
          clearTimeout(timer);
          resolve();
        };
        queue.push(wake);
      });
    }
  }

  #releaseIdentifier(destination: string, identifier: number): void {
    const byId = this.#pending.get(destination);
    byId?.delete(identifier);
    if (byId?.size === 0) this.#pending.delete(destination);
    this.#waiting.get(destination)?.shift()?.();
  }

  #socket(family: 'udp4' | 'udp6'): Promise<Socket> {
    let socket = this.#sockets.get(family);
    if (!socket) {
      socket = new Promise<Socket>((resolve, reject) => {
        const s = createSocket(family);
        s.on('message', (message, from) => this.#receive(message, from));
        // Errors of an unconnected UDP socket are per send (handled there); never let one crash the portal.
        s.on('error', (error) =>
          this.#options.log?.warn({ code: (error as NodeJS.ErrnoException).code }, 'RADIUS socket error'),
        );
        const bindFailed = (error: Error) => {
          // A socket that could not bind is not kept: the next request tries a new one.
          this.#sockets.delete(family);
          s.close();
          reject(error);
        };
        s.once('error', bindFailed);
        s.once('listening', () => {
          s.off('error', bindFailed);
          // An idle client does not hold the process open; a waiting request's timer does.
          s.unref();
          resolve(s);
        });
        s.bind(0);
      });
      this.#sockets.set(family, socket);
    }
    return socket;
  }

  /** A datagram on the socket: finishes the request it answers when everything checks, else logs and drops it. */
  #receive(message: Buffer, from: RemoteInfo): void {
    const log = this.#options.log;
    const sender = { address: from.address, port: from.port, size: message.length };
    const pending =
      message.length >= 2
        ? this.#pending.get(`${canonicalAddress(from.address)}|${from.port}`)?.get(message[1] as number)
        : undefined;
    if (!pending || pending === RESERVED) {
      log?.info({ ...sender }, 'RADIUS datagram ignored: no request of this sender waits for its identifier');
      return;
    }
    const who = { ...sender, nas: pending.nas.name, identifier: pending.identifier };
    const [ack, nak] = pending.replyCodes;
    if (message[0] !== ack && message[0] !== nak) {
      log?.warn({ ...who, code: message[0] }, 'RADIUS reply ignored: not an ACK or NAK of the request');
      return;
    }
    const check = checkResponse(
      message,
      pending.authenticator,
      pending.nas.secret,
      this.#options.requireMessageAuthenticator,
    );
    if (check !== 'valid') {
      log?.warn({ ...who, check }, 'RADIUS reply ignored: it does not verify with the shared secret');
      return;
    }
    const reply = decodePacket(message);
    if (reply.code === ack) {
      pending.finish({ outcome: 'acked', ok: true, attempts: pending.attempts, reply });
      return;
    }
    const errorCause = readAttribute(reply.attributes, 'Error-Cause');
    const errorCauseName =
      errorCause === undefined ? undefined : ERROR_CAUSES[errorCause as keyof typeof ERROR_CAUSES];
    pending.finish({
      outcome: 'nak',
      ok: pending.disconnect && errorCause === SESSION_CONTEXT_NOT_FOUND,
      attempts: pending.attempts,
      ...(errorCause === undefined ? {} : { errorCause }),
      ...(errorCauseName === undefined ? {} : { errorCauseName }),
      reply,
    });
  }
}

/** The mark of an Identifier taken but not yet registered (between takeIdentifier and the request's map entry). */
const RESERVED = {} as Pending;
