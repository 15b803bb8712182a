// The RADIUS codec (packages/portal/src/radius/): RFC 2865 packets encoded and decoded byte for byte (the RFC's own
// section 7.1 example as the vector), the RFC 5176 Request and Response Authenticators and the RFC 3579
// Message-Authenticator computed here independently from the bytes, every malformed datagram refused with
// MBPROV_RADIUS_MALFORMED, values that do not fit refused with MBPROV_RADIUS_VALUE_INVALID before anything is sent,
// and a seeded fuzz loop (random and mutated datagrams) in which the decoder never throws anything else and never
// hangs, and what it accepts re-encodes to the same octets.
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { MbprovError } from '@mbprov/core';
import { seededRandom } from '../../core/test/helpers/random.ts';
import {
  attribute,
  attributeName,
  type RawAttribute,
  readAttribute,
  readAttributes,
} from '../src/radius/attributes.ts';
import {
  checkRequest,
  checkResponse,
  messageAuthenticatorPlaceholder,
  signRequest,
  signResponse,
} from '../src/radius/authenticators.ts';
import { decodePacket, encodePacket, PacketCode } from '../src/radius/packet.ts';

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');

// RFC 2865 section 7.1 "User Telnet to Specified Host": the Access-Request and the Access-Accept, shared secret
// "xyzzy5461". The Accept's Response Authenticator is MD5 over it with the request's authenticator and the secret.
const RFC2865_REQUEST = hex(`
  01 00 00 38 0f 40 3f 94 73 97 80 57 bd 83 d5 cb
  98 f4 22 7a 01 06 6e 65 6d 6f 02 12 0d be 70 8d
  93 d4 13 ce 31 96 e4 3f 78 2a 0a ee 04 06 c0 a8
  01 10 05 06 00 00 00 03`);
const RFC2865_ACCEPT = hex(`
  02 00 00 26 86 fe 22 0e 76 24 ba 2a 10 05 f6 bf
  9b 55 e0 b2 06 06 00 00 00 01 0f 06 00 00 00 00
  0e 06 c0 a8 01 03`);
const RFC2865_SECRET = 'xyzzy5461';

/** Asserts that `run` throws an MbprovError with `code` (and nothing else). */
function refuses(run: () => unknown, code: string, message?: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof MbprovError, `not an MbprovError: ${String(error)}`);
    assert.equal(error.code, code);
    if (message) assert.match(error.message, message);
    return true;
  });
}

/** A header with `length` in its Length field, then `rest`. */
function datagram(length: number, rest: number[] = [], code = PacketCode.DisconnectAck): Buffer {
  const out = Buffer.alloc(20 + rest.length);
  out[0] = code;
  out[1] = 7;
  out.writeUInt16BE(length, 2);
  Buffer.from(rest).copy(out, 20);
  return out;
}

describe('RADIUS packets (RFC 2865)', () => {
  it('decodes the RFC 2865 section 7.1 example and encodes it back to the same octets', () => {
    const request = decodePacket(RFC2865_REQUEST);
    assert.equal(request.code, PacketCode.AccessRequest);
    assert.equal(request.identifier, 0);
    assert.equal(request.authenticator.toString('hex'), '0f403f9473978057bd83d5cb98f4227a');
    assert.deepEqual(
      request.attributes.map((a) => a.type),
      [1, 2, 4, 5],
    );
    assert.equal(readAttribute(request.attributes, 'User-Name'), 'nemo');
    assert.equal(readAttribute(request.attributes, 'NAS-IP-Address'), '192.168.1.16');
    assert.equal(readAttribute(request.attributes, 'NAS-Port'), 3);
    // User-Password (2) is not in mbprov's dictionary: it passes through as octets.
    assert.equal(attributeName(2), undefined);
    assert.equal(request.attributes[1]?.value.length, 16);
    assert.deepEqual(encodePacket(request), RFC2865_REQUEST);

    const accept = decodePacket(RFC2865_ACCEPT);
    assert.equal(accept.code, PacketCode.AccessAccept);
    assert.equal(readAttribute(accept.attributes, 'Service-Type'), 1); // Login-User
    assert.deepEqual(encodePacket(accept), RFC2865_ACCEPT);
  });

  it("verifies the example's Response Authenticator, and refuses it under another secret or altered", () => {
    const requestAuthenticator = RFC2865_REQUEST.subarray(4, 20);
    assert.equal(checkResponse(RFC2865_ACCEPT, requestAuthenticator, RFC2865_SECRET), 'valid');
    assert.equal(checkResponse(RFC2865_ACCEPT, requestAuthenticator, 'xyzzy5462'), 'bad-authenticator');
    assert.equal(
      checkResponse(RFC2865_ACCEPT, Buffer.alloc(16), RFC2865_SECRET),
      'bad-authenticator',
      'the Response Authenticator binds the reply to its request',
    );
    const altered = Buffer.from(RFC2865_ACCEPT);
    altered[altered.length - 1] = 4; // Login-IP-Host 192.168.1.4
    assert.equal(checkResponse(altered, requestAuthenticator, RFC2865_SECRET), 'bad-authenticator');
    assert.equal(
      checkResponse(RFC2865_ACCEPT, requestAuthenticator, RFC2865_SECRET, true),
      'bad-message-authenticator',
      'a reply without Message-Authenticator is refused when one is required',
    );
    // Octets past Length are padding: not hashed, not refused.
    const padded = Buffer.concat([RFC2865_ACCEPT, Buffer.from([1, 2, 3])]);
    assert.equal(checkResponse(padded, requestAuthenticator, RFC2865_SECRET), 'valid');
    assert.equal(checkResponse(Buffer.alloc(5), requestAuthenticator, RFC2865_SECRET), 'malformed');
  });

  it('signs a Disconnect-Request as RFC 5176 and RFC 3579 say (computed here from the octets)', () => {
    const secret = 'a shared secret of the NAS';
    const signed = signRequest(
      {
        code: PacketCode.DisconnectRequest,
        identifier: 42,
        attributes: [
          messageAuthenticatorPlaceholder(),
          attribute('Acct-Session-Id', 'sess-1'),
          attribute('User-Name', 'alice@wifi.example'),
        ],
      },
      secret,
    );
    // The octets, written out by hand: header with a zero authenticator, Message-Authenticator zeroed, the rest.
    const body = Buffer.concat([
      Buffer.from([80, 18]),
      Buffer.alloc(16),
      Buffer.from([44, 8]),
      Buffer.from('sess-1'),
      Buffer.from([1, 20]),
      Buffer.from('alice@wifi.example'),
    ]);
    const header = Buffer.alloc(20);
    header[0] = 40;
    header[1] = 42;
    header.writeUInt16BE(20 + body.length, 2);
    const zeroed = Buffer.concat([header, body]);
    const hmac = createHmac('md5', secret).update(zeroed).digest();
    const withHmac = Buffer.from(zeroed);
    hmac.copy(withHmac, 22);
    const requestAuthenticator = createHash('md5').update(withHmac).update(secret).digest();
    const expected = Buffer.from(withHmac);
    requestAuthenticator.copy(expected, 4);
    assert.deepEqual(signed, expected);
    assert.equal(checkRequest(signed, secret), 'valid');
    assert.equal(checkRequest(signed, 'another secret'), 'bad-authenticator');

    // The NAS's ACK: Message-Authenticator over the reply with the request's authenticator, then the Response one.
    const ack = signResponse(
      { code: PacketCode.DisconnectAck, identifier: 42, attributes: [messageAuthenticatorPlaceholder()] },
      requestAuthenticator,
      secret,
    );
    const ackZeroed = Buffer.concat([
      Buffer.from([41, 42, 0, 38]),
      requestAuthenticator,
      Buffer.from([80, 18]),
      Buffer.alloc(16),
    ]);
    const ackHmac = createHmac('md5', secret).update(ackZeroed).digest();
    const ackWithHmac = Buffer.from(ackZeroed);
    ackHmac.copy(ackWithHmac, 22);
    const responseAuthenticator = createHash('md5').update(ackWithHmac).update(secret).digest();
    assert.deepEqual(ack.subarray(4, 20), responseAuthenticator);
    assert.deepEqual(ack.subarray(22), ackHmac);
    assert.equal(checkResponse(ack, requestAuthenticator, secret, true), 'valid');

    // A reply whose Message-Authenticator is wrong but whose Response Authenticator was computed over it.
    const forged = Buffer.from(ackWithHmac);
    forged[30] = (forged[30] as number) ^ 1;
    createHash('md5').update(forged).update(secret).digest().copy(forged, 4);
    assert.equal(checkResponse(forged, requestAuthenticator, secret), 'bad-message-authenticator');
  });

  it('reads and writes every value type of the dictionary', () => {
    const when = new Date('2030-01-02T03:04:05Z');
    const attributes: RawAttribute[] = [
      attribute('User-Name', 'ユーザー@wifi.example'),
      attribute('Framed-IP-Address', '10.1.2.3'),
      attribute('Session-Timeout', 4294967295),
      attribute('Event-Timestamp', when),
      attribute('State', Buffer.from([0, 1, 2])),
      attribute('Vendor-Specific', { vendorId: 14122, data: Buffer.from([1, 5, 0x61, 0x62, 0x63]) }),
      attribute('Vendor-Specific', { vendorId: 9, data: Buffer.from([1, 3, 0x7a]) }),
      attribute('Error-Cause', 503),
    ];
    const packet = decodePacket(
      encodePacket({ code: PacketCode.CoaNak, identifier: 1, authenticator: Buffer.alloc(16), attributes }),
    );
    assert.equal(readAttribute(packet.attributes, 'User-Name'), 'ユーザー@wifi.example');
    assert.equal(readAttribute(packet.attributes, 'Framed-IP-Address'), '10.1.2.3');
    assert.equal(readAttribute(packet.attributes, 'Session-Timeout'), 4294967295);
    assert.deepEqual(readAttribute(packet.attributes, 'Event-Timestamp'), when);
    assert.deepEqual(readAttribute(packet.attributes, 'State'), Buffer.from([0, 1, 2]));
    assert.deepEqual(
      readAttributes(packet.attributes, 'Vendor-Specific').map((v) => [v.vendorId, v.data.toString('hex')]),
      [
        [14122, '01056162 63'.replace(' ', '')],
        [9, '01037a'],
      ],
    );
    assert.equal(readAttribute(packet.attributes, 'Error-Cause'), 503);
    assert.equal(readAttribute(packet.attributes, 'Reply-Message'), undefined);
  });

  it('refuses values that do not fit their attribute, and packets over 4096 octets, before sending', () => {
    const code = 'MBPROV_RADIUS_VALUE_INVALID';
    refuses(() => attribute('User-Name', 'x'.repeat(254)), code, /254 octets/);
    refuses(() => attribute('User-Name', ''), code, /empty/);
    refuses(() => attribute('Framed-IP-Address', '10.1.2'), code, /not an IPv4/);
    refuses(() => attribute('Framed-IP-Address', '::1'), code, /not an IPv4/);
    refuses(() => attribute('Session-Timeout', -1), code);
    refuses(() => attribute('Session-Timeout', 2 ** 32), code);
    refuses(() => attribute('Session-Timeout', 1.5), code);
    refuses(() => attribute('Event-Timestamp', new Date(Number.NaN)), code);
    refuses(() => attribute('Event-Timestamp', new Date('2200-01-01T00:00:00Z')), code);
    refuses(() => attribute('Vendor-Specific', { vendorId: 2 ** 24, data: Buffer.from([1]) }), code);
    refuses(() => attribute('Vendor-Specific', { vendorId: 9, data: Buffer.alloc(0) }), code);
    assert.equal(attribute('User-Name', 'x'.repeat(253)).value.length, 253);
    const big = Array.from({ length: 16 }, () => attribute('Class', Buffer.alloc(253)));
    refuses(
      () => encodePacket({ code: 43, identifier: 0, authenticator: Buffer.alloc(16), attributes: big }),
      code,
      /4100 octets, more than 4096/,
    );
    const fits = big.slice(0, 15);
    fits.push(attribute('Class', Buffer.alloc(4096 - 20 - 15 * 255 - 2)));
    assert.equal(
      encodePacket({ code: 43, identifier: 0, authenticator: Buffer.alloc(16), attributes: fits }).length,
      4096,
    );
    refuses(
      () => encodePacket({ code: 256, identifier: 0, authenticator: Buffer.alloc(16), attributes: [] }),
      code,
    );
    refuses(
      () =>
        encodePacket({
          code: 40,
          identifier: 0,
          authenticator: Buffer.alloc(16),
          attributes: [{ type: 0, value: Buffer.from([1]) }],
        }),
      code,
    );
    refuses(
      () => encodePacket({ code: 40, identifier: 256, authenticator: Buffer.alloc(16), attributes: [] }),
      code,
    );
    refuses(
      () => encodePacket({ code: 40, identifier: 0, authenticator: Buffer.alloc(15), attributes: [] }),
      code,
    );
  });

  it('refuses every malformed datagram with MBPROV_RADIUS_MALFORMED', () => {
    const cases: Array<[string, Buffer, RegExp]> = [
      ['empty', Buffer.alloc(0), /0 octets/],
      ['a header cut short', Buffer.alloc(19), /19 octets, fewer than the 20/],
      ['Length below 20', datagram(19), /Length field 19 is outside/],
      ['Length zero', datagram(0), /Length field 0 is outside/],
      ['Length above 4096', Buffer.concat([datagram(4097), Buffer.alloc(4077)]), /4097 is outside/],
      ['Length longer than the datagram', datagram(30, [1, 3, 0x61]), /longer than the 23 octets/],
      ['an attribute of length 0', datagram(22, [1, 0]), /length 0, below 2/],
      ['an attribute of type 0', datagram(23, [0, 3, 1]), /type 0 \(reserved\)/],
      ['an attribute of length 1', datagram(23, [1, 1, 0]), /length 1, below 2/],
      ['an attribute past the end', datagram(24, [1, 6, 0x61, 0x62]), /runs past the packet end 24/],
      ['a lone octet after the attributes', datagram(21, [1]), /lone octet at offset 20/],
      ['an integer of 3 octets', datagram(25, [27, 5, 0, 0, 1]), /Session-Timeout has 3 octets, not 4/],
      ['an address of 5 octets', datagram(27, [8, 7, 10, 0, 0, 1, 9]), /Framed-IP-Address has 5 octets/],
      ['a short Message-Authenticator', datagram(37, [80, 17, ...Buffer.alloc(15)]), /not 16/],
      ['a Vendor-Specific without data', datagram(26, [26, 6, 0, 0, 0, 9]), /4 octets, fewer than 5/],
      ['a Vendor-Specific vendor over 24 bits', datagram(27, [26, 7, 1, 0, 0, 9, 1]), /wider than 24 bits/],
      ['an attribute hidden past Length', datagram(22, [1, 3, 0x61]), /runs past the packet end 22/],
    ];
    for (const [name, bytes, message] of cases) {
      refuses(() => decodePacket(bytes), 'MBPROV_RADIUS_MALFORMED', message);
      assert.equal(checkResponse(bytes, Buffer.alloc(16), 'secret'), 'malformed', name);
    }
    // Padding after Length is ignored (RFC 2865 section 3), even if it looks like an attribute.
    const padded = decodePacket(datagram(23, [1, 3, 0x61, 1, 3, 0x62]));
    assert.deepEqual(padded.attributes, [{ type: 1, value: Buffer.from('a') }]);
    // Zero-length values of variable-size attributes are well-formed (RFC 2865 discourages them; nothing reads them).
    assert.deepEqual(decodePacket(datagram(22, [18, 2])).attributes, [{ type: 18, value: Buffer.alloc(0) }]);
    // A subarray with an offset into a larger buffer decodes from its own start.
    const inner = Buffer.concat([Buffer.from([9, 9, 9]), RFC2865_ACCEPT]).subarray(3);
    assert.deepEqual(encodePacket(decodePacket(inner)), RFC2865_ACCEPT);
  });
});

describe('RADIUS decoder fuzz', () => {
  const seeds: Buffer[] = [
    RFC2865_REQUEST,
    RFC2865_ACCEPT,
    signRequest(
      {
        code: PacketCode.CoaRequest,
        identifier: 3,
        attributes: [
          messageAuthenticatorPlaceholder(),
          attribute('NAS-IP-Address', '192.0.2.1'),
          attribute('Acct-Session-Id', '5F00A1B2'),
          attribute('Filter-Id', 'walled-garden'),
          attribute('Vendor-Specific', { vendorId: 14122, data: Buffer.from([1, 4, 1, 2]) }),
          attribute('Event-Timestamp', new Date(1_900_000_000_000)),
        ],
      },
      'fuzz secret',
    ),
    encodePacket({
      code: PacketCode.DisconnectNak,
      identifier: 200,
      authenticator: Buffer.alloc(16, 7),
      attributes: [attribute('Error-Cause', 503), attribute('Reply-Message', 'no such session')],
    }),
  ];

  /** Input `i` of the run: random octets, or a seed with one to three mutations (bit flips, cuts, lengths). */
  function input(random: () => number, i: number): Buffer {
    const pick = (n: number) => Math.floor(random() * n);
    if (i % 5 === 0) return Buffer.from(Array.from({ length: pick(64) }, () => pick(256)));
    let bytes = Buffer.from(seeds[pick(seeds.length)] as Buffer);
    for (let m = 0, n = 1 + pick(3); m < n; m++) {
      const at = pick(Math.max(1, bytes.length));
      switch (pick(7)) {
        case 0: // flip a bit
          if (bytes.length) bytes[at] = (bytes[at] as number) ^ (1 << pick(8));
          break;
        case 1: // cut
          bytes = bytes.subarray(0, at);
          break;
        case 2: // Length field to a boundary value
          if (bytes.length >= 4)
            bytes.writeUInt16BE(
              [0, 1, 19, 20, 21, bytes.length - 1, bytes.length + 1, 4096, 4097, 65535][pick(10)] as number,
              2,
            );
          break;
        case 3: // an attribute length octet to a boundary value
          if (bytes.length > 21) bytes[20 + pick(bytes.length - 20)] = [0, 1, 2, 3, 255][pick(5)] as number;
          break;
        case 4: // append octets (padding or another attribute)
          bytes = Buffer.concat([bytes, Buffer.from(Array.from({ length: pick(300) }, () => pick(256)))]);
          break;
        case 5: // duplicate a slice
          bytes = Buffer.concat([
            bytes.subarray(0, at),
            bytes.subarray(at - pick(at + 1), at),
            bytes.subarray(at),
          ]);
          break;
        default: // grow past 4096
          bytes = Buffer.concat([bytes, Buffer.alloc(4096)]);
      }
    }
    return bytes;
  }

  it('decodes or refuses 30,000 random and mutated datagrams, never throwing anything else', () => {
    const seed = 0x5176;
    const random = seededRandom(seed);
    let accepted = 0;
    for (let i = 0; i < 30_000; i++) {
      const bytes = input(random, i);
      try {
        const packet = decodePacket(bytes);
        accepted++;
        // What the decoder accepts is exactly the octets up to Length, and re-encodes to them.
        assert.deepEqual(
          encodePacket(packet),
          bytes.subarray(0, bytes.readUInt16BE(2)),
          `seed ${seed} input ${i}`,
        );
        for (const a of packet.attributes) {
          const name = attributeName(a.type);
          if (name) readAttribute([a], name);
        }
      } catch (error) {
        if (!(error instanceof MbprovError) || error.code !== 'MBPROV_RADIUS_MALFORMED')
          assert.fail(`seed ${seed} input ${i} (${bytes.toString('hex')}): ${String(error)}`);
      }
      const check = checkResponse(bytes, Buffer.alloc(16), 'fuzz secret', i % 2 === 0);
      assert.ok(['valid', 'bad-authenticator', 'bad-message-authenticator', 'malformed'].includes(check));
    }
    // The mutations must reach both sides, or the loop proves little.
    assert.ok(accepted > 3000, `only ${accepted} accepted`);
    assert.ok(accepted < 27_000, `${accepted} accepted: the mutations barely break anything`);
  });
});
