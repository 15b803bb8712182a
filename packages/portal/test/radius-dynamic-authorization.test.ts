// The RFC 5176 client (packages/portal/src/radius/dynamic-authorization.ts) against a real Dynamic Authorization
// server, FreeRADIUS 3 from Debian in the foreground (helpers/freeradius-coa.ts): Disconnect and CoA requests
// that FreeRADIUS verifies (Request Authenticator and Message-Authenticator) and decodes, ACK and NAK mapped to the
// results (NAK 503 on a Disconnect: already gone), a wrong secret refused by FreeRADIUS and so a timeout, a first
// datagram lost on the way and the retransmission answered. Then against a NAS scripted here: hostile replies
// (another port, a wrong secret, a wrong code, garbage, no Message-Authenticator when required) ignored and logged
// without the secret, never ending the request; 300 requests at once sharing the 256 identifiers; close(). And
// radclient as an independent implementation: its requests decoded and verified here, our replies verified there.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { Logger } from '../src/context.ts';
import { attribute, readAttribute } from '../src/radius/attributes.ts';
import { checkRequest, messageAuthenticatorPlaceholder, signResponse } from '../src/radius/authenticators.ts';
import {
  DynamicAuthorizationClient,
  type DynamicAuthorizationOptions,
  type NasTarget,
} from '../src/radius/dynamic-authorization.ts';
import { configuredNases, endSession } from '../src/radius/nas.ts';
import { decodePacket, encodePacket, PacketCode } from '../src/radius/packet.ts';
import { FreeRadiusCoa } from './helpers/freeradius-coa.ts';
import { bindLoopback, DroppingRelay, ScriptedNas } from './helpers/radius-udp.ts';

const SECRET = 'nas-shared-secret-7f3a9c';
const KNOWN = ['sess-known-1', 'sess-known-2', 'sess-relay', 'sess-coa', 'sess-end-coa', 'sess-end-disc'];
const NOW = new Date('2031-05-06T07:08:09Z');
const guard = { timeout: 120_000 };

/** Log records kept for assertions. */
function memoryLog(): Logger & { records: Array<{ level: string; obj: object; msg?: string }> } {
  const records: Array<{ level: string; obj: object; msg?: string }> = [];
  const at =
    (level: string) =>
    (obj: object, msg?: string): void => {
      records.push({ level, obj, ...(msg === undefined ? {} : { msg }) });
    };
  return { records, info: at('info'), warn: at('warn'), error: at('error') };
}

/** A client whose first wait (5 s) and deadline (30 s) leave a loaded machine time to answer the first datagram. */
function client(options: DynamicAuthorizationOptions = {}): DynamicAuthorizationClient {
  return new DynamicAuthorizationClient({
    initialTimeoutMs: 5000,
    deadlineMs: 30_000,
    clock: () => NOW,
    ...options,
  });
}

describe('Disconnect and CoA against FreeRADIUS', () => {
  let server: FreeRadiusCoa;
  let nas: NasTarget;
  const dac = client();

  before(async () => {
    server = await FreeRadiusCoa.start(SECRET, KNOWN);
    nas = { name: 'freeradius', address: '127.0.0.1', port: server.port, secret: SECRET };
  });
  after(async () => {
    await dac.close();
    await server?.stop();
  });

  const loggedFor = (session: string) =>
    server.received().filter((r) => r.attributes['Acct-Session-Id'] === session);

  it('sends a Disconnect-Request FreeRADIUS verifies and decodes, and maps its ACK', guard, async () => {
    const result = await dac.disconnect(nas, {
      acctSessionId: 'sess-known-1',
      userName: 'alice@wifi.example',
      callingStationId: '02-00-5E-10-00-01',
      framedIpAddress: '10.20.30.40',
      nasIpAddress: '192.0.2.10',
      nasIdentifier: 'ap-lobby',
    });
    assert.equal(result.outcome, 'acked');
    assert.equal(result.ok, true);
    assert.equal(result.attempts, 1);
    const [logged] = loggedFor('sess-known-1');
    assert.ok(logged, 'FreeRADIUS logged the request');
    assert.equal(logged.type, 'Disconnect-Request');
    assert.equal(logged.attributes['User-Name'], 'alice@wifi.example');
    assert.equal(logged.attributes['Calling-Station-Id'], '02-00-5E-10-00-01');
    assert.equal(logged.attributes['Framed-IP-Address'], '10.20.30.40');
    assert.equal(logged.attributes['NAS-IP-Address'], '192.0.2.10');
    assert.equal(logged.attributes['NAS-Identifier'], 'ap-lobby');
    assert.equal(Date.parse(String(logged.attributes['Event-Timestamp'])), NOW.getTime());
    // FreeRADIUS drops a request whose Message-Authenticator does not verify: that it answered proves ours.
    assert.match(String(logged.attributes['Message-Authenticator']), /^0x[0-9a-f]{32}$/);
  });

  it('maps a Disconnect-NAK with Session-Context-Not-Found to "already gone"', guard, async () => {
    const result = await dac.disconnect(nas, { acctSessionId: 'sess-unknown', userName: 'bob' });
    assert.equal(result.outcome, 'nak');
    assert.equal(result.ok, true);
    assert.ok(result.outcome === 'nak');
    assert.equal(result.errorCause, 503);
    assert.equal(result.errorCauseName, 'Session-Context-Not-Found');
    assert.equal(loggedFor('sess-unknown')[0]?.type, 'Disconnect-Request');
  });

  it('sends a CoA-Request with extra attributes; its NAK 503 is not a success', guard, async () => {
    const extra = [
      attribute('Filter-Id', 'walled-garden'),
      attribute('Session-Timeout', 600),
      attribute('Vendor-Specific', { vendorId: 14122, data: Buffer.from([4, 8, ...Buffer.from('garden')]) }),
    ];
    const acked = await dac.changeOfAuthorization(nas, { acctSessionId: 'sess-coa' }, extra);
    assert.equal(acked.outcome, 'acked');
    const [logged] = loggedFor('sess-coa');
    assert.equal(logged?.type, 'CoA-Request');
    assert.equal(logged?.attributes['Filter-Id'], 'walled-garden');
    assert.equal(logged?.attributes['Session-Timeout'], 600);
    // 14122 is WISPr; its attribute 4 is WISPr-Redirection-URL in FreeRADIUS's dictionary.
    assert.equal(logged?.attributes['WISPr-Redirection-URL'], 'garden');

    const nak = await dac.changeOfAuthorization(nas, { acctSessionId: 'sess-coa-unknown' }, extra);
    assert.equal(nak.outcome, 'nak');
    assert.equal(nak.ok, false);
    assert.ok(nak.outcome === 'nak');
    assert.equal(nak.errorCause, 503);
  });

  it('times out when the secret is wrong: FreeRADIUS refuses the request', guard, async () => {
    const wrong = client({ initialTimeoutMs: 200, deadlineMs: 3000 });
    try {
      const result = await wrong.disconnect(
        { ...nas, secret: 'not-the-nas-secret-000' },
        { acctSessionId: 'sess-known-2' },
      );
      assert.equal(result.outcome, 'timeout');
      assert.equal(result.ok, false);
      assert.ok(result.attempts >= 2, `${result.attempts} attempts`);
    } finally {
      await wrong.close();
    }
    await server.waitFor(
      /Dropping packet without response because of error: Received packet from 127\.0\.0\.1 with invalid Message-Authenticator! {2}\(Shared secret is incorrect\.\)/,
    );
    assert.deepEqual(loggedFor('sess-known-2'), [], 'FreeRADIUS never accepted it');
  });

  it(
    'retransmits when the first datagram is lost, with the same identifier and authenticator',
    guard,
    async () => {
      const relay = await DroppingRelay.start(server.port, 1);
      const quick = client({ initialTimeoutMs: 300 });
      try {
        const result = await quick.disconnect({ ...nas, port: relay.port }, { acctSessionId: 'sess-relay' });
        assert.equal(result.outcome, 'acked');
        // Two, or more when a loaded machine answers after the next wait (FreeRADIUS answers a duplicate from its
        // cache without running recv-coa again).
        assert.ok(result.attempts >= 2, `${result.attempts} attempts`);
        assert.equal(relay.seen.dropped, 1);
        assert.ok(relay.seen.forwarded >= 1);
        const [first, ...again] = relay.datagrams;
        for (const datagram of again)
          assert.deepEqual(datagram, first, 'a retransmission is the same datagram');
        assert.equal(loggedFor('sess-relay').length, 1);
      } finally {
        await quick.close();
        await relay.close();
      }
    },
  );

  it(
    'ends a session the configured way (endSession): CoA to the walled garden, or Disconnect',
    guard,
    async () => {
      const env = { RADIUS_SECRET: SECRET };
      const [coa, disconnect] = configuredNases(
        [
          {
            name: 'gw-coa',
            address: '127.0.0.1',
            coaPort: server.port,
            secretEnv: 'RADIUS_SECRET',
            action: 'coa',
            coaFilterId: 'walled-garden',
            timeoutSeconds: 30,
          },
          {
            name: 'gw-disconnect',
            address: '127.0.0.1',
            coaPort: server.port,
            secretEnv: 'RADIUS_SECRET',
            action: 'disconnect',
            timeoutSeconds: 30,
          },
        ],
        env,
      );
      assert.ok(coa && disconnect);
      const coaResult = await endSession(dac, coa, { acctSessionId: 'sess-end-coa', userName: 'carol' });
      assert.equal(coaResult.outcome, 'acked');
      assert.equal(loggedFor('sess-end-coa')[0]?.type, 'CoA-Request');
      assert.equal(loggedFor('sess-end-coa')[0]?.attributes['Filter-Id'], 'walled-garden');
      const discResult = await endSession(dac, disconnect, { acctSessionId: 'sess-end-disc' });
      assert.equal(discResult.outcome, 'acked');
      assert.equal(loggedFor('sess-end-disc')[0]?.type, 'Disconnect-Request');
    },
  );
});

describe('Replies from a scripted NAS', () => {
  /** A reply to `request` (decoded) with `code`, signed with `secret`. */
  function replyTo(
    request: Buffer,
    code: number,
    secret = SECRET,
    attributes = [messageAuthenticatorPlaceholder()],
  ) {
    const packet = decodePacket(request);
    return signResponse({ code, identifier: packet.identifier, attributes }, packet.authenticator, secret);
  }

  it('ignores hostile replies, logs them without the secret, and takes the genuine one', guard, async () => {
    const attacker = await bindLoopback();
    const nas = await ScriptedNas.start((request, from, reply) => {
      const id = request[1] as number;
      // From another port, correctly signed: not the NAS.
      attacker.send(replyTo(request, PacketCode.DisconnectAck), from.port, from.address);
      reply(replyTo(request, PacketCode.DisconnectAck, 'another-secret-entirely')); // wrong secret
      reply(replyTo(request, PacketCode.CoaAck)); // an answer to another kind of request
      reply(replyTo(request, PacketCode.AccessAccept));
      reply(Buffer.from([PacketCode.DisconnectAck, id, 0])); // garbage
      reply(Buffer.from([PacketCode.DisconnectAck, id, 0, 200, ...Buffer.alloc(30)])); // Length past the datagram
      reply(Buffer.from([PacketCode.DisconnectAck, (id + 1) % 256, ...replyTo(request, 41).subarray(2)])); // other id
      setTimeout(() => reply(replyTo(request, PacketCode.DisconnectAck)), 100);
    });
    const log = memoryLog();
    const dac = client({ log });
    try {
      const result = await dac.disconnect(
        { name: 'scripted', address: '127.0.0.1', port: nas.port, secret: SECRET },
        { acctSessionId: 'hostile' },
      );
      assert.equal(result.outcome, 'acked');
      assert.equal(result.attempts, 1);
      const warned = log.records
        .filter((r) => r.level === 'warn')
        .map((r) => r.obj as Record<string, unknown>);
      assert.ok(
        warned.some((r) => r.check === 'bad-authenticator'),
        'the wrong secret was noticed',
      );
      assert.ok(
        warned.some((r) => r.check === 'malformed'),
        'the garbage was noticed',
      );
      assert.ok(warned.some((r) => r.code === PacketCode.CoaAck));
      assert.ok(
        log.records.some(
          (r) => r.level === 'info' && (r.obj as { port?: number }).port === attacker.address().port,
        ),
      );
      const text = JSON.stringify(log.records);
      assert.ok(!text.includes(SECRET) && !text.includes('another-secret-entirely'), 'no secret in the log');
    } finally {
      await dac.close();
      await nas.close();
      await new Promise<void>((resolve) => attacker.close(() => resolve()));
    }
  });

  it('talks to an IPv6 NAS, matching replies whatever way its address is written', guard, async () => {
    const nas = await ScriptedNas.start((request, _from, reply) => {
      reply(replyTo(request, PacketCode.CoaAck));
    }, true);
    const dac = client();
    try {
      const result = await dac.changeOfAuthorization(
        { name: 'v6', address: '0:0:0:0:0:0:0:1', port: nas.port, secret: SECRET },
        { acctSessionId: 'v6-session' },
        [attribute('Session-Timeout', 60)],
      );
      assert.deepEqual([result.outcome, result.attempts], ['acked', 1]);
    } finally {
      await dac.close();
      await nas.close();
    }
  });

  it(
    'maps NAKs: a Disconnect NAK without Error-Cause, or with another cause, is not a success',
    guard,
    async () => {
      const nas = await ScriptedNas.start((request, _from, reply) => {
        const session = readAttribute(decodePacket(request).attributes, 'Acct-Session-Id');
        const cause = session === 'prohibited' ? [attribute('Error-Cause', 501)] : [];
        reply(replyTo(request, PacketCode.DisconnectNak, SECRET, cause));
      });
      const dac = client();
      const target = { name: 'scripted', address: '127.0.0.1', port: nas.port, secret: SECRET };
      try {
        const bare = await dac.disconnect(target, { acctSessionId: 'x' });
        assert.deepEqual([bare.outcome, bare.ok], ['nak', false]);
        assert.ok(bare.outcome === 'nak' && bare.errorCause === undefined);
        const prohibited = await dac.disconnect(target, { acctSessionId: 'prohibited' });
        assert.ok(prohibited.outcome === 'nak');
        assert.deepEqual(
          [prohibited.ok, prohibited.errorCause, prohibited.errorCauseName],
          [false, 501, 'Administratively-Prohibited'],
        );
      } finally {
        await dac.close();
        await nas.close();
      }
    },
  );

  it('requires a Message-Authenticator in replies when told to', guard, async () => {
    const nas = await ScriptedNas.start((request, _from, reply) => {
      reply(replyTo(request, PacketCode.DisconnectAck, SECRET, []));
    });
    const strict = client({ requireMessageAuthenticator: true, initialTimeoutMs: 200, deadlineMs: 1000 });
    const lenient = client();
    const target = { name: 'scripted', address: '127.0.0.1', port: nas.port, secret: SECRET };
    try {
      assert.equal((await strict.disconnect(target, { acctSessionId: 'x' })).outcome, 'timeout');
      assert.equal((await lenient.disconnect(target, { acctSessionId: 'x' })).outcome, 'acked');
    } finally {
      await strict.close();
      await lenient.close();
      await nas.close();
    }
  });

  it('shares the 256 identifiers among 300 requests at once: never two alike in flight', guard, async () => {
    const held: Array<() => void> = [];
    const inFlight = new Map<number, string>();
    let collisions = 0;
    let releasing = false;
    const nas = await ScriptedNas.start((request, _from, reply) => {
      const id = request[1] as number;
      const authenticator = request.subarray(4, 20).toString('hex');
      const known = inFlight.get(id);
      if (known === authenticator) return; // a retransmission
      if (known !== undefined) collisions++;
      inFlight.set(id, authenticator);
      const answer = () => {
        inFlight.delete(id);
        reply(replyTo(request, PacketCode.DisconnectAck));
      };
      if (releasing) answer();
      else {
        held.push(answer);
        // Hold the replies until every identifier is taken: the 44 others must wait for one to come free.
        if (held.length === 256) {
          releasing = true;
          for (const release of held) release();
        }
      }
    });
    const dac = client({ initialTimeoutMs: 20_000, deadlineMs: 100_000 });
    const target = { name: 'scripted', address: '127.0.0.1', port: nas.port, secret: SECRET };
    try {
      const results = await Promise.all(
        Array.from({ length: 300 }, (_, i) => dac.disconnect(target, { acctSessionId: `s${i}` })),
      );
      assert.deepEqual(
        results.map((r) => r.outcome),
        Array(300).fill('acked'),
      );
      assert.equal(collisions, 0);
      assert.equal(held.length, 256);
    } finally {
      await dac.close();
      await nas.close();
    }
  });

  it(
    'refuses to send without a session identification attribute, and ends waiting requests on close',
    guard,
    async () => {
      const nas = await ScriptedNas.start(() => {});
      const dac = client();
      const target = { name: 'silent', address: '127.0.0.1', port: nas.port, secret: SECRET };
      try {
        await assert.rejects(dac.disconnect(target, { nasIpAddress: '192.0.2.1' }), {
          code: 'MBPROV_RADIUS_VALUE_INVALID',
        });
        await assert.rejects(
          dac.changeOfAuthorization(target, { userName: 'x' }, [attribute('Event-Timestamp', NOW)]),
          { code: 'MBPROV_RADIUS_VALUE_INVALID' },
        );
        const waiting = dac.disconnect(target, { userName: 'x' });
        while (nas.received.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
        await dac.close();
        const result = await waiting;
        assert.deepEqual([result.outcome, result.attempts], ['timeout', 1]);
        assert.equal(checkRequest(nas.received[0] as Buffer, SECRET), 'valid');
        const later = await dac.disconnect(target, { userName: 'y' });
        assert.deepEqual([later.outcome, later.attempts], ['timeout', 0]);
        assert.equal(nas.received.length, 1, 'nothing is sent after close');
      } finally {
        await dac.close();
        await nas.close();
      }
    },
  );
});

/** Runs radclient with `input` on stdin; resolves with its exit status and output. */
function radclient(args: string[], input: string): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('radclient', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => {
      output += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      output += c.toString();
    });
    child.on('error', reject);
    child.on('exit', (status) => resolve({ status, output }));
    child.stdin.end(input);
  });
}

describe('radclient (FreeRADIUS) as the other side', () => {
  it(
    'its Disconnect-Request decodes and verifies here; our signed ACK and NAK verify there',
    guard,
    async () => {
      const seen: ReturnType<typeof decodePacket>[] = [];
      const checks: string[] = [];
      const nas = await ScriptedNas.start((request, _from, reply) => {
        const packet = decodePacket(request);
        seen.push(packet);
        checks.push(checkRequest(request, SECRET));
        const session = readAttribute(packet.attributes, 'Acct-Session-Id');
        const nak = session !== 'rc-known';
        reply(
          signResponse(
            {
              code: nak ? packet.code + 2 : packet.code + 1,
              identifier: packet.identifier,
              attributes: [
                messageAuthenticatorPlaceholder(),
                ...(nak ? [attribute('Error-Cause', 503)] : []),
              ],
            },
            packet.authenticator,
            session === 'rc-wrong-secret' ? 'a-different-secret-here' : SECRET,
          ),
        );
      });
      const to = `127.0.0.1:${nas.port}`;
      const input =
        'Acct-Session-Id = "rc-known", User-Name = "dave@wifi.example", Calling-Station-Id = "02-00-00-00-00-02", ' +
        'Framed-IP-Address = 10.9.8.7, Event-Timestamp = 1900000000, Message-Authenticator = 0x00';
      try {
        const ack = await radclient(['-x', '-r', '1', '-t', '20', to, 'disconnect', SECRET], input);
        assert.equal(ack.status, 0, ack.output);
        assert.match(ack.output, /Received Disconnect-ACK/);
        const [packet] = seen;
        assert.ok(packet);
        assert.equal(packet.code, PacketCode.DisconnectRequest);
        assert.equal(
          checks[0],
          'valid',
          'Request Authenticator and Message-Authenticator of radclient verify here',
        );
        assert.equal(readAttribute(packet.attributes, 'Acct-Session-Id'), 'rc-known');
        assert.equal(readAttribute(packet.attributes, 'User-Name'), 'dave@wifi.example');
        assert.equal(readAttribute(packet.attributes, 'Calling-Station-Id'), '02-00-00-00-00-02');
        assert.equal(readAttribute(packet.attributes, 'Framed-IP-Address'), '10.9.8.7');
        assert.deepEqual(readAttribute(packet.attributes, 'Event-Timestamp'), new Date(1_900_000_000_000));
        assert.equal(readAttribute(packet.attributes, 'Message-Authenticator')?.length, 16);
        assert.deepEqual(encodePacket(packet), Buffer.from(nas.received[0] as Buffer));
        assert.equal(checkRequest(nas.received[0] as Buffer, 'not the secret'), 'bad-authenticator');

        const nak = await radclient(
          ['-x', '-r', '1', '-t', '20', to, 'coa', SECRET],
          'Acct-Session-Id = "rc-unknown", Filter-Id = "walled-garden", Message-Authenticator = 0x00',
        );
        assert.match(nak.output, /Received CoA-NAK/);
        assert.match(nak.output, /Error-Cause = Session-Context-Not-Found/);
        assert.equal(seen[1]?.code, PacketCode.CoaRequest);
        assert.equal(readAttribute(seen[1]?.attributes ?? [], 'Filter-Id'), 'walled-garden');

        // radclient refuses a reply signed with another secret, as our client does.
        const forged = await radclient(
          ['-x', '-r', '1', '-t', '2', to, 'disconnect', SECRET],
          'Acct-Session-Id = "rc-wrong-secret"',
        );
        assert.notEqual(forged.status, 0);
        assert.doesNotMatch(forged.output, /Received Disconnect-ACK/);
      } finally {
        await nas.close();
      }
    },
  );
});
