import { MbprovError } from '@mbprov/core';
import { type Static, Type } from '@sinclair/typebox';

/**
 * The JSON body FreeRADIUS's rest module posts (`body = json`, FreeRADIUS 3.0 and 3.2): every attribute of the
 * request list by name, with its type and its values (enumerated ones by name, `raw_value = no`), e.g.
 * `{"User-Name":{"type":"string","value":["r0ab…"]},"Acct-Input-Octets":{"type":"integer","value":[1000]}}`.
 * Bounded like a RADIUS packet: at most security.max_attributes (200) attributes of at most 253 octets each.
 */
export const RestAttributes = Type.Record(
  Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$' }),
  Type.Object(
    {
      type: Type.String({ maxLength: 32 }),
      attr_num: Type.Optional(Type.Integer()),
      value: Type.Array(Type.Union([Type.String({ maxLength: 1024 }), Type.Number(), Type.Boolean()]), {
        maxItems: 64,
      }),
    },
    { additionalProperties: false },
  ),
  { maxProperties: 256 },
);

/** A request's attributes as the rest module posts them. */
export type RestAttributeMap = Static<typeof RestAttributes>;

/** The first value of an attribute, as text; undefined when the request lacks it. */
export function text(attributes: RestAttributeMap, name: string): string | undefined {
  const value = attributes[name]?.value[0];
  return value === undefined ? undefined : String(value);
}

/** The first value of an attribute that must be there, as text; else MBPROV_RADIUS_ATTRIBUTE_INVALID. */
export function required(attributes: RestAttributeMap, name: string): string {
  const value = text(attributes, name);
  if (value === undefined || value === '')
    throw new MbprovError(
      'MBPROV_RADIUS_ATTRIBUTE_INVALID',
      `The request has no ${name}; nothing was written.`,
    );
  return value;
}

const UINT32_MAX = 0xffff_ffff;

/**
 * An unsigned 32-bit integer attribute (RADIUS `integer`), 0 when absent; anything else (text, a fraction, out of
 * range) is MBPROV_RADIUS_ATTRIBUTE_INVALID.
 */
export function count(attributes: RestAttributeMap, name: string): number {
  const value = attributes[name]?.value[0];
  if (value === undefined) return 0;
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  if (!Number.isInteger(n) || n < 0 || n > UINT32_MAX)
    throw new MbprovError(
      'MBPROV_RADIUS_ATTRIBUTE_INVALID',
      `${name} is ${JSON.stringify(value)}, not a 32-bit unsigned integer; nothing was written.`,
    );
  return n;
}

/**
 * The octets of a direction with its Gigawords (RFC 2869 5.1/5.2: how many times the 32-bit counter wrapped). The
 * total must stay an exact JavaScript number (below 2^53 octets, 9 petabytes); beyond is refused.
 */
export function octets(attributes: RestAttributeMap, direction: 'Input' | 'Output'): number {
  const gigawords = count(attributes, `Acct-${direction}-Gigawords`);
  const total = gigawords * 2 ** 32 + count(attributes, `Acct-${direction}-Octets`);
  if (!Number.isSafeInteger(total))
    throw new MbprovError(
      'MBPROV_RADIUS_ATTRIBUTE_INVALID',
      `Acct-${direction}-Gigawords ${gigawords} is beyond any session; nothing was written.`,
    );
  return total;
}
