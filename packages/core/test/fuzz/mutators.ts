// Structure-aware mutations of XML text. Each mutator finds its place with the forgiving scan of xml-text.ts, so it
// also works on text an earlier mutation broke, and says what it did in its op name (reproducible from the rng).
// `invariant` mutators change the text but not its canonical form outside SignedInfo, nor KeyInfo's role: applied
// to a signed document, the signature stays valid for a correct verifier, which is where verifiers disagree.
import { NS } from '../../src/index.ts';
import { scanXmlText, splice, type TextElement, type XmlTextMap } from './xml-text.ts';

/** A seeded random source in [0, 1). */
export type Rng = () => number;

/** What a mutator may use besides the text: the other corpus texts to splice from. */
export interface MutationContext {
  donors: readonly string[];
}

/** A mutation: returns the new text and its op name, or undefined when it does not apply to this text. */
export type Mutator = (
  map: XmlTextMap,
  rng: Rng,
  ctx: MutationContext,
) => { text: string; op: string } | undefined;

/** A random integer in [0, n). */
export const int = (rng: Rng, n: number) => Math.floor(rng() * n);

/** A random element of a list. */
export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[int(rng, items.length)] as T;
}

const DS = NS.ds;
const CC = NS.cc;

function elementsWhere(map: XmlTextMap, keep: (e: TextElement, i: number) => boolean): number[] {
  const out: number[] = [];
  map.elements.forEach((e, i) => {
    if (keep(e, i)) out.push(i);
  });
  return out;
}

function pickElement(
  map: XmlTextMap,
  rng: Rng,
  keep: (e: TextElement, i: number) => boolean = () => true,
): TextElement | undefined {
  const candidates = elementsWhere(map, keep);
  return candidates.length ? map.elements[pick(rng, candidates)] : undefined;
}

const notRoot = (e: TextElement) => e.depth > 0;
const isLeaf = (e: TextElement) => !e.selfClosing && e.children.length === 0;
const within = (ancestor: TextElement) => (e: TextElement) =>
  e.start >= ancestor.start && e.end <= ancestor.end && e !== ancestor;

function signatureOf(map: XmlTextMap): TextElement | undefined {
  return map.elements.find((e) => e.local === 'Signature' && e.namespace === DS);
}

function named(map: XmlTextMap, local: string): TextElement | undefined {
  return map.elements.find((e) => e.local === local && e.namespace === DS);
}

/** Offsets between two pieces of markup inside `el`'s content (where a comment or PI is well-formed). */
function boundariesIn(map: XmlTextMap, el: TextElement): number[] {
  return map.boundaries.filter((b) => b >= el.startTagEnd && b <= el.contentEnd);
}

function contentBoundaries(map: XmlTextMap): number[] {
  const root = map.elements[0];
  const inside = root ? boundariesIn(map, root) : [];
  return [0, ...inside, map.text.length];
}

const sizes = [300, 5_000, 100_000, 1_000_000] as const;
/** Most characters one mutation adds (inputs stay well under the 8 MiB limit unless stacked). */
const MAX_GROWTH = 2_000_000;
const depths = [63, 64, 65, 100, 255, 256, 257, 3_000] as const;

/** A string of `n` copies of a unit chosen at random. */
function filler(rng: Rng, n: number): { value: string; label: string } {
  const unit = pick(rng, ['A', '9', 'é', '&amp;', ' ', '😀', 'a b']);
  return {
    value: unit.repeat(Math.max(1, Math.floor(n / unit.length))),
    label: `${JSON.stringify(unit)}x${n}`,
  };
}

function renameTags(text: string, el: TextElement, qname: string): string {
  let out = text;
  if (!el.selfClosing && el.contentEnd < el.end) {
    out = splice(out, el.contentEnd + 2, el.contentEnd + 2 + el.qname.length, qname);
  }
  return splice(out, el.start + 1, el.start + 1 + el.qname.length, qname);
}

/** Moves every unprefixed element in namespace `ns` under `top` to `prefix:`; `top` declares the prefix. */
function prefixNamespace(map: XmlTextMap, top: TextElement, ns: string, prefix: string): string {
  const targets = map.elements.filter(
    (e) => (e === top || within(top)(e)) && e.prefix === '' && e.namespace === ns,
  );
  const edits: Array<{ start: number; end: number; insert: string }> = [];
  for (const e of targets) {
    if (!e.selfClosing && e.contentEnd < e.end)
      edits.push({
        start: e.contentEnd + 2,
        end: e.contentEnd + 2 + e.qname.length,
        insert: `${prefix}:${e.qname}`,
      });
    const xmlns = e.attributes.find((a) => a.name === 'xmlns' && a.value === ns);
    if (xmlns) {
      edits.push({
        start: xmlns.start,
        end: xmlns.end,
        insert: `xmlns:${prefix}="${ns}"`,
      });
    } else if (e === top) {
      edits.push({
        start: e.start + 1 + e.qname.length,
        end: e.start + 1 + e.qname.length,
        insert: ` xmlns:${prefix}="${ns}"`,
      });
    }
    edits.push({ start: e.start + 1, end: e.start + 1 + e.qname.length, insert: `${prefix}:${e.qname}` });
  }
  // One pass in text order: splicing the whole text once per edit took minutes on thousands of elements.
  edits.sort((a, b) => a.start - b.start);
  const parts: string[] = [];
  let at = 0;
  for (const ed of edits) {
    parts.push(map.text.slice(at, ed.start), ed.insert);
    at = ed.end;
  }
  parts.push(map.text.slice(at));
  return parts.join('');
}

/** A character reference for a character, hexadecimal or decimal. */
function charRef(rng: Rng, c: string): string {
  const code = c.codePointAt(0) as number;
  return rng() < 0.5 ? `&#x${code.toString(16).toUpperCase()};` : `&#${code};`;
}

/** Replaces some characters of `value` (not markup, not whitespace, not inside references) by references. */
function withCharRefs(rng: Rng, value: string, share: number): string {
  let out = '';
  let inRef = false;
  for (const c of value) {
    if (c === '&') inRef = true;
    if (!inRef && !/[\s<>&"']/.test(c) && rng() < share) out += charRef(rng, c);
    else out += c;
    if (c === ';') inRef = false;
  }
  return out;
}

const ALGORITHMS = [
  'http://www.w3.org/TR/2001/REC-xml-c14n-20010315',
  'http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments',
  'http://www.w3.org/2001/10/xml-exc-c14n#',
  'http://www.w3.org/2006/12/xml-c14n11',
  'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
  'http://www.w3.org/TR/1999/REC-xpath-19991116',
  'http://www.w3.org/2000/09/xmldsig#sha1',
  'http://www.w3.org/2001/04/xmlenc#sha512',
  'http://www.w3.org/2000/09/xmldsig#rsa-sha1',
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256',
  'http://www.w3.org/2000/09/xmldsig#hmac-sha1',
  '',
];

const VALUES = [
  '',
  ' ',
  '0',
  '-1',
  '1',
  '2147483648',
  '99999999999999999999999999',
  '1e3',
  'true',
  'TRUE',
  '{00000000-1111-2222-3333-44444444444G}',
  '{00000000-1111-2222-3333-444444444444}',
  'https://',
  'http://example.com/',
  'https://[::1]:99999/x',
  'PT1M',
  'P-1D',
  '2026-02-30T00:00:00Z',
  '\u00A0',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
  '&amp;&lt;&gt;&quot;&apos;',
  ']]&gt;',
  '%s%n',
  '(((((((((a)))))))))*',
];

/** Every mutator by name; `invariant` marks those that keep a signature valid (see the header). */
export const MUTATORS: Record<string, { mutate: Mutator; invariant?: boolean }> = {
  'delete-element': {
    mutate: (map, rng) => {
      const el = pickElement(map, rng, notRoot);
      return el && { text: splice(map.text, el.start, el.end, ''), op: `delete-element:${el.qname}` };
    },
  },
  'duplicate-element': {
    mutate: (map, rng) => {
      const el = pickElement(map, rng, notRoot);
      return (
        el && {
          text: splice(map.text, el.end, el.end, map.text.slice(el.start, el.end)),
          op: `duplicate-element:${el.qname}`,
        }
      );
    },
  },
  'swap-siblings': {
    mutate: (map, rng) => {
      const parent = pickElement(map, rng, (e) => e.children.length >= 2);
      if (!parent) return undefined;
      const i = int(rng, parent.children.length - 1);
      const j = i + 1 + int(rng, parent.children.length - i - 1);
      const a = map.elements[parent.children[i] as number] as TextElement;
      const b = map.elements[parent.children[j] as number] as TextElement;
      const t = map.text;
      const text =
        t.slice(0, a.start) +
        t.slice(b.start, b.end) +
        t.slice(a.end, b.start) +
        t.slice(a.start, a.end) +
        t.slice(b.end);
      return { text, op: `swap-siblings:${a.qname}<>${b.qname}` };
    },
  },
  'move-element': {
    mutate: (map, rng) => {
      const el =
        rng() < 0.3 ? (signatureOf(map) ?? pickElement(map, rng, notRoot)) : pickElement(map, rng, notRoot);
      if (!el) return undefined;
      const target = pickElement(
        map,
        rng,
        (e) =>
          !e.selfClosing &&
          (e.end <= el.start || e.start >= el.end || (e.start < el.start && e.end > el.end)),
      );
      if (!target) return undefined;
      const piece = map.text.slice(el.start, el.end);
      const at = rng() < 0.5 ? target.startTagEnd : target.contentEnd;
      const without = splice(map.text, el.start, el.end, '');
      const shifted = at > el.start ? at - piece.length : at;
      return {
        text: splice(without, shifted, shifted, piece),
        op: `move-element:${el.qname}->${target.qname}`,
      };
    },
  },
  'empty-element': {
    mutate: (map, rng) => {
      const el = pickElement(map, rng, (e) => !e.selfClosing && e.contentEnd > e.startTagEnd);
      return (
        el && { text: splice(map.text, el.startTagEnd, el.contentEnd, ''), op: `empty-element:${el.qname}` }
      );
    },
  },
  'rename-element': {
    mutate: (map, rng) => {
      const el = pickElement(map, rng);
      if (!el) return undefined;
      const qname = pick(rng, [
        el.qname.toLowerCase(),
        `${el.qname}x`,
        el.qname.slice(0, -1),
        `fz:${el.local}`,
      ]);
      return { text: renameTags(map.text, el, qname), op: `rename-element:${el.qname}->${qname}` };
    },
  },
  'huge-text': {
    mutate: (map, rng) => {
      const el = pickElement(map, rng, isLeaf);
      if (!el) return undefined;
      const f = filler(rng, pick(rng, sizes));
      return {
        text: splice(map.text, el.startTagEnd, el.contentEnd, f.value),
        op: `huge-text:${el.qname}:${f.label}`,
      };
    },
  },
  'huge-attribute': {
    mutate: (map, rng) => {
      const el = pickElement(map, rng, (e) => e.attributes.length > 0) ?? pickElement(map, rng);
      if (!el) return undefined;
      const f = filler(rng, pick(rng, sizes));
      const value = f.value.replace(/"/g, '&quot;');
      const attr = el.attributes.length ? pick(rng, el.attributes) : undefined;
      const text = attr
        ? splice(map.text, attr.start, attr.end, `${attr.name}="${value}"`)
        : splice(
            map.text,
            el.start + 1 + el.qname.length,
            el.start + 1 + el.qname.length,
            ` name="${value}"`,
          );
      return { text, op: `huge-attribute:${el.qname}@${attr?.name ?? 'name'}:${f.label}` };
    },
  },
  'many-attributes': {
    mutate: (map, rng) => {
      const el = pickElement(map, rng);
      if (!el) return undefined;
      const n = pick(rng, [50, 2_000, 8_000]);
      let attrs = ' xmlns:fz="urn:fuzz"';
      for (let i = 0; i < n; i++) attrs += ` fz:a${i}="${i}"`;
      const at = el.start + 1 + el.qname.length;
      return { text: splice(map.text, at, at, attrs), op: `many-attributes:${el.qname}:${n}` };
    },
  },
  'duplicate-attribute': {
    mutate: (map, rng) => {
      const el = pickElement(map, rng, (e) => e.attributes.length > 0);
      if (!el) return undefined;
      const a = pick(rng, el.attributes);
      return {
        text: splice(map.text, a.end, a.end, ` ${map.text.slice(a.start, a.end)}`),
        op: `duplicate-attribute:${a.name}`,
      };
    },
  },
  'deep-nesting': {
    mutate: (map, rng) => {
      const el = pickElement(map, rng, (e) => !e.selfClosing);
      if (!el) return undefined;
      const depth = pick(rng, depths);
      const open = pick(rng, ['<d>', '<d xmlns="urn:fuzz">', '<fz:d xmlns:fz="urn:fuzz">', `<${el.qname}>`]);
      const close = open.startsWith('<fz:')
        ? '</fz:d>'
        : open.startsWith(`<${el.qname}`)
          ? `</${el.qname}>`
          : '</d>';
      const at = rng() < 0.5 ? el.startTagEnd : el.contentEnd;
      return {
        text: splice(map.text, at, at, open.repeat(depth) + close.repeat(depth)),
        op: `deep-nesting:${el.qname}:${open}x${depth}`,
      };
    },
  },
  'many-children': {
    mutate: (map, rng) => {
      const el = pickElement(map, rng, notRoot);
      if (!el) return undefined;
      const piece = map.text.slice(el.start, el.end);
      const n = Math.min(pick(rng, [30, 1_000, 5_000]), Math.floor(MAX_GROWTH / Math.max(1, piece.length)));
      return {
        text: splice(map.text, el.end, el.end, piece.repeat(n)),
        op: `many-children:${el.qname}x${n}`,
      };
    },
  },
  'insert-comment': {
    invariant: true,
    mutate: (map, rng) => {
      const at = pick(rng, contentBoundaries(map));
      const comment = pick(rng, ['<!---->', '<!-- x -->', '<!--<Global>-->', '<!--\n-->']);
      return { text: splice(map.text, at, at, comment), op: `insert-comment@${at}` };
    },
  },
  'insert-comment-anywhere': {
    mutate: (map, rng) => {
      const at = int(rng, map.text.length + 1);
      const comment = pick(rng, ['<!---->', '<!-- -- -->', '<!--->', '<!-- x --->']);
      return { text: splice(map.text, at, at, comment), op: `insert-comment-anywhere@${at}:${comment}` };
    },
  },
  'insert-pi': {
    mutate: (map, rng) => {
      const at = rng() < 0.7 ? pick(rng, contentBoundaries(map)) : int(rng, map.text.length + 1);
      const pi = pick(rng, [
        '<?x?>',
        '<?fz data?>',
        '<?xml-stylesheet type="text/xsl" href="s.xsl"?>',
        '<?xml version="1.0"?>',
        '<?XML x?>',
        '<?pi <Global>?>',
      ]);
      return { text: splice(map.text, at, at, pi), op: `insert-pi@${at}:${pi}` };
    },
  },
  'pi-replaces-declaration': {
    mutate: (map, rng) => {
      const pi = pick(rng, [
        '<?xml-stylesheet type="text/xsl" href="s.xsl"?>',
        '<?x?>',
        '<?xml-model href="m.rnc"?>',
      ]);
      const decl = /^<\?xml\s[^?]*\?>/.exec(map.text);
      return {
        text: splice(map.text, 0, decl ? decl[0].length : 0, pi),
        op: `pi-replaces-declaration:${pi}`,
      };
    },
  },
  'pi-in-signature': {
    mutate: (map, rng) => {
      const sig = signatureOf(map);
      if (!sig) return undefined;
      const at = pick(rng, boundariesIn(map, sig));
      return at === undefined
        ? undefined
        : { text: splice(map.text, at, at, '<?fz x?>'), op: `pi-in-signature@${at}` };
    },
  },
  'pi-in-keyinfo': {
    invariant: true,
    mutate: (map, rng) => {
      const ki = rng() < 0.5 ? named(map, 'X509Data') : named(map, 'KeyInfo');
      if (!ki) return undefined;
      const at = pick(rng, boundariesIn(map, ki));
      const what = pick(rng, ['<?fz x?>', '<!-- c -->', '<?xml-stylesheet href="k"?>']);
      return at === undefined
        ? undefined
        : { text: splice(map.text, at, at, what), op: `pi-in-${ki.local}@${at}:${what}` };
    },
  },
  'cdata-wrap': {
    invariant: true,
    mutate: (map, rng) => {
      const runs = map.runs.filter((r) => r.parent >= 0 && /\S/.test(map.text.slice(r.start, r.end)));
      const candidates = runs.filter((r) => !/[&\]]/.test(map.text.slice(r.start, r.end)));
      if (!candidates.length) return undefined;
      const r = pick(rng, candidates);
      const value = map.text.slice(r.start, r.end);
      const cut = int(rng, value.length + 1);
      const wrapped =
        rng() < 0.5 ? `<![CDATA[${value}]]>` : `${value.slice(0, cut)}<![CDATA[${value.slice(cut)}]]>`;
      return { text: splice(map.text, r.start, r.end, wrapped), op: `cdata-wrap@${r.start}` };
    },
  },
  'char-refs': {
    invariant: true,
    mutate: (map, rng) => {
      if (rng() < 0.5) {
        const runs = map.runs.filter((r) => r.parent >= 0 && /\S/.test(map.text.slice(r.start, r.end)));
        if (!runs.length) return undefined;
        const r = pick(rng, runs);
        const value = withCharRefs(rng, map.text.slice(r.start, r.end), 0.3);
        return { text: splice(map.text, r.start, r.end, value), op: `char-refs:text@${r.start}` };
      }
      const el = pickElement(map, rng, (e) => e.attributes.length > 0);
      if (!el) return undefined;
      const a = pick(rng, el.attributes);
      const value = withCharRefs(rng, a.value, 0.3);
      return {
        text: splice(map.text, a.start, a.end, `${a.name}=${a.quote}${value}${a.quote}`),
        op: `char-refs:${el.qname}@${a.name}`,
      };
    },
  },
  'namespace-char-ref': {
    invariant: true,
    mutate: (map, rng) => {
      const decls = map.elements.flatMap((e) =>
        e.attributes.filter((a) => a.name === 'xmlns' || a.name.startsWith('xmlns:')).map((a) => ({ e, a })),
      );
      const preferDs = decls.filter((d) => d.a.value === DS);
      const d =
        preferDs.length && rng() < 0.6 ? pick(rng, preferDs) : decls.length ? pick(rng, decls) : undefined;
      if (!d) return undefined;
      const chars = [...d.a.value];
      const eligible = chars.map((c, i) => ({ c, i })).filter(({ c }) => /[#/:.a-z]/.test(c));
      if (!eligible.length) return undefined;
      const hash = eligible.find(({ c }) => c === '#');
      const chosen = hash && rng() < 0.7 ? hash : pick(rng, eligible);
      chars[chosen.i] = charRef(rng, chosen.c);
      return {
        text: splice(map.text, d.a.start, d.a.end, `${d.a.name}=${d.a.quote}${chars.join('')}${d.a.quote}`),
        op: `namespace-char-ref:${d.e.qname}:${JSON.stringify(chosen.c)}`,
      };
    },
  },
  'namespace-change': {
    mutate: (map, rng) => {
      const el = pickElement(map, rng, (e) => e.attributes.some((a) => a.name === 'xmlns'));
      const a = el?.attributes.find((x) => x.name === 'xmlns');
      if (!el || !a) return undefined;
      const value = pick(rng, [
        NS.cc2,
        '',
        `${a.value} `,
        'name',
        a.value.toUpperCase(),
        a.value.replace('#', ''),
        `${a.value}/`,
        DS,
        CC,
      ]);
      return {
        text: splice(map.text, a.start, a.end, `xmlns="${value}"`),
        op: `namespace-change:${el.qname}:${JSON.stringify(value)}`,
      };
    },
  },
  'attr-quotes': {
    invariant: true,
    mutate: (map, rng) => {
      const el = pickElement(map, rng, (e) => e.attributes.length > 0);
      if (!el) return undefined;
      let text = map.text;
      for (const a of [...el.attributes].reverse()) {
        const q = a.quote === '"' ? "'" : '"';
        if (a.value.includes(q)) continue;
        text = splice(text, a.start, a.end, `${a.name}=${q}${a.value}${q}`);
      }
      return { text, op: `attr-quotes:${el.qname}` };
    },
  },
  'tag-whitespace': {
    invariant: true,
    mutate: (map, rng) => {
      const el = pickElement(map, rng);
      if (!el) return undefined;
      const ws = () => pick(rng, [' ', '\n', '\t', '  ', '\r\n']);
      const attrs = el.attributes.map(
        (a) =>
          `${ws()}${a.name}${rng() < 0.5 ? ws() : ''}=${rng() < 0.5 ? ws() : ''}${a.quote}${a.value}${a.quote}`,
      );
      const startTag = `<${el.qname}${attrs.join('')}${rng() < 0.5 ? ws() : ''}${el.selfClosing ? '/>' : '>'}`;
      let text = map.text;
      if (!el.selfClosing && el.contentEnd < el.end)
        text = splice(text, el.contentEnd, el.end, `</${el.qname}${ws()}>`);
      return { text: splice(text, el.start, el.startTagEnd, startTag), op: `tag-whitespace:${el.qname}` };
    },
  },
  'attr-order': {
    invariant: true,
    mutate: (map, rng) => {
      const el = pickElement(map, rng, (e) => e.attributes.length >= 2);
      if (!el) return undefined;
      const attrs = [...el.attributes].reverse().map((a) => map.text.slice(a.start, a.end));
      const startTag = `<${el.qname} ${attrs.join(' ')}${el.selfClosing ? '/>' : '>'}`;
      return { text: splice(map.text, el.start, el.startTagEnd, startTag), op: `attr-order:${el.qname}` };
    },
  },
  'self-closing': {
    invariant: true,
    mutate: (map, rng) => {
      const el = pickElement(
        map,
        rng,
        (e) => e.selfClosing || (e.contentEnd === e.startTagEnd && e.end > e.contentEnd),
      );
      if (!el) return undefined;
      const head = map.text.slice(el.start, el.startTagEnd);
      if (el.selfClosing) {
        const open = head.replace(/\s*\/>$/, '>');
        return {
          text: splice(map.text, el.start, el.end, `${open}</${el.qname}>`),
          op: `open-close:${el.qname}`,
        };
      }
      const closed = head.replace(/>$/, '/>');
      return { text: splice(map.text, el.start, el.end, closed), op: `self-close:${el.qname}` };
    },
  },
  'ds-prefix': {
    mutate: (map, rng) => {
      const sig = signatureOf(map);
      if (!sig || sig.prefix) return undefined;
      const prefix = pick(rng, ['ds', 'dsig', 'xs', 'CarrierProvisioning']);
      return { text: prefixNamespace(map, sig, DS, prefix), op: `ds-prefix:${prefix}` };
    },
  },
  'cc-prefix': {
    mutate: (map, rng) => {
      const root = map.elements[0];
      if (!root || root.prefix || root.namespace !== CC) return undefined;
      const prefix = pick(rng, ['cc', 'ds', 'p']);
      return { text: prefixNamespace(map, root, CC, prefix), op: `cc-prefix:${prefix}` };
    },
  },
  'redundant-namespace': {
    invariant: true,
    mutate: (map, rng) => {
      const el = pickElement(
        map,
        rng,
        (e) =>
          e.depth > 0 && !e.prefix && e.namespace !== '' && !e.attributes.some((a) => a.name === 'xmlns'),
      );
      if (!el) return undefined;
      const at = el.start + 1 + el.qname.length;
      return {
        text: splice(map.text, at, at, ` xmlns="${el.namespace}"`),
        op: `redundant-namespace:${el.qname}`,
      };
    },
  },
  'unused-namespace': {
    mutate: (map, rng) => {
      const el = pickElement(map, rng);
      if (!el) return undefined;
      const at = el.start + 1 + el.qname.length;
      const decl = pick(rng, [
        ' xmlns:fz="urn:fuzz"',
        ` xmlns:ds="${DS}"`,
        ' xmlns:xml="http://www.w3.org/XML/1998/namespace"',
      ]);
      return { text: splice(map.text, at, at, decl), op: `unused-namespace:${el.qname}:${decl.trim()}` };
    },
  },
  'xml-attributes': {
    mutate: (map, rng) => {
      const el = pickElement(map, rng);
      if (!el) return undefined;
      const at = el.start + 1 + el.qname.length;
      const attr = pick(rng, [
        ' xml:lang="en"',
        ' xml:space="preserve"',
        ' xml:base="http://x/"',
        ' xml:id="a"',
      ]);
      return { text: splice(map.text, at, at, attr), op: `xml-attribute:${el.qname}:${attr.trim()}` };
    },
  },
  doctype: {
    mutate: (map, rng) => {
      const root = map.elements[0];
      if (!root) return undefined;
      const dt = pick(rng, [
        '<!DOCTYPE CarrierProvisioning>',
        '<!DOCTYPE CarrierProvisioning [<!ENTITY e "x">]>',
        '<!DOCTYPE r SYSTEM "file:///etc/passwd">',
        '<!doctype CarrierProvisioning>',
      ]);
      return { text: splice(map.text, root.start, root.start, dt), op: `doctype:${dt}` };
    },
  },
  'entity-ref': {
    mutate: (map, rng) => {
      const runs = map.runs.filter((r) => r.parent >= 0);
      if (!runs.length) return undefined;
      const r = pick(rng, runs);
      const at = r.start + int(rng, r.end - r.start + 1);
      const ref = pick(rng, [
        '&amp;',
        '&lt;',
        '&gt;',
        '&bogus;',
        '&#0;',
        '&#xD800;',
        '&#x10FFFF;',
        '&#1114112;',
        '&#x9;',
        '&#xD;',
        '&',
        '&#;',
        '&#x;',
      ]);
      return { text: splice(map.text, at, at, ref), op: `entity-ref@${at}:${ref}` };
    },
  },
  declaration: {
    invariant: true,
    mutate: (map, rng) => {
      const decl = /^<\?xml\s[^?]*\?>/.exec(map.text);
      const replacement = pick(rng, [
        '',
        '<?xml version="1.0"?>',
        "<?xml version='1.0' encoding='utf-8' ?>",
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
        '<?xml version="1.0" standalone="no"?>',
      ]);
      return {
        text: splice(map.text, 0, decl ? decl[0].length : 0, replacement),
        op: `declaration:${JSON.stringify(replacement)}`,
      };
    },
  },
  'declaration-broken': {
    mutate: (map, rng) => {
      const decl = /^<\?xml\s[^?]*\?>/.exec(map.text);
      const replacement = pick(rng, [
        ' <?xml version="1.0"?>',
        '<?xml version="1.1"?>',
        '<?xml version="2.0"?>',
        '<?xml encoding="utf-8"?>',
        '<?XML version="1.0"?>',
        '<?xml version="1.0" encoding="utf-8" standalone="maybe"?>',
        '<?xml version="1.0"?><?xml version="1.0"?>',
      ]);
      return {
        text: splice(map.text, 0, decl ? decl[0].length : 0, replacement),
        op: `declaration-broken:${JSON.stringify(replacement)}`,
      };
    },
  },
  'outside-root': {
    invariant: true,
    mutate: (map, rng) => {
      const root = map.elements[0];
      if (!root) return undefined;
      const what = pick(rng, ['\n', '\n\n  \t', '<!-- after -->', '\r\n']);
      const after = rng() < 0.5;
      const at = after ? root.end : root.start;
      return {
        text: splice(map.text, at, at, what),
        op: `outside-root:${after ? 'after' : 'before'}:${JSON.stringify(what)}`,
      };
    },
  },
  'outside-root-broken': {
    mutate: (map, rng) => {
      const root = map.elements[0];
      if (!root) return undefined;
      const what = pick(rng, [
        'text',
        '<second/>',
        map.text.slice(root.start, root.end),
        '&amp;',
        '<![CDATA[x]]>',
      ]);
      return {
        text: splice(map.text, root.end, root.end, what),
        op: `outside-root-broken:${JSON.stringify(what.slice(0, 20))}`,
      };
    },
  },
  'splice-other': {
    mutate: (map, rng, ctx) => {
      if (!ctx.donors.length) return undefined;
      const donor = scanXmlText(pick(rng, ctx.donors));
      const piece = pickElement(donor, rng, notRoot);
      const target = pickElement(map, rng, (e) => !e.selfClosing);
      if (!piece || !target) return undefined;
      const at = rng() < 0.5 ? target.startTagEnd : target.contentEnd;
      return {
        text: splice(map.text, at, at, donor.text.slice(piece.start, piece.end)),
        op: `splice-other:${piece.qname}->${target.qname}`,
      };
    },
  },
  truncate: {
    mutate: (map, rng) => {
      const at = int(rng, map.text.length);
      return { text: map.text.slice(0, at), op: `truncate@${at}` };
    },
  },
  'base64-whitespace': {
    invariant: true,
    mutate: (map, rng) => {
      const el = rng() < 0.5 ? named(map, 'X509Certificate') : named(map, 'SignatureValue');
      if (!el || el.selfClosing) return undefined;
      const value = map.text.slice(el.startTagEnd, el.contentEnd).replace(/\s+/g, '');
      const style = pick(rng, ['lines64', 'lines76', 'spaces', 'crlf', 'edges']);
      const lines = (n: number, sep: string) => value.match(new RegExp(`.{1,${n}}`, 'g'))?.join(sep) ?? value;
      const out =
        style === 'lines64'
          ? `\n${lines(64, '\n')}\n`
          : style === 'lines76'
            ? lines(76, '\n')
            : style === 'spaces'
              ? lines(4, ' ')
              : style === 'crlf'
                ? lines(64, '\r\n')
                : `  \n${value}\n  `;
      return {
        text: splice(map.text, el.startTagEnd, el.contentEnd, out),
        op: `base64-whitespace:${el.local}:${style}`,
      };
    },
  },
  'base64-corrupt': {
    mutate: (map, rng) => {
      const el = pick(
        rng,
        ['X509Certificate', 'SignatureValue', 'DigestValue'].map((n) => named(map, n)),
      );
      if (!el || el.selfClosing || el.contentEnd <= el.startTagEnd) return undefined;
      const value = map.text.slice(el.startTagEnd, el.contentEnd);
      const at = int(rng, value.length);
      const how = pick(rng, ['flip', 'unpad', 'pad', 'junk', 'url-safe', 'drop4']);
      const out =
        how === 'flip'
          ? value.slice(0, at) + (value[at] === 'A' ? 'B' : 'A') + value.slice(at + 1)
          : how === 'unpad'
            ? value.replace(/=+\s*$/, '')
            : how === 'pad'
              ? `${value}=`
              : how === 'junk'
                ? `${value.slice(0, at)}*${value.slice(at)}`
                : how === 'url-safe'
                  ? value.replace(/\+/g, '-').replace(/\//g, '_')
                  : value.slice(4);
      return {
        text: splice(map.text, el.startTagEnd, el.contentEnd, out),
        op: `base64-corrupt:${el.local}:${how}`,
      };
    },
  },
  'algorithm-swap': {
    mutate: (map, rng) => {
      const el = pickElement(map, rng, (e) => e.attributes.some((a) => a.name === 'Algorithm'));
      const a = el?.attributes.find((x) => x.name === 'Algorithm');
      if (!el || !a) return undefined;
      const value = pick(rng, ALGORITHMS);
      return {
        text: splice(map.text, a.start, a.end, `Algorithm="${value}"`),
        op: `algorithm-swap:${el.local}:${value.split(/[#/]/).pop()}`,
      };
    },
  },
  'value-swap': {
    mutate: (map, rng) => {
      const el = pickElement(map, rng, isLeaf);
      if (!el) return undefined;
      const value = pick(rng, VALUES);
      return {
        text: splice(map.text, el.startTagEnd, el.contentEnd, value),
        op: `value-swap:${el.qname}:${JSON.stringify(value)}`,
      };
    },
  },
  'attribute-value-swap': {
    mutate: (map, rng) => {
      const el = pickElement(map, rng, (e) => e.attributes.some((a) => !a.name.startsWith('xmlns')));
      const a =
        el &&
        pick(
          rng,
          el.attributes.filter((x) => !x.name.startsWith('xmlns')),
        );
      if (!el || !a) return undefined;
      const value = pick(rng, VALUES).replace(/"/g, '&quot;');
      return {
        text: splice(map.text, a.start, a.end, `${a.name}="${value}"`),
        op: `attribute-value-swap:${el.qname}@${a.name}:${JSON.stringify(value)}`,
      };
    },
  },
  'text-whitespace': {
    mutate: (map, rng) => {
      const el = pickElement(map, rng, isLeaf);
      if (!el) return undefined;
      const ws = pick(rng, [' ', '\n', '\t', '\u00A0', '\r\n  ']);
      const before = rng() < 0.5;
      const at = before ? el.startTagEnd : el.contentEnd;
      return {
        text: splice(map.text, at, at, ws),
        op: `text-whitespace:${el.qname}:${before ? 'before' : 'after'}:${JSON.stringify(ws)}`,
      };
    },
  },
  'line-endings': {
    invariant: true,
    mutate: (map, rng) => {
      const to = pick(rng, ['\r\n', '\r']);
      return { text: map.text.replace(/\r?\n/g, to), op: `line-endings:${JSON.stringify(to)}` };
    },
  },
};

/** Names of all mutators. */
export const MUTATOR_NAMES = Object.keys(MUTATORS);
/** Names of the signature-preserving mutators. */
export const INVARIANT_NAMES = MUTATOR_NAMES.filter((n) => MUTATORS[n]?.invariant);

/** Applies the named mutator to `text`; undefined when it does not apply. */
export function mutate(
  text: string,
  name: string,
  rng: Rng,
  ctx: MutationContext,
): { text: string; op: string } | undefined {
  const m = MUTATORS[name];
  if (!m) throw new Error(`unknown mutator ${name}`);
  return m.mutate(scanXmlText(text), rng, ctx);
}

/** Flips 1-8 random bits of the UTF-8 bytes of `data` (or of the bytes). */
export function flipBits(data: string | Uint8Array, rng: Rng): { data: Uint8Array; op: string } {
  const bytes = Uint8Array.from(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
  const n = 1 + int(rng, 8);
  const at: number[] = [];
  for (let i = 0; i < n && bytes.length; i++) {
    const p = int(rng, bytes.length);
    bytes[p] = (bytes[p] as number) ^ (1 << int(rng, 8));
    at.push(p);
  }
  return { data: bytes, op: `flip-bits@${at.join(',')}` };
}
