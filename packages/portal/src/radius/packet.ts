import { MbprovError } from '@mbprov/core';
import { MAX_VALUE_LENGTH, type RawAttribute, valueProblem } from './attributes.ts';

/**
 * RADIUS packets on the wire (RFC 2865 section 3): Code, Identifier, Length, a 16-octet Authenticator, then
 * attributes as type, length, value. Decoding reads hostile datagrams: every bound is checked before a read, every
 * loop advances by at least two octets, and anything wrong is MBPROV_RADIUS_MALFORMED, never another exception.
 */

/** The packet codes mbprov meets (RFC 2865, RFC 2866, RFC 5176 section 3). */
export const PacketCode = {
  AccessRequest: 1,
  AccessAccept: 2,
  AccessReject: 3,
  AccountingRequest: 4,
  AccountingResponse: 5,
  AccessChallenge: 11,
  DisconnectRequest: 40,
  DisconnectAck: 41,
  DisconnectNak: 42,
  CoaRequest: 43,
  CoaAck: 44,
  CoaNak: 45,
} as const;

/** Octets before the attributes: Code, Identifier, Length (2) and Authenticator (16). */
export const HEADER_LENGTH = 20;
/** The largest packet RFC 2865 allows. */
export const MAX_PACKET_LENGTH = 4096;
/** Length of the Authenticator field. */
export const AUTHENTICATOR_LENGTH = 16;

/** A RADIUS packet, decoded or to encode. */
export interface RadiusPacket {
  /** The packet code (PacketCode). */
  readonly code: number;
  /** The identifier, 0..255, matching a reply to its request. */
  readonly identifier: number;
  /** The 16-octet Request or Response Authenticator. */
  readonly authenticator: Buffer;
  /** The attributes in wire order. */
  readonly attributes: readonly RawAttribute[];
}

function malformed(why: string): MbprovError {
  return new MbprovError('MBPROV_RADIUS_MALFORMED', `RADIUS packet refused: ${why}`);
}

function tooBig(why: string): MbprovError {
  return new MbprovError('MBPROV_RADIUS_VALUE_INVALID', `RADIUS packet not encoded: ${why}`);
}

/**
 * Encodes a packet with the authenticator as given (authenticators.ts computes the real one over these octets).
 * MBPROV_RADIUS_VALUE_INVALID for a code, identifier or attribute out of range, or a packet over 4096 octets.
 */
export function encodePacket(packet: RadiusPacket): Buffer {
  const { code, identifier, authenticator, attributes } = packet;
  if (!Number.isInteger(code) || code < 0 || code > 255) throw tooBig(`code ${code} is not 0..255`);
  if (!Number.isInteger(identifier) || identifier < 0 || identifier > 255)
    throw tooBig(`identifier ${identifier} is not 0..255`);
  if (authenticator.length !== AUTHENTICATOR_LENGTH)
    throw tooBig(`the authenticator has ${authenticator.length} octets, not 16`);
  let length = HEADER_LENGTH;
  for (const a of attributes) {
    if (!Number.isInteger(a.type) || a.type < 1 || a.type > 255) throw tooBig(`attribute type ${a.type}`);
    if (a.value.length > MAX_VALUE_LENGTH)
      throw tooBig(`attribute ${a.type} has ${a.value.length} octets, more than ${MAX_VALUE_LENGTH}`);
    length += 2 + a.value.length;
  }
  if (length > MAX_PACKET_LENGTH) throw tooBig(`${length} octets, more than ${MAX_PACKET_LENGTH}`);
  const out = Buffer.alloc(length);
  out[0] = code;
  out[1] = identifier;
  out.writeUInt16BE(length, 2);
  authenticator.copy(out, 4);
  let at = HEADER_LENGTH;
  for (const a of attributes) {
    out[at] = a.type;
    out[at + 1] = 2 + a.value.length;
    a.value.copy(out, at + 2);
    at += 2 + a.value.length;
  }
  return out;
}

/**
 * Decodes a datagram. Octets past the Length field are padding and ignored (RFC 2865 section 3); everything else
 * that is not a well-formed packet (too short, Length outside 20..4096 or longer than the datagram, an attribute
 * with length below 2 or past the end, a known attribute of the wrong size) is MBPROV_RADIUS_MALFORMED.
 */
export function decodePacket(datagram: Uint8Array): RadiusPacket {
  if (datagram.length < HEADER_LENGTH)
    throw malformed(`${datagram.length} octets, fewer than the ${HEADER_LENGTH} of a header`);
  const bytes = Buffer.from(datagram.buffer, datagram.byteOffset, datagram.byteLength);
  const length = bytes.readUInt16BE(2);
  if (length < HEADER_LENGTH || length > MAX_PACKET_LENGTH)
    throw malformed(`the Length field ${length} is outside ${HEADER_LENGTH}..${MAX_PACKET_LENGTH}`);
  if (length > bytes.length)
    throw malformed(`the Length field ${length} is longer than the ${bytes.length} octets received`);
  const attributes: RawAttribute[] = [];
  let at = HEADER_LENGTH;
  while (at < length) {
    if (at + 2 > length) throw malformed(`a lone octet at offset ${at} where an attribute header must be`);
    const type = bytes[at] as number;
    const size = bytes[at + 1] as number;
    if (type === 0) throw malformed(`attribute type 0 (reserved) at offset ${at}`);
    if (size < 2) throw malformed(`attribute ${type} at offset ${at} has length ${size}, below 2`);
    if (at + size > length)
      throw malformed(
        `attribute ${type} at offset ${at} (length ${size}) runs past the packet end ${length}`,
      );
    const attr = { type, value: Buffer.from(bytes.subarray(at + 2, at + size)) };
    const problem = valueProblem(attr);
    if (problem) throw malformed(`at offset ${at}: ${problem}`);
    attributes.push(attr);
    at += size; // size >= 2: the loop always advances
  }
  return {
    code: bytes[0] as number,
    identifier: bytes[1] as number,
    authenticator: Buffer.from(bytes.subarray(4, HEADER_LENGTH)),
    attributes,
  };
}
