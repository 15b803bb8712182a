// Text from a Pattern: a parser for the ECMAScript regular expressions operator message rules use, and a
// generator of a short text the Pattern matches, with chosen text in chosen capturing groups.

/** A disjunction: one or more alternatives, each a sequence of terms. */
export interface PatternDisjunction {
  alternatives: PatternTerm[][];
  /** Capturing groups anywhere inside. */
  groups: Set<number>;
}

/** One term of a Pattern. */
export type PatternTerm =
  /** A literal character. */
  | { type: 'char'; text: string }
  /** A character set: a class `[...]`, `.`, or a class escape (`\d`, `\S`, `\x41`, ...), kept as its source. */
  | { type: 'set'; source: string }
  /** `^`, `$`, `\b`, `\B`: matches no text. */
  | { type: 'assert' }
  /** A lookahead or lookbehind: generates no text (the verification decides). */
  | { type: 'look'; body: PatternDisjunction }
  /** A group; `capture` is its 1-based number when it captures. `start`/`end` bound its body in the source. */
  | { type: 'group'; capture?: number; body: PatternDisjunction; start: number; end: number }
  /** A backreference to a capturing group (by number, or by name until resolved). */
  | { type: 'backref'; group: number | string }
  /** A quantified term. */
  | { type: 'repeat'; min: number; max: number; child: PatternTerm };

/** A parsed Pattern. */
export interface ParsedPattern {
  source: string;
  root: PatternDisjunction;
  /** Number of capturing groups. */
  groupCount: number;
  /** Capturing groups by number. */
  groups: Map<number, Extract<PatternTerm, { type: 'group' }>>;
}

/** Thrown for a construct the parser does not handle; the message names it. */
export class PatternSyntaxError extends Error {}

const QUANTIFIER = /\{(\d+)(?:(,)(\d*))?\}/y;

/**
 * Parses a Pattern (ECMAScript syntax, no flags, with the web-compatibility grammar of Annex B: a lone `{` or `]`
 * is a literal). `groupCount` is the number of capturing groups of the whole Pattern, which decides whether `\N`
 * is a backreference or a legacy octal escape. Throws PatternSyntaxError for what it cannot read.
 */
export function parsePattern(source: string, groupCount: number): ParsedPattern {
  let pos = 0;
  let nextGroup = 1;
  const names = new Map<string, number>();
  const groups = new Map<number, Extract<PatternTerm, { type: 'group' }>>();

  const disjunction = (): PatternDisjunction => {
    const alternatives: PatternTerm[][] = [sequence()];
    while (source[pos] === '|') {
      pos++;
      alternatives.push(sequence());
    }
    const set = new Set<number>();
    for (const alt of alternatives) for (const term of alt) for (const g of groupsOf(term)) set.add(g);
    return { alternatives, groups: set };
  };

  const sequence = (): PatternTerm[] => {
    const terms: PatternTerm[] = [];
    while (pos < source.length && source[pos] !== '|' && source[pos] !== ')') terms.push(quantified(atom()));
    return terms;
  };

  const quantified = (term: PatternTerm): PatternTerm => {
    let min: number;
    let max: number;
    const c = source[pos];
    if (c === '*' || c === '+' || c === '?') {
      pos++;
      [min, max] = c === '*' ? [0, Infinity] : c === '+' ? [1, Infinity] : [0, 1];
    } else if (c === '{') {
      QUANTIFIER.lastIndex = pos;
      const m = QUANTIFIER.exec(source);
      if (!m) return term;
      pos = QUANTIFIER.lastIndex;
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === '' || m[3] === undefined ? Infinity : Number(m[3]);
    } else {
      return term;
    }
    if (source[pos] === '?') pos++; // lazy: the same texts match
    if (term.type === 'assert') return term;
    return { type: 'repeat', min, max, child: term };
  };

  const atom = (): PatternTerm => {
    const start = pos;
    const c = source[pos] as string;
    if (c === '^' || c === '$') {
      pos++;
      return { type: 'assert' };
    }
    if (c === '.') {
      pos++;
      return { type: 'set', source: '.' };
    }
    if (c === '[') {
      let j = pos + 1;
      if (source[j] === '^') j++;
      while (j < source.length && source[j] !== ']') j += source[j] === '\\' ? 2 : 1;
      if (j >= source.length) throw new PatternSyntaxError(`unterminated character class at ${pos}`);
      pos = j + 1;
      return { type: 'set', source: source.slice(start, pos) };
    }
    if (c === '(') return group();
    if (c === '\\') return escaped();
    if (c === '*' || c === '+' || c === '?') throw new PatternSyntaxError(`nothing to repeat at ${pos}`);
    pos++;
    return { type: 'char', text: c };
  };

  const group = (): PatternTerm => {
    const open = pos;
    pos++;
    let capture: number | undefined;
    let look = false;
    if (source[pos] === '?') {
      const rest = source.slice(pos, pos + 3);
      if (rest.startsWith('?:')) pos += 2;
      else if (rest.startsWith('?=') || rest.startsWith('?!')) {
        pos += 2;
        look = true;
      } else if (rest === '?<=' || rest === '?<!') {
        pos += 3;
        look = true;
      } else if (rest.startsWith('?<')) {
        const end = source.indexOf('>', pos);
        if (end < 0) throw new PatternSyntaxError(`unterminated group name at ${open}`);
        capture = nextGroup++;
        names.set(source.slice(pos + 2, end), capture);
        pos = end + 1;
      } else {
        throw new PatternSyntaxError(`group syntax "(${rest}" at ${open} is not supported`);
      }
    } else {
      capture = nextGroup++;
    }
    const bodyStart = pos;
    const body = disjunction();
    if (source[pos] !== ')') throw new PatternSyntaxError(`unterminated group at ${open}`);
    const bodyEnd = pos;
    pos++;
    if (look) return { type: 'look', body };
    const node: Extract<PatternTerm, { type: 'group' }> = {
      type: 'group',
      body,
      start: bodyStart,
      end: bodyEnd,
      ...(capture !== undefined ? { capture } : {}),
    };
    if (capture !== undefined) groups.set(capture, node);
    return node;
  };

  const escaped = (): PatternTerm => {
    const start = pos;
    const c = source[pos + 1];
    if (c === undefined) throw new PatternSyntaxError('the Pattern ends with a backslash');
    pos += 2;
    if (c === 'b' || c === 'B') return { type: 'assert' };
    if (c >= '1' && c <= '9') {
      let j = pos;
      while (j < source.length && /\d/.test(source[j] as string)) j++;
      const n = Number(source.slice(start + 1, j));
      if (n <= groupCount) {
        pos = j;
        return { type: 'backref', group: n };
      }
      // Annex B: not a backreference; \8 and \9 are the digits, others a legacy octal escape.
      if (c === '8' || c === '9') return { type: 'char', text: c };
      while (pos < source.length && pos < start + 4 && /[0-7]/.test(source[pos] as string)) pos++;
      return { type: 'set', source: source.slice(start, pos) };
    }
    if (c === 'k' && source[pos] === '<') {
      const end = source.indexOf('>', pos);
      if (end >= 0) {
        pos = end + 1;
        return { type: 'backref', group: source.slice(start + 3, end) };
      }
    }
    if (c === 'x' && /^[0-9A-Fa-f]{2}$/.test(source.slice(pos, pos + 2))) pos += 2;
    else if (c === 'u' && /^[0-9A-Fa-f]{4}$/.test(source.slice(pos, pos + 4))) pos += 4;
    else if (c === 'c' && /^[A-Za-z]$/.test(source[pos] ?? '')) pos += 1;
    else if (c === '0')
      while (pos < source.length && pos < start + 4 && /[0-7]/.test(source[pos] as string)) pos++;
    else if (!/[dDwWsSfnrtv]/.test(c)) return { type: 'char', text: c };
    return { type: 'set', source: source.slice(start, pos) };
  };

  const root = disjunction();
  if (pos < source.length) throw new PatternSyntaxError(`unmatched ")" at ${pos}`);
  resolveNames(root, names);
  return { source, root, groupCount: nextGroup - 1, groups };
}

/** The capturing groups inside a term. */
function groupsOf(term: PatternTerm): Set<number> {
  switch (term.type) {
    case 'group': {
      const set = new Set(term.body.groups);
      if (term.capture !== undefined) set.add(term.capture);
      return set;
    }
    case 'look':
      return term.body.groups;
    case 'repeat':
      return groupsOf(term.child);
    default:
      return new Set();
  }
}

/** Turns named backreferences into numbered ones. */
function resolveNames(d: PatternDisjunction, names: Map<string, number>): void {
  const visit = (term: PatternTerm): void => {
    if (term.type === 'backref' && typeof term.group === 'string') {
      const n = names.get(term.group);
      if (n === undefined) throw new PatternSyntaxError(`\\k<${term.group}> names no group`);
      term.group = n;
    } else if (term.type === 'group' || term.type === 'look') resolveNames(term.body, names);
    else if (term.type === 'repeat') visit(term.child);
  };
  for (const alt of d.alternatives) for (const term of alt) visit(term);
}

/** Characters tried, in order, as the representative of a character set: readable ones first. */
const PREFERRED =
  'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,-:/_!?#@%&*+=()[]{}<>\'"~^$|\\;`\n\t';

const representatives = new Map<string, string | null>();

/** A character the set accepts (readable when possible), or undefined when it accepts none (`[]`). */
export function representative(setSource: string): string | undefined {
  let hit = representatives.get(setSource);
  if (hit === undefined) {
    const re = new RegExp(`^(?:${setSource})$`);
    hit = null;
    for (const c of PREFERRED) {
      if (re.test(c)) {
        hit = c;
        break;
      }
    }
    for (let code = 0xa0; hit === null && code <= 0xffff; code++) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const c = String.fromCharCode(code);
      if (re.test(c)) hit = c;
    }
    for (let code = 0; hit === null && code < 0xa0; code++) {
      const c = String.fromCharCode(code);
      if (re.test(c)) hit = c;
    }
    if (representatives.size >= 512) representatives.clear();
    representatives.set(setSource, hit);
  }
  return hit ?? undefined;
}

/** Text chosen for a capturing group. Soft text is used only where the group is on the way anyway. */
export interface GroupText {
  text: string;
  /** When true the group may be left out (it is in an alternative or an optional part not otherwise needed). */
  soft?: boolean;
}

/** The outcome of generating a text. */
export type Generated = { text: string } | { problem: string };

/** Whether a term is white space only (a space, `\s`, a class of spaces), to write one of it where it is optional. */
function isSpace(term: PatternTerm): boolean {
  if (term.type === 'char') return /^\s$/.test(term.text);
  if (term.type === 'set') return representative(term.source) === ' ';
  return false;
}

/**
 * Generates a text the Pattern matches: each capturing group in `assigned` holds its text; the rest is the
 * shortest filler — the first alternative that holds every (hard) assigned group, the fewest repetitions (one
 * white space where white space is optional, for readability), a readable character for each set.
 */
export function generateText(pattern: ParsedPattern, assigned: ReadonlyMap<number, GroupText>): Generated {
  const hard = new Set<number>();
  for (const [g, t] of assigned) if (!t.soft) hard.add(g);
  const captured = new Map<number, string>();

  const needs = (groups: Set<number>): number => {
    let n = 0;
    for (const g of groups) if (hard.has(g)) n++;
    return n;
  };

  const disjunction = (d: PatternDisjunction): string => {
    const wanted = needs(d.groups);
    let chosen: PatternTerm[] | undefined;
    for (const alt of d.alternatives) {
      const inAlt = new Set<number>();
      for (const term of alt) for (const g of groupsOf(term)) inAlt.add(g);
      if (needs(inAlt) === wanted) {
        chosen = alt;
        break;
      }
    }
    if (!chosen) {
      const listed = [...d.groups].filter((g) => hard.has(g)).join(', ');
      throw new PatternSyntaxError(`groups ${listed} are in different alternatives`);
    }
    return chosen.map(term).join('');
  };

  const term = (t: PatternTerm): string => {
    switch (t.type) {
      case 'char':
        return t.text;
      case 'set': {
        const c = representative(t.source);
        if (c === undefined) throw new PatternSyntaxError(`the character set ${t.source} matches nothing`);
        return c;
      }
      case 'assert':
      case 'look':
        return '';
      case 'backref':
        return captured.get(t.group as number) ?? '';
      case 'group': {
        const given = t.capture === undefined ? undefined : assigned.get(t.capture);
        const text = given ? given.text : disjunction(t.body);
        if (t.capture !== undefined) captured.set(t.capture, text);
        return text;
      }
      case 'repeat': {
        let count = t.min;
        if (count === 0 && t.max >= 1) {
          const inside = groupsOf(t.child);
          if (needs(inside) > 0 || isSpace(t.child)) count = 1;
          else {
            // A soft group inside an optional part: leave the part out.
          }
        }
        let out = '';
        for (let i = 0; i < count; i++) out += term(t.child);
        return out;
      }
    }
  };

  try {
    return { text: disjunction(pattern.root) };
  } catch (error) {
    if (error instanceof PatternSyntaxError) return { problem: error.message };
    throw error;
  }
}

const groupTests = new WeakMap<ParsedPattern, Map<number, RegExp | null>>();

/**
 * Whether `text` can be what capturing group `group` holds, judged by the group's own body as a whole-text
 * expression. Bodies with backreferences cannot be judged alone: they accept everything (the verification of
 * the whole text decides).
 */
export function groupAccepts(pattern: ParsedPattern, group: number, text: string): boolean {
  let tests = groupTests.get(pattern);
  if (!tests) {
    tests = new Map();
    groupTests.set(pattern, tests);
  }
  let re = tests.get(group);
  if (re === undefined) {
    const node = pattern.groups.get(group);
    const body = node ? pattern.source.slice(node.start, node.end) : undefined;
    re = null;
    if (body !== undefined && !/\\(?:[1-9]|k<)/.test(body)) {
      try {
        re = new RegExp(`^(?:${body})$`);
      } catch {
        re = null;
      }
    }
    tests.set(group, re);
  }
  return re === null ? true : re.test(text);
}

/** The shortest text group `group` can hold on its own (its filler), or undefined when it cannot be generated. */
export function groupFiller(pattern: ParsedPattern, group: number): string | undefined {
  const node = pattern.groups.get(group);
  if (!node) return undefined;
  const sub: ParsedPattern = { ...pattern, root: node.body };
  const out = generateText(sub, new Map());
  return 'text' in out ? out.text : undefined;
}
