// Shrinking a failing input before it becomes a regression fixture: greedy delta debugging (remove chunks, halving
// their size, while the same kind of finding still occurs). Runs in the calling thread, so it is not used on hangs.
import type { Corpus } from './corpus.ts';
import type { Finding } from './findings.ts';
import { type FuzzInput, hasNonXmlCharacters, oracleBytes } from './inputs.ts';
import { judgeSchema, judgeSignature, oraclesFor } from './judge.ts';
import type { Oracles } from './oracles.ts';
import type { FuzzProperty, PropertyModule, Verdicts } from './property.ts';
import { scanXmlText } from './xml-text.ts';

type Data = string | Uint8Array;

function size(d: Data): number {
  return d.length;
}

function without(d: Data, start: number, end: number): Data {
  if (typeof d === 'string') return d.slice(0, start) + d.slice(end);
  const out = new Uint8Array(d.length - (end - start));
  out.set(d.subarray(0, start), 0);
  out.set(d.subarray(end), start);
  return out;
}

/**
 * Shrinks `data` while `fails` holds, at most `budget` calls of `fails`: first whole elements (the largest first),
 * attributes and text runs of a string, so the text stays well-formed where it was; then chunks of characters or
 * bytes, halving their size.
 */
export async function minimize(
  data: Data,
  fails: (d: Data) => Promise<boolean>,
  budget = 400,
): Promise<Data> {
  let current = data;
  let calls = 0;
  const attempt = async (candidate: Data) => {
    calls++;
    if (size(candidate) < size(current) && (await fails(candidate))) {
      current = candidate;
      return true;
    }
    return false;
  };
  if (typeof current === 'string') {
    for (let progress = true; progress && calls < budget; ) {
      progress = false;
      const map = scanXmlText(current);
      const spans: Array<[number, number]> = [
        ...map.elements.filter((e) => e.depth > 0).map((e) => [e.start, e.end] as [number, number]),
        ...map.elements.flatMap((e) => e.attributes.map((a) => [a.start - 1, a.end] as [number, number])),
        ...map.runs.map((r) => [r.start, r.end] as [number, number]),
      ].sort((a, b) => b[1] - b[0] - (a[1] - a[0]));
      const text = current;
      for (const [start, end] of spans) {
        if (calls >= budget) break;
        if (await attempt(text.slice(0, start) + text.slice(end))) {
          progress = true;
          break; // offsets changed: scan again
        }
      }
    }
  }
  let chunk = Math.max(1, Math.floor(size(current) / 2));
  while (chunk >= 1 && calls < budget) {
    let removed = false;
    for (let start = 0; start < size(current) && calls < budget; ) {
      if (await attempt(without(current, start, Math.min(size(current), start + chunk)))) removed = true;
      else start += chunk;
    }
    if (!removed) chunk = Math.floor(chunk / 2);
  }
  return current;
}

/** Loads the property modules in this thread (as the worker does). */
export async function loadProperties(modules: string[], corpus: Corpus): Promise<FuzzProperty[]> {
  const properties: FuzzProperty[] = [];
  for (const url of modules) properties.push(...((await import(url)) as PropertyModule).properties);
  for (const p of properties) await p.setup?.(corpus);
  return properties;
}

/** Whether an input (still) shows a finding of the same type and property as `finding`. */
export function sameFinding(
  finding: Finding,
  properties: FuzzProperty[],
  oracles: Oracles,
): (data: Data) => Promise<boolean> {
  let id = 1_000_000_000;
  return async (data) => {
    const input: FuzzInput = { ...finding.input, data };
    const verdicts: Verdicts = {};
    for (const p of properties) {
      const out = p.check(input, verdicts);
      Object.assign(verdicts, out.verdicts);
      if (out.findings.some((f) => f.type === finding.type && f.property === finding.property)) return true;
    }
    if (finding.type !== 'xmllint' && finding.type !== 'xmlsec1') return false;
    const which = oraclesFor(input, verdicts, hasNonXmlCharacters(data));
    const item = { id: id++, bytes: oracleBytes(data) };
    if (finding.type === 'xmllint' && which.xmllint && verdicts.xsd) {
      const v = (await oracles.xmllint([item])).get(item.id);
      return v !== undefined && judgeSchema(verdicts.xsd, v)?.property === finding.property;
    }
    if (finding.type === 'xmlsec1' && which.xmlsec1 && verdicts.verify) {
      const v = (await oracles.xmlsec1([item])).get(item.id);
      return v !== undefined && judgeSignature(verdicts.verify, v)?.property === finding.property;
    }
    return false;
  };
}
