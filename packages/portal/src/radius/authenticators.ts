import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { ATTRIBUTES, MESSAGE_AUTHENTICATOR_LENGTH, type RawAttribute } from './attributes.ts';
import {
  AUTHENTICATOR_LENGTH,
  decodePacket,
  encodePacket,
  HEADER_LENGTH,
  type RadiusPacket,
} from './packet.ts';

/**
 * The authenticators that bind a RADIUS packet to the shared secret:
 * - Request Authenticator of Accounting, Disconnect and CoA requests (RFC 2866 section 3, RFC 5176 section 2.3):
 *   MD5(Code + Identifier + Length + 16 zero octets + Attributes + Secret);
 * - Response Authenticator (RFC 2865 section 3, RFC 5176 section 3.2): MD5(Code + Identifier + Length + Request
 *   Authenticator + Attributes + Secret);
 * - Message-Authenticator (RFC 3579 section 3.2, RFC 5176 section 3.3): HMAC-MD5 keyed with the secret over the whole
 *   packet with the Message-Authenticator value zeroed, and the Authenticator field zeroed in a request, the request's
 *   authenticator in a response. It is computed first, the Authenticator field over it afterwards.
 * Every comparison is constant-time.
 */

const MA_TYPE = ATTRIBUTES['Message-Authenticator'].type;
const ZERO_AUTHENTICATOR = Buffer.alloc(AUTHENTICATOR_LENGTH);

/** A shared secret as configured (text) or as octets. */
export type Secret = string | Buffer;

const octets = (secret: Secret): Buffer =>
  typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;

/** The offset of the first Message-Authenticator value in an encoded packet, or -1 (the packet is well-formed). */
function messageAuthenticatorAt(packet: Buffer): number {
  const length = packet.readUInt16BE(2);
  for (let at = HEADER_LENGTH; at + 2 <= length; at += Math.max(2, packet[at + 1] as number)) {
    if (packet[at] === MA_TYPE && packet[at + 1] === 2 + MESSAGE_AUTHENTICATOR_LENGTH) return at + 2;
  }
  return -1;
}

/** MD5 over the packet with `authenticator` in the Authenticator field, then the secret. */
function md5Over(packet: Buffer, authenticator: Buffer, secret: Buffer): Buffer {
  const copy = Buffer.from(packet);
  authenticator.copy(copy, 4);
  return createHash('md5').update(copy).update(secret).digest();
}

/** HMAC-MD5 over the packet with `authenticator` in the Authenticator field and the Message-Authenticator zeroed. */
function hmacOver(packet: Buffer, authenticator: Buffer, maAt: number, secret: Buffer): Buffer {
  const copy = Buffer.from(packet);
  authenticator.copy(copy, 4);
  copy.fill(0, maAt, maAt + MESSAGE_AUTHENTICATOR_LENGTH);
  return createHmac('md5', secret).update(copy).digest();
}

const equal = (a: Buffer, b: Buffer): boolean => a.length === b.length && timingSafeEqual(a, b);

/** A Message-Authenticator attribute with a zero value, to be filled in by signRequest or signResponse. */
export function messageAuthenticatorPlaceholder(): RawAttribute {
  return { type: MA_TYPE, value: Buffer.alloc(MESSAGE_AUTHENTICATOR_LENGTH) };
}

/**
 * Encodes a packet with `hashed` in the Authenticator field and signs it: the Message-Authenticator when the
 * attributes hold one, then the Authenticator field, both over the packet with `hashed` in that field.
 */
function sign(packet: Omit<RadiusPacket, 'authenticator'>, hashed: Buffer, secret: Secret): Buffer {
  const key = octets(secret);
  const out = encodePacket({ ...packet, authenticator: hashed });
  const maAt = messageAuthenticatorAt(out);
  if (maAt >= 0) hmacOver(out, hashed, maAt, key).copy(out, maAt);
  md5Over(out, hashed, key).copy(out, 4);
  return out;
}

/**
 * Encodes a Disconnect, CoA or Accounting request and signs it: the Message-Authenticator when the attributes hold
 * one (messageAuthenticatorPlaceholder), then the Request Authenticator (16 zero octets in both hashes).
 */
export function signRequest(packet: Omit<RadiusPacket, 'authenticator'>, secret: Secret): Buffer {
  return sign(packet, ZERO_AUTHENTICATOR, secret);
}

/**
 * Encodes a reply (ACK or NAK) to the request whose authenticator is `requestAuthenticator` and signs it the way a NAS
 * does: the Message-Authenticator when present, then the Response Authenticator.
 */
export function signResponse(
  packet: Omit<RadiusPacket, 'authenticator'>,
  requestAuthenticator: Buffer,
  secret: Secret,
): Buffer {
  return sign(packet, requestAuthenticator, secret);
}

/** What a check of a received packet's authenticators found. */
export type AuthenticatorCheck = 'valid' | 'bad-authenticator' | 'bad-message-authenticator' | 'malformed';

/**
 * Checks a reply's Response Authenticator against the request it answers, and its Message-Authenticator when it has
 * one (or must have one: `requireMessageAuthenticator`). Never throws: a datagram that is not a packet is `malformed`.
 */
export function checkResponse(
  datagram: Uint8Array,
  requestAuthenticator: Buffer,
  secret: Secret,
  requireMessageAuthenticator = false,
): AuthenticatorCheck {
  return check(datagram, requestAuthenticator, secret, requireMessageAuthenticator);
}

/**
 * Checks the Request Authenticator of a received Accounting, Disconnect or CoA request (16 zero octets in the hash),
 * and its Message-Authenticator when present. Never throws.
 */
export function checkRequest(datagram: Uint8Array, secret: Secret): AuthenticatorCheck {
  return check(datagram, undefined, secret, false);
}

function check(
  datagram: Uint8Array,
  requestAuthenticator: Buffer | undefined,
  secret: Secret,
  requireMessageAuthenticator: boolean,
): AuthenticatorCheck {
  let packet: RadiusPacket;
  try {
    packet = decodePacket(datagram);
  } catch {
    return 'malformed';
  }
  const key = octets(secret);
  const length = Buffer.from(datagram.buffer, datagram.byteOffset, datagram.byteLength).readUInt16BE(2);
  // Padding past Length is not covered by either hash (RFC 2865 section 3).
  const bytes = Buffer.from(datagram.subarray(0, length));
  const hashed = requestAuthenticator ?? ZERO_AUTHENTICATOR;
  if (!equal(md5Over(bytes, hashed, key), packet.authenticator)) return 'bad-authenticator';
  const maAt = messageAuthenticatorAt(bytes);
  if (maAt < 0) return requireMessageAuthenticator ? 'bad-message-authenticator' : 'valid';
  const received = bytes.subarray(maAt, maAt + MESSAGE_AUTHENTICATOR_LENGTH);
  return equal(hmacOver(bytes, hashed, maAt, key), Buffer.from(received))
    ? 'valid'
    : 'bad-message-authenticator';
}
