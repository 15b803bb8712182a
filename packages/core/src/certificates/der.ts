/**
 * The extensions of a DER certificate, read here byte by byte: their OIDs (arcs of any size, as BigInt) and
 * criticality. @peculiar/x509 reads OIDs through JavaScript numbers, so an arc beyond 2^53 is lost: the extension
 * 2.5.29.15.18446744073709551616, which OpenSSL and Windows treat as unknown, reads there as keyUsage (2.5.29.15).
 * The check of critical extensions (profile.ts) uses this exact inventory, and a certificate whose extensions
 * @peculiar/x509 reads otherwise is refused (facts.ts).
 */

/** One extension: its OID in dotted form and whether it is marked critical. */
export interface ExtensionEntry {
  oid: string;
  critical: boolean;
}

interface Tlv {
  tag: number;
  /** Start of the content. */
  start: number;
  /** End of the content (exclusive). */
  end: number;
}

/** The TLV at `offset` within `[offset, limit)`; throws on an encoding DER does not allow. */
function readTlv(der: Uint8Array, offset: number, limit: number): Tlv {
  if (offset + 2 > limit) throw new Error('truncated DER');
  const tag = der[offset] as number;
  if ((tag & 0x1f) === 0x1f) throw new Error('multi-byte DER tags are not used in certificates');
  const first = der[offset + 1] as number;
  let length = first;
  let start = offset + 2;
  if (first & 0x80) {
    const count = first & 0x7f;
    if (count === 0 || count > 4) throw new Error('indefinite or oversized DER length');
    if (start + count > limit) throw new Error('truncated DER length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (der[start + i] as number);
    start += count;
  }
  const end = start + length;
  if (end > limit) throw new Error('DER content beyond its container');
  return { tag, start, end };
}

/** The TLVs directly inside `[start, end)`. */
function children(der: Uint8Array, start: number, end: number): Tlv[] {
  const out: Tlv[] = [];
  for (let at = start; at < end; ) {
    const tlv = readTlv(der, at, end);
    out.push(tlv);
    at = tlv.end;
  }
  return out;
}

/** Dotted form of an OBJECT IDENTIFIER's content bytes; throws on a non-minimal or truncated encoding. */
export function decodeOid(bytes: Uint8Array): string {
  const arcs: bigint[] = [];
  let value = 0n;
  let fresh = true;
  for (const byte of bytes) {
    if (fresh && byte === 0x80) throw new Error('non-minimal OID subidentifier');
    value = (value << 7n) | BigInt(byte & 0x7f);
    fresh = (byte & 0x80) === 0;
    if (fresh) {
      arcs.push(value);
      value = 0n;
    }
  }
  if (!fresh || arcs.length === 0) throw new Error('truncated OID');
  const head = arcs[0] as bigint;
  const [a, b] = head < 40n ? [0n, head] : head < 80n ? [1n, head - 40n] : [2n, head - 80n];
  return [a, b, ...arcs.slice(1)].join('.');
}

/** Every extension of a DER certificate in order (an empty list when it has none); throws on malformed DER. */
export function extensionsOf(der: Uint8Array): ExtensionEntry[] {
  const certificate = readTlv(der, 0, der.length);
  const tbs = readTlv(der, certificate.start, certificate.end);
  if (certificate.tag !== 0x30 || tbs.tag !== 0x30) throw new Error('not a certificate');
  const holder = children(der, tbs.start, tbs.end).find((t) => t.tag === 0xa3);
  if (!holder) return [];
  const [list] = children(der, holder.start, holder.end);
  if (list?.tag !== 0x30) throw new Error('extensions are not a SEQUENCE');
  return children(der, list.start, list.end).map((extension) => {
    const [id, second] = children(der, extension.start, extension.end);
    if (extension.tag !== 0x30 || !id || id.tag !== 0x06) throw new Error('an extension without an OID');
    const critical = second?.tag === 0x01 && second.end - second.start === 1 && der[second.start] !== 0;
    return { oid: decodeOid(der.subarray(id.start, id.end)), critical };
  });
}
