import { createHash } from 'node:crypto';

// Crockford's base 32: no I, L, O or U, so a number read out over the phone cannot be mistaken.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * The order number of a checkout, as receipts show it and customers quote it: ten characters of Crockford base 32
 * (50 bits of a hash of the checkout id) in two groups, e.g. `7K3QD-M9X2A`. The checkout id itself stays private
 * (it is the capability of the payment's return URL); the number reveals nothing of it.
 */
export function orderNumber(checkoutId: string): string {
  const hash = createHash('sha256').update(`mbprov order ${checkoutId}`).digest();
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of hash) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < 10) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
    if (out.length === 10) break;
  }
  return `${out.slice(0, 5)}-${out.slice(5)}`;
}
