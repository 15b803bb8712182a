// Structure-aware mutation of small well-formed XML documents, for the totality tests of parsing and validation:
// elements are deleted, duplicated, nested into others, reordered, renamed, unwrapped or grafted from another
// document, and attributes and text are dropped or given odd values. The output stays well-formed XML (unless an
// attribute duplicate is made on purpose), so the inputs reach the model reader and the semantic rules instead of
// being refused by the parser.

/** A node of the mutable tree: an element, or raw text (character data, a comment, CDATA or a processing instruction). */
export type Node = Element | string;

/** An element: its qualified name, its attributes (namespace declarations included) and its children. */
export interface Element {
  name: string;
  attrs: Array<[string, string]>;
  children: Node[];
}

/** A document: what precedes the root element (declaration, comments) and the root. */
export interface Tree {
  prolog: string;
  root: Element;
}

const TOKEN = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|<\/[^>]+>|<[^>]+>|[^<]+/g;
const ATTR = /([^\s=]+)\s*=\s*("([^"]*)"|'([^']*)')/g;

/** Parses a well-formed document without a DTD (the reference fixtures) into a mutable tree. */
export function parseTree(xml: string): Tree {
  let prolog = '';
  const stack: Element[] = [];
  let root: Element | undefined;
  for (const [token] of xml.matchAll(TOKEN)) {
    const top = stack[stack.length - 1];
    if (token.startsWith('</')) {
      stack.pop();
    } else if (token.startsWith('<') && !/^<[!?]/.test(token)) {
      const selfClosing = token.endsWith('/>');
      const body = token.slice(1, selfClosing ? -2 : -1);
      const name = /^[^\s/>]+/.exec(body)?.[0] ?? '';
      const attrs = [...body.slice(name.length).matchAll(ATTR)].map(
        (m) => [m[1] as string, (m[3] ?? m[4]) as string] as [string, string],
      );
      const element: Element = { name, attrs, children: [] };
      if (top) top.children.push(element);
      else root ??= element;
      if (!selfClosing) stack.push(element);
    } else if (top) {
      top.children.push(token);
    } else if (!root) {
      prolog += token;
    }
  }
  if (!root) throw new Error('no root element');
  return { prolog, root };
}

/** Serializes a tree back to XML text (attribute values are written as they were read, already escaped). */
export function serializeTree(tree: Tree): string {
  const write = (e: Element): string => {
    const attrs = e.attrs.map(([n, v]) => ` ${n}="${v}"`).join('');
    if (e.children.length === 0) return `<${e.name}${attrs}/>`;
    return `<${e.name}${attrs}>${e.children.map((c) => (typeof c === 'string' ? c : write(c))).join('')}</${e.name}>`;
  };
  return `${tree.prolog}${write(tree.root)}\n`;
}

function cloneElement(e: Element): Element {
  return {
    name: e.name,
    attrs: e.attrs.map(([n, v]) => [n, v]),
    children: e.children.map((c) => (typeof c === 'string' ? c : cloneElement(c))),
  };
}

/** Every element of the tree with its parent (the root has none), in document order. */
function elementsOf(root: Element): Array<{ element: Element; parent?: Element }> {
  const out: Array<{ element: Element; parent?: Element }> = [{ element: root }];
  for (let i = 0; i < out.length; i++) {
    const { element } = out[i] as { element: Element };
    for (const child of element.children)
      if (typeof child !== 'string') out.push({ element: child, parent: element });
  }
  return out;
}

/** Text values that the readers and rules must survive: empty, blank, huge, negative, non-numeric, non-ASCII. */
const ODD_VALUES = [
  '',
  ' ',
  '0',
  '-1',
  '99999999999999999999999',
  '1e3',
  'true',
  'NaN',
  '%Q',
  '(',
  '[^]*',
  'é\u00a0漢',
  '{00000000-1111-2222-3333-44444444444}',
  'x'.repeat(300),
  // Names of Object.prototype members: a lookup table indexed by a document value must not find them.
  'constructor',
  '__proto__',
  'toString',
];

/** Namespace URIs a declaration may be given: a relative one (which Canonical XML refuses), none, a foreign one. */
const ODD_NAMESPACES = ['relative', '', 'urn:example:other', 'http://www.w3.org/2000/09/xmldsig#'];

/** The kinds of mutation {@link mutate} applies. */
export const MUTATIONS = [
  'delete',
  'duplicate',
  'nest',
  'reorder',
  'rename',
  'unwrap',
  'graft',
  'drop-attribute',
  'odd-attribute',
  'odd-text',
  'empty',
  'namespace',
] as const;
export type Mutation = (typeof MUTATIONS)[number];

/**
 * Applies one mutation in place, chosen with `random`, using `donors` (other documents' trees) for grafts and
 * names. Returns a description of what was done (for failure messages).
 */
export function mutate(tree: Tree, random: () => number, donors: readonly Tree[]): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const all = elementsOf(tree.root);
  const inner = all.filter((e) => e.parent) as Array<{ element: Element; parent: Element }>;
  const kind = pick(MUTATIONS);
  if (inner.length === 0) return 'nothing to mutate';
  const { element, parent } = pick(inner);
  const index = parent.children.indexOf(element);
  switch (kind) {
    case 'delete':
      parent.children.splice(index, 1);
      return `delete ${element.name}`;
    case 'duplicate':
      parent.children.splice(index + 1, 0, cloneElement(element));
      return `duplicate ${element.name}`;
    case 'nest': {
      // Into itself, a sibling or anywhere in the document (a copy, so the original stays too).
      const target = pick([
        element,
        ...parent.children.filter((c) => typeof c !== 'string'),
        pick(all).element,
      ]);
      (target as Element).children.push(cloneElement(element));
      return `nest ${element.name} in ${(target as Element).name}`;
    }
    case 'reorder': {
      const siblings = parent.children.map((c, i) => ({ c, i })).filter((x) => typeof x.c !== 'string');
      const other = pick(siblings);
      parent.children[index] = other.c;
      parent.children[other.i] = element;
      return `swap ${element.name} with ${(other.c as Element).name}`;
    }
    case 'rename': {
      const donor = pick(elementsOf(pick(donors).root)).element;
      const from = element.name;
      element.name = donor.name;
      return `rename ${from} to ${donor.name}`;
    }
    case 'unwrap':
      parent.children.splice(index, 1, ...element.children);
      return `unwrap ${element.name}`;
    case 'graft': {
      const donorTree = pick(donors);
      const donor = pick(elementsOf(donorTree.root)).element;
      const copy = cloneElement(donor);
      // Keep the donor's default namespace when it was declared on an ancestor.
      if (!copy.attrs.some(([n]) => n === 'xmlns')) {
        const ns = donorTree.root.attrs.find(([n]) => n === 'xmlns');
        if (ns) copy.attrs.push(ns);
      }
      element.children.splice(Math.floor(random() * (element.children.length + 1)), 0, copy);
      return `graft ${donor.name} into ${element.name}`;
    }
    case 'drop-attribute': {
      const attrs = element.attrs.filter(([n]) => !n.startsWith('xmlns'));
      if (attrs.length === 0) {
        parent.children.splice(index, 1);
        return `delete ${element.name} (no attribute)`;
      }
      const attr = pick(attrs);
      element.attrs.splice(element.attrs.indexOf(attr), 1);
      return `drop ${element.name}/@${attr[0]}`;
    }
    case 'odd-attribute': {
      const attrs = element.attrs.filter(([n]) => !n.startsWith('xmlns'));
      const value = pick(ODD_VALUES);
      if (attrs.length === 0) {
        element.attrs.push([pick(['Group', 'Format', 'name', 'Sender', 'protected']), value]);
        return `add an attribute "${value}" to ${element.name}`;
      }
      const attr = pick(attrs);
      attr[1] = value;
      return `set ${element.name}/@${attr[0]} to "${value}"`;
    }
    case 'odd-text': {
      const value = pick(ODD_VALUES);
      element.children = element.children.filter((c) => typeof c !== 'string');
      element.children.push(value.replace(/&/g, '&amp;').replace(/</g, '&lt;'));
      return `set the text of ${element.name} to "${value}"`;
    }
    case 'empty':
      element.children = [];
      return `empty ${element.name}`;
    case 'namespace': {
      // Redeclare the default namespace, or declare a prefix, with an odd URI (an empty prefix binding is not
      // well-formed XML 1.0, so a prefix always gets a URI).
      const uri = pick(ODD_NAMESPACES);
      if (random() < 0.5 || uri === '') {
        element.attrs = element.attrs.filter(([n]) => n !== 'xmlns');
        element.attrs.push(['xmlns', uri]);
        return `xmlns="${uri}" on ${element.name}`;
      }
      element.attrs.push(['xmlns:m', uri]);
      element.children.push({ name: 'm:Extra', attrs: [], children: ['x'] });
      return `an m:Extra child in ${uri} under ${element.name}`;
    }
  }
}
