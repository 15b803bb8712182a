/**
 * xs:duration values (PT30S, PT1M, P30D, P1Y2M...) added to dates, as the activation directives and billing
 * cycles use them. Years and months are calendar units (added to the date's fields); days and times are exact.
 */
const DURATION = /^(-)?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** The parts of an xs:duration, or undefined when the text is not one. */
export function parseDuration(
  text: string,
): { sign: 1 | -1; years: number; months: number; milliseconds: number } | undefined {
  const m = DURATION.exec(text.trim());
  if (!m || text.trim() === 'P' || text.trim().endsWith('T')) return undefined;
  const n = (i: number) => Number(m[i] ?? 0);
  return {
    sign: m[1] ? -1 : 1,
    years: n(2),
    months: n(3),
    milliseconds: ((n(4) * 24 + n(5)) * 60 + n(6)) * 60_000 + n(7) * 1000,
  };
}

/** `date` plus an xs:duration; throws on text that is not a duration (the schema has already checked it). */
export function addDuration(date: Date, duration: string): Date {
  const d = parseDuration(duration);
  if (!d) throw new Error(`"${duration}" is not an xs:duration`);
  const out = new Date(date.getTime());
  out.setUTCFullYear(out.getUTCFullYear() + d.sign * d.years, out.getUTCMonth() + d.sign * d.months);
  return new Date(out.getTime() + d.sign * d.milliseconds);
}

/** `date` plus whole days. */
export function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * 86_400_000);
}
