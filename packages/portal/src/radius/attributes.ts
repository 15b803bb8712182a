import { isIPv4 } from 'node:net';
import { MbprovError } from '@mbprov/core';

/**
 * The RADIUS attributes mbprov sends and reads (RFC 2865, 2866, 2869, 3579, 5176), each with its data type, and the
 * conversions between typed values and the octets on the wire. Attributes outside this dictionary pass through as
 * octets: a reply may carry anything, and only the ones named here are read.
 */

/** One attribute as it is on the wire: its type octet and its value (without the type and length octets). */
export interface RawAttribute {
  /** The attribute type, 1..255. */
  readonly type: number;
  /** The value octets, 0..253 of them. */
  readonly value: Buffer;
}

/** A Vendor-Specific (26) value: the SMI vendor number and the vendor's own octets, passed through untouched. */
export interface VendorSpecific {
  /** The IANA private enterprise number (high octet zero, RFC 2865 section 5.26). */
  readonly vendorId: number;
  /** What follows the vendor number (usually vendor type, length, value: RFC 2865 suggests but does not require it). */
  readonly data: Buffer;
}

/** The data types of RFC 8044 that the dictionary uses. */
interface ValueTypes {
  /** UTF-8 text. */
  text: string;
  /** Opaque octets. */
  octets: Buffer;
  /** Unsigned 32-bit integer. */
  integer: number;
  /** IPv4 address, dotted quad. */
  ipaddr: string;
  /** Seconds since 1970 as an unsigned 32-bit integer (RFC 2869 Event-Timestamp). */
  date: Date;
  /** Vendor-Specific: vendor number and data. */
  vendor: VendorSpecific;
}

type Kind = keyof ValueTypes;

/** The attributes mbprov knows by name: type number and data type. */
export const ATTRIBUTES = {
  'User-Name': { type: 1, kind: 'text' },
  'NAS-IP-Address': { type: 4, kind: 'ipaddr' },
  'NAS-Port': { type: 5, kind: 'integer' },
  'Service-Type': { type: 6, kind: 'integer' },
  'Framed-IP-Address': { type: 8, kind: 'ipaddr' },
  'Filter-Id': { type: 11, kind: 'text' },
  'Reply-Message': { type: 18, kind: 'text' },
  State: { type: 24, kind: 'octets' },
  Class: { type: 25, kind: 'octets' },
  'Vendor-Specific': { type: 26, kind: 'vendor' },
  'Session-Timeout': { type: 27, kind: 'integer' },
  'Idle-Timeout': { type: 28, kind: 'integer' },
  'Called-Station-Id': { type: 30, kind: 'text' },
  'Calling-Station-Id': { type: 31, kind: 'text' },
  'NAS-Identifier': { type: 32, kind: 'text' },
  'Acct-Session-Id': { type: 44, kind: 'text' },
  'Acct-Multi-Session-Id': { type: 50, kind: 'text' },
  'Event-Timestamp': { type: 55, kind: 'date' },
  'Message-Authenticator': { type: 80, kind: 'octets' },
  'Acct-Interim-Interval': { type: 85, kind: 'integer' },
  'Chargeable-User-Identity': { type: 89, kind: 'octets' },
  'Error-Cause': { type: 101, kind: 'integer' },
} as const satisfies Record<string, { type: number; kind: Kind }>;

/** A name of the dictionary. */
export type AttributeName = keyof typeof ATTRIBUTES;

/** The typed value of an attribute of the dictionary. */
export type AttributeValue<N extends AttributeName> = ValueTypes[(typeof ATTRIBUTES)[N]['kind']];

/** The Error-Cause values of RFC 5176 section 3.5, by the names FreeRADIUS's dictionary gives them. */
export const ERROR_CAUSES = {
  201: 'Residual-Context-Removed',
  202: 'Invalid-EAP-Packet',
  401: 'Unsupported-Attribute',
  402: 'Missing-Attribute',
  403: 'NAS-Identification-Mismatch',
  404: 'Invalid-Request',
  405: 'Unsupported-Service',
  406: 'Unsupported-Extension',
  407: 'Invalid-Attribute-Value',
  501: 'Administratively-Prohibited',
  502: 'Proxy-Request-Not-Routable',
  503: 'Session-Context-Not-Found',
  504: 'Session-Context-Not-Removable',
  505: 'Proxy-Processing-Error',
  506: 'Resources-Unavailable',
  507: 'Request-Initiated',
  508: 'Multiple-Session-Selection-Unsupported',
} as const satisfies Record<number, string>;

/** The most octets one attribute value can hold (the length octet counts type and length too). */
export const MAX_VALUE_LENGTH = 253;

/** Length of a Message-Authenticator value (an HMAC-MD5). */
export const MESSAGE_AUTHENTICATOR_LENGTH = 16;

const BY_TYPE = new Map<number, { name: AttributeName; kind: Kind }>(
  Object.entries(ATTRIBUTES).map(([name, { type, kind }]) => [type, { name: name as AttributeName, kind }]),
);

/** The dictionary name of an attribute type, or undefined for a type mbprov does not know. */
export function attributeName(type: number): AttributeName | undefined {
  return BY_TYPE.get(type)?.name;
}

function invalid(name: string, why: string): MbprovError {
  return new MbprovError('MBPROV_RADIUS_VALUE_INVALID', `RADIUS attribute ${name}: ${why}`);
}

function uint32(name: string, value: number): Buffer {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff)
    throw invalid(name, `${value} is not an integer in 0..4294967295`);
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value);
  return out;
}

function encodeValue(name: string, kind: Kind, value: ValueTypes[Kind]): Buffer {
  switch (kind) {
    case 'text':
      return Buffer.from(value as string, 'utf8');
    case 'octets':
      return Buffer.from(value as Buffer);
    case 'integer':
      return uint32(name, value as number);
    case 'date': {
      const ms = (value as Date).getTime();
      if (!Number.isFinite(ms)) throw invalid(name, 'not a valid date');
      return uint32(name, Math.floor(ms / 1000));
    }
    case 'ipaddr':
      if (typeof value !== 'string' || !isIPv4(value)) throw invalid(name, `${value} is not an IPv4 address`);
      return Buffer.from(value.split('.').map(Number));
    case 'vendor': {
      const { vendorId, data } = value as VendorSpecific;
      if (!Number.isInteger(vendorId) || vendorId < 0 || vendorId > 0xff_ffff)
        throw invalid(name, `vendor ${vendorId} is not a 24-bit enterprise number`);
      if (data.length === 0) throw invalid(name, 'vendor data is empty');
      return Buffer.concat([uint32(name, vendorId), data]);
    }
  }
}

/** Encodes an attribute of the dictionary; MBPROV_RADIUS_VALUE_INVALID when the value does not fit its type. */
export function attribute<N extends AttributeName>(name: N, value: AttributeValue<N>): RawAttribute {
  const { type, kind } = ATTRIBUTES[name];
  const bytes = encodeValue(name, kind, value);
  if (bytes.length === 0) throw invalid(name, 'the value is empty (RFC 2865 values have at least one octet)');
  if (bytes.length > MAX_VALUE_LENGTH)
    throw invalid(name, `${bytes.length} octets, more than the ${MAX_VALUE_LENGTH} an attribute holds`);
  return { type, value: bytes };
}

/**
 * Why a received value does not fit the type its attribute has in the dictionary, or undefined when it fits (or the
 * attribute is not in the dictionary: passed through). The packet decoder refuses the packet for it.
 */
export function valueProblem(attr: RawAttribute): string | undefined {
  const known = BY_TYPE.get(attr.type);
  if (!known) return undefined;
  const size = attr.value.length;
  switch (known.kind) {
    case 'integer':
    case 'date':
    case 'ipaddr':
      return size === 4 ? undefined : `${known.name} has ${size} octets, not 4`;
    case 'vendor':
      // Vendor-Id (4 octets, the high one zero) and at least one octet of data: RFC 2865 gives Length >= 7.
      if (size < 5) return `Vendor-Specific has ${size} octets, fewer than 5`;
      return attr.value[0] === 0 ? undefined : 'Vendor-Specific has a vendor number wider than 24 bits';
    case 'octets':
      return known.name === 'Message-Authenticator' && size !== MESSAGE_AUTHENTICATOR_LENGTH
        ? `Message-Authenticator has ${size} octets, not ${MESSAGE_AUTHENTICATOR_LENGTH}`
        : undefined;
    case 'text':
      return undefined;
  }
}

function decodeValue(kind: Kind, value: Buffer): ValueTypes[Kind] {
  switch (kind) {
    case 'text':
      // Invalid UTF-8 becomes U+FFFD: received text is only logged and compared, never interpreted.
      return value.toString('utf8');
    case 'octets':
      return Buffer.from(value);
    case 'integer':
      return value.readUInt32BE(0);
    case 'date':
      return new Date(value.readUInt32BE(0) * 1000);
    case 'ipaddr':
      return [...value.subarray(0, 4)].join('.');
    case 'vendor':
      return { vendorId: value.readUInt32BE(0), data: Buffer.from(value.subarray(4)) };
  }
}

/**
 * The typed value of the first attribute `name` among `attributes` (as decodePacket gives them, whose sizes it has
 * checked), or undefined when there is none.
 */
export function readAttribute<N extends AttributeName>(
  attributes: readonly RawAttribute[],
  name: N,
): AttributeValue<N> | undefined {
  const { type, kind } = ATTRIBUTES[name];
  const found = attributes.find((a) => a.type === type);
  if (!found || valueProblem(found)) return undefined;
  return decodeValue(kind, found.value) as AttributeValue<N>;
}

/** The typed values of every attribute `name` among `attributes`, in order (Class, State and VSAs may repeat). */
export function readAttributes<N extends AttributeName>(
  attributes: readonly RawAttribute[],
  name: N,
): AttributeValue<N>[] {
  const { type, kind } = ATTRIBUTES[name];
  return attributes
    .filter((a) => a.type === type && !valueProblem(a))
    .map((a) => decodeValue(kind, a.value) as AttributeValue<N>);
}
