// Units: the multipliers of NumberField values, and the operator's tokens for them.
import type { MessageUnits } from '../model/messages.ts';
import type { UnitName } from './types.ts';

/** Multiplier of each unit (wwan/element-units.md, element-usage.md DefaultUnit). */
export const UNIT_MULTIPLIERS: Readonly<Record<UnitName, number>> = {
  None: 1,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
};

/** Bytes in one megabyte of the Plans schema (CurrentUsage, DataLimitInMegabytes): 10^6, the Units element's M. */
export const BYTES_PER_MEGABYTE = 1_000_000;

/** Units attributes in the order a token listed under two units is resolved (first wins). */
const UNIT_ORDER = ['K', 'M', 'G', 'T', 'Ki', 'Mi', 'Gi', 'Ti'] as const;

const tokenMaps = new WeakMap<MessageUnits, Map<string, UnitName>>();

/** Token to unit for a Units element (tokens are whitespace-separated lists; matching is case-sensitive). */
function tokenMap(units: MessageUnits): Map<string, UnitName> {
  let map = tokenMaps.get(units);
  if (!map) {
    map = new Map();
    for (const unit of UNIT_ORDER) {
      for (const entry of units[unit] ?? []) {
        for (const token of entry.split(/\s+/)) if (token && !map.has(token)) map.set(token, unit);
      }
    }
    tokenMaps.set(units, map);
  }
  return map;
}

/** The unit a captured token names under `units`, or undefined when no token matches exactly (case-sensitive). */
export function unitForToken(units: MessageUnits | undefined, token: string): UnitName | undefined {
  if (!units) return undefined;
  return tokenMap(units).get(token.trim());
}
