// nestingBeyond refuses documents nested too deeply before libxml2 sees them. It finds the end of each start tag
// with remembered indexOf searches (startTagEnds) instead of reading every character: it must find exactly what
// the character loop it replaced finds, on any text, and read a text of many quoted values in linear time.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nestingBeyond, startTagEnds } from '../src/xml/safe-parse.ts';
import { seededRandom } from './helpers/random.ts';

/** The character loop startTagEnds replaced: the first `>` from `from` outside a quoted value, or -1. */
function tagEndByCharacters(text: string, from: number): number {
  let quote = 0;
  for (let j = from; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (quote) {
      if (c === quote) quote = 0;
    } else if (c === 34 || c === 39) {
      quote = c;
    } else if (c === 62) {
      return j;
    }
  }
  return -1;
}

/** nestingBeyond as it was, with the character loop: the oracle of the whole scan. */
function nestingBeyondByCharacters(text: string, max: number): number {
  let depth = 0;
  const last = (found: number, length: number) => (found < 0 ? -1 : found + length - 1);
  let i = text.indexOf('<');
  while (i >= 0) {
    const next = text.charCodeAt(i + 1);
    let end: number;
    if (next === 33) {
      if (text.startsWith('<!--', i)) end = last(text.indexOf('-->', i + 4), 3);
      else if (text.startsWith('<![CDATA[', i)) end = last(text.indexOf(']]>', i + 9), 3);
      else end = text.indexOf('>', i + 2);
    } else if (next === 63) {
      end = last(text.indexOf('?>', i + 2), 2);
    } else if (next === 47) {
      depth--;
      end = text.indexOf('>', i + 2);
    } else {
      end = tagEndByCharacters(text, i + 1);
      if (end >= 0 && text.charCodeAt(end - 1) !== 47 && ++depth > max) return i;
    }
    if (end < 0) return -1;
    i = text.indexOf('<', end + 1);
  }
  return -1;
}

const PIECES = [
  '<a',
  '<b x="1"',
  '>',
  '/>',
  '</a>',
  '"',
  "'",
  ' y=">"',
  " z='<'",
  '<!--',
  '-->',
  '<?p',
  '?>',
  'text',
  '\n',
];

function randomText(random: () => number): string {
  let text = '';
  const length = Math.floor(random() * 40);
  for (let i = 0; i < length; i++) text += PIECES[Math.floor(random() * PIECES.length)];
  return text;
}

describe('nestingBeyond: start tags found by remembered searches', () => {
  it('finds the end of every start tag as the character loop does, on 20,000 random texts', () => {
    const random = seededRandom(20261207);
    for (let n = 0; n < 20_000; n++) {
      const text = randomText(random);
      const find = startTagEnds(text);
      // As the scan asks: each time from beyond the end found before (it stops at the first -1).
      for (let from = Math.floor(random() * 3); from <= text.length; ) {
        const end = find(from);
        assert.equal(end, tagEndByCharacters(text, from), `${JSON.stringify(text)} from ${from}`);
        if (end < 0) break;
        from = end + 1 + Math.floor(random() * 4);
      }
    }
  });

  it('refuses at the same start tag as the character scan, on 20,000 random texts and depth limits', () => {
    const random = seededRandom(7);
    for (let n = 0; n < 20_000; n++) {
      const text = randomText(random);
      const max = Math.floor(random() * 5);
      assert.equal(
        nestingBeyond(text, max),
        nestingBeyondByCharacters(text, max),
        `${JSON.stringify(text)}, ${max}`,
      );
    }
  });

  it('reads a start tag of 100,000 quoted values in one pass (a search per value would take hours)', () => {
    const tag = `<a${' v="x>"'.repeat(100_000)}>`;
    assert.equal(startTagEnds(tag)(1), tag.length - 1);
    // One open element: deeper than 0, not deeper than 1.
    assert.equal(nestingBeyond(tag, 1), -1);
    assert.equal(nestingBeyond(tag, 0), 0);
  });
});
