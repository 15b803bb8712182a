// UsageTimestamp: a date and time read with a strftime-like Format (%d %H %I %m %M %S %y %Y %p and %# forms).
import type { DateTimeField } from '../model/messages.ts';
import { unsupportedTimestampIdentifiers } from '../rules/message-rules.ts';

type Part = 'd' | 'H' | 'I' | 'm' | 'M' | 'S' | 'y' | 'Y' | 'p';

/** A Format compiled to a whole-text expression, one capturing group per identifier. */
export interface CompiledTimestampFormat {
  regex: RegExp;
  /** The identifier each capturing group reads, in order. */
  parts: Part[];
}

const literal = (s: string) => s.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');

/** A token matched without regard to case: "PM" matches pm, Pm, PM. */
function caseless(token: string): string {
  let out = '';
  for (const c of token) {
    const lower = c.toLowerCase();
    const upper = c.toUpperCase();
    out +=
      lower !== upper && [...lower].length === 1 && [...upper].length === 1
        ? `[${literal(lower)}${literal(upper)}]`
        : literal(c);
  }
  return out;
}

/** Digits each identifier reads: %d exactly two digits ("01 – 31"); %#d one or two ("no leading zeros"). */
function digitsOf(part: Exclude<Part, 'p'>, noPad: boolean): string {
  if (part === 'Y') return noPad ? '(\\d{1,4})' : '(\\d{4})';
  return noPad ? '(\\d{1,2})' : '(\\d{2})';
}

const compiled = new Map<string, CompiledTimestampFormat | { unsupported: string[] }>();

/**
 * Compiles a UsageTimestamp Format: identifiers become digit groups, %p the AmToken/PmToken alternatives
 * (default AM/PM, any case), %% a percent sign, everything else literal text that must be present exactly.
 * Returns the identifiers Windows does not document when the Format uses any (e.g. %b).
 */
export function compileTimestampFormat(
  format: string,
  amToken = 'AM',
  pmToken = 'PM',
): CompiledTimestampFormat | { unsupported: string[] } {
  const key = `${format}\u0000${amToken}\u0000${pmToken}`;
  const hit = compiled.get(key);
  if (hit) return hit;
  let result: CompiledTimestampFormat | { unsupported: string[] };
  const unsupported = unsupportedTimestampIdentifiers(format);
  if (unsupported.length) {
    result = { unsupported };
  } else {
    const parts: Part[] = [];
    let source = '';
    const identifier = /%(#?)([dHImMSyYp%])/g;
    let last = 0;
    for (let m = identifier.exec(format); m; m = identifier.exec(format)) {
      source += literal(format.slice(last, m.index));
      last = m.index + m[0].length;
      const part = m[2] as Part | '%';
      if (part === '%') {
        source += '%';
      } else if (part === 'p') {
        parts.push('p');
        source += `(${caseless(amToken)}|${caseless(pmToken)})`;
      } else {
        parts.push(part);
        source += digitsOf(part, m[1] === '#');
      }
    }
    source += literal(format.slice(last));
    result = { regex: new RegExp(`^${source}$`), parts };
  }
  // Formats come from provisioning documents: a small cache, emptied if a caller feeds it many.
  if (compiled.size >= 256) compiled.clear();
  compiled.set(key, result);
  return result;
}

/** Read time: a UTC instant, or why the text does not give one. */
export type TimestampReading = { date: Date } | { problem: string };

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** Date-time units from the largest; the unit a missing part is resolved by. */
const UNITS = ['year', 'month', 'day', 'hour', 'minute', 'second'] as const;
type Unit = (typeof UNITS)[number];

/** How far past the time of receipt a resolved timestamp may be (clock skew, time zones) before an earlier occurrence is taken. */
const FUTURE_TOLERANCE: Record<Unit, number> = {
  year: DAY,
  month: DAY,
  day: HOUR,
  hour: 60_000,
  minute: 1000,
  second: 0,
};

/** A two-digit year in the century that puts it nearest the year of receipt (within 50 years either way). */
function expandTwoDigitYear(yy: number, referenceYear: number): number {
  let year = Math.floor(referenceYear / 100) * 100 + yy;
  if (year > referenceYear + 49) year -= 100;
  else if (year <= referenceYear - 50) year += 100;
  return year;
}

/** Milliseconds of a local date-time whose fields are given as numbers (month 1-based), without Date.UTC's 0-99 year quirk. */
function localMillis(v: Record<Unit, number>): number {
  const d = new Date(0);
  d.setUTCFullYear(v.year, v.month - 1, v.day);
  d.setUTCHours(v.hour, v.minute, v.second, 0);
  return d.getTime();
}

/**
 * Reads a captured timestamp with its UsageTimestamp field. The text is local time of a PC whose clock is
 * `timeZoneOffsetMinutes` ahead of UTC. Parts the Format lacks are completed from the time of receipt: parts
 * larger than the largest one given come from `receivedAt` and then go back one step at a time (a year, a
 * month, a day) until the result is not later than receipt (plus a day for dates, an hour for times): "if no
 * year is provided, the most recent occurrence of that date is assumed". Smaller parts missing are zero (or 1
 * for day and month). %I without %p reads as a morning hour (12 is midnight), as POSIX strptime does.
 */
export function parseUsageTimestamp(
  text: string,
  field: DateTimeField,
  receivedAt: Date,
  timeZoneOffsetMinutes = 0,
): TimestampReading {
  const format = compileTimestampFormat(field.Format, field.AmToken ?? 'AM', field.PmToken ?? 'PM');
  if ('unsupported' in format) {
    return {
      problem: `Format "${field.Format}" uses ${format.unsupported.join(', ')}, which Windows does not document`,
    };
  }
  const m = format.regex.exec(text.trim());
  if (!m) return { problem: `"${text}" does not fit Format "${field.Format}"` };
  const got: Partial<Record<Part, number>> = {};
  let pm: boolean | undefined;
  for (let i = 0; i < format.parts.length; i++) {
    const part = format.parts[i] as Part;
    const value = m[i + 1] as string;
    if (part === 'p') {
      // The group matched one of the two tokens without regard to case; equal tokens read as AM.
      const pmToken = (field.PmToken ?? 'PM').toLowerCase();
      pm = value.toLowerCase() === pmToken && (field.AmToken ?? 'AM').toLowerCase() !== pmToken;
    } else {
      got[part] = Number(value);
    }
  }

  const offset = timeZoneOffsetMinutes * 60_000;
  const local = new Date(receivedAt.getTime() + offset);
  const given: Partial<Record<Unit, number>> = {};
  if (got.Y !== undefined) given.year = got.Y;
  else if (got.y !== undefined) given.year = expandTwoDigitYear(got.y, local.getUTCFullYear());
  if (got.m !== undefined) given.month = got.m;
  if (got.d !== undefined) given.day = got.d;
  if (got.H !== undefined) given.hour = got.H;
  else if (got.I !== undefined) given.hour = (got.I % 12) + (pm ? 12 : 0);
  if (got.M !== undefined) given.minute = got.M;
  if (got.S !== undefined) given.second = got.S;

  if (given.month !== undefined && (given.month < 1 || given.month > 12)) return outOfRange(text, 'month');
  if (given.day !== undefined && (given.day < 1 || given.day > 31)) return outOfRange(text, 'day');
  if (got.I !== undefined && (got.I < 1 || got.I > 12)) return outOfRange(text, 'hour');
  if (given.hour !== undefined && given.hour > 23) return outOfRange(text, 'hour');
  if (given.minute !== undefined && given.minute > 59) return outOfRange(text, 'minute');
  if (given.second !== undefined && given.second > 59) return outOfRange(text, 'second');

  let largest = -1;
  for (let i = 0; i < UNITS.length && largest < 0; i++)
    if (given[UNITS[i] as Unit] !== undefined) largest = i;
  const received: Record<Unit, number> = {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
  };
  const values = {} as Record<Unit, number>;
  for (let i = 0; i < UNITS.length; i++) {
    const u = UNITS[i] as Unit;
    values[u] = given[u] ?? (largest < 0 || i < largest ? received[u] : u === 'month' || u === 'day' ? 1 : 0);
  }
  // The unit stepped back for "the most recent occurrence": the smallest one taken from the time of receipt.
  const free = largest > 0 ? (UNITS[largest - 1] as Unit) : undefined;
  const latest = receivedAt.getTime() + offset + (free ? FUTURE_TOLERANCE[free] : 0);
  const base = free ? values[free] : 0;
  for (let k = free ? 1 : 0; k >= (free ? -8 : 0); k--) {
    if (free) values[free] = base + k;
    const ms = localMillis(values);
    const d = new Date(ms);
    // Out-of-range days (31 April, 29 February of a common year) roll over; such a candidate is not that date.
    if (given.day !== undefined && d.getUTCDate() !== given.day) continue;
    if (given.month !== undefined && d.getUTCMonth() + 1 !== given.month) continue;
    if (free && ms > latest) continue;
    return { date: new Date(ms - offset) };
  }
  return { problem: `"${text}" is not a real date` };
}

function outOfRange(text: string, part: string): TimestampReading {
  return { problem: `"${text}" has an out-of-range ${part}` };
}
