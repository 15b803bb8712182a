import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';

/**
 * UDP pieces of the RADIUS tests, all on loopback with ports the system picks: a free port for FreeRADIUS, a relay
 * that drops the first datagrams (retransmission), and a scripted NAS whose replies the test writes (hostile ones
 * included).
 */

/** Binds a UDP socket on loopback (127.0.0.1, or ::1 with `ipv6`) to a port the system picks. */
export function bindLoopback(ipv6 = false): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket(ipv6 ? 'udp6' : 'udp4');
    socket.once('error', reject);
    socket.bind(0, ipv6 ? '::1' : '127.0.0.1', () => resolve(socket));
  });
}

/** A UDP port free on loopback now (bound, read, released) for a process that binds it itself. */
export async function freeUdpPort(): Promise<number> {
  const socket = await bindLoopback();
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

const closeSocket = (socket: Socket) => new Promise<void>((resolve) => socket.close(() => resolve()));

/** Forwards datagrams to `target` and its replies back, dropping the first `drop` datagrams of the client. */
export class DroppingRelay {
  /** Datagrams from the client, dropped and forwarded, and replies passed back. */
  readonly seen = { dropped: 0, forwarded: 0, replies: 0 };
  /** Every datagram from the client, dropped or not, in order. */
  readonly datagrams: Buffer[] = [];
  private constructor(
    private readonly front: Socket,
    private readonly back: Socket,
  ) {}

  /** Starts a relay on a loopback port to `target` (127.0.0.1). */
  static async start(targetPort: number, drop: number): Promise<DroppingRelay> {
    const relay = new DroppingRelay(await bindLoopback(), await bindLoopback());
    let client: RemoteInfo | undefined;
    relay.front.on('message', (message, from) => {
      client = from;
      relay.datagrams.push(message);
      if (relay.seen.dropped < drop) {
        relay.seen.dropped++;
        return;
      }
      relay.seen.forwarded++;
      relay.back.send(message, targetPort, '127.0.0.1');
    });
    relay.back.on('message', (message) => {
      if (!client) return;
      relay.seen.replies++;
      relay.front.send(message, client.port, client.address);
    });
    return relay;
  }

  /** The port the client sends to. */
  get port(): number {
    return this.front.address().port;
  }

  async close(): Promise<void> {
    await Promise.all([closeSocket(this.front), closeSocket(this.back)]);
  }
}

/** What a scripted NAS does with a datagram: `reply` sends from the NAS's own port, `socket` is there for others. */
export type NasScript = (request: Buffer, from: RemoteInfo, reply: (datagram: Buffer) => void) => void;

/** A NAS written by the test: every datagram it receives goes to the script, which answers as it likes. */
export class ScriptedNas {
  /** Every datagram received, in order. */
  readonly received: Buffer[] = [];
  private constructor(private readonly socket: Socket) {}

  /** Starts the NAS on 127.0.0.1 (or ::1 with `ipv6`). */
  static async start(script: NasScript, ipv6 = false): Promise<ScriptedNas> {
    const nas = new ScriptedNas(await bindLoopback(ipv6));
    nas.socket.on('message', (message, from) => {
      nas.received.push(message);
      script(message, from, (datagram) => nas.socket.send(datagram, from.port, from.address));
    });
    return nas;
  }

  get port(): number {
    return this.socket.address().port;
  }

  close(): Promise<void> {
    return closeSocket(this.socket);
  }
}
