// A forgiving scan of XML text into elements, attributes and text runs, for structure-aware mutation. It is not a
// parser: it never refuses, works on already-mutated text, and only offers places to cut and paste (offsets).

/** An attribute of a start tag, by offsets into the text. */
export interface TextAttribute {
  name: string;
  value: string;
  /** Offset of the name. */
  start: number;
  /** Offset just past the closing quote. */
  end: number;
  quote: '"' | "'";
}

/** An element, by offsets into the text. */
export interface TextElement {
  /** Qualified name as written. */
  qname: string;
  prefix: string;
  local: string;
  /** Offset of `<` of the start tag. */
  start: number;
  /** Offset just past `>` of the start tag. */
  startTagEnd: number;
  /** Offset of `<` of the end tag (= startTagEnd for a self-closed element). */
  contentEnd: number;
  /** Offset just past the element. */
  end: number;
  selfClosing: boolean;
  attributes: TextAttribute[];
  depth: number;
  parent: number;
  children: number[];
  /** Namespace of the element as declared by xmlns attributes in scope ('' when none is found). */
  namespace: string;
}

/** A run of character data between markup. */
export interface TextRun {
  start: number;
  end: number;
  /** Index of the enclosing element, -1 outside the root. */
  parent: number;
}

/** What {@link scanXmlText} found. */
export interface XmlTextMap {
  text: string;
  elements: TextElement[];
  runs: TextRun[];
  /** Offsets of every `<` and just past every `>` of markup (tag boundaries), ascending. */
  boundaries: number[];
}

const NAME = /^[A-Za-z_][\w.:-]*/;

/** Scans `text`; elements whose end tag is missing end where their parent ends. */
export function scanXmlText(text: string): XmlTextMap {
  const elements: TextElement[] = [];
  const runs: TextRun[] = [];
  const boundaries: number[] = [];
  const stack: number[] = [];
  const scopes: Array<Map<string, string>> = [new Map([['xml', 'http://www.w3.org/XML/1998/namespace']])];
  let i = 0;
  let textStart = 0;
  const flushText = (to: number) => {
    if (to > textStart) runs.push({ start: textStart, end: to, parent: stack.at(-1) ?? -1 });
  };
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    if (lt < 0) break;
    let end: number;
    if (text.startsWith('<!--', lt)) end = closeAfter(text, '-->', lt + 4);
    else if (text.startsWith('<![CDATA[', lt)) end = closeAfter(text, ']]>', lt + 9);
    else if (text.startsWith('<?', lt)) end = closeAfter(text, '?>', lt + 2);
    else if (text.startsWith('<!', lt)) end = closeAfter(text, '>', lt + 2);
    else if (text.startsWith('</', lt)) {
      end = closeAfter(text, '>', lt + 2);
      const name = NAME.exec(text.slice(lt + 2, lt + 200))?.[0] ?? '';
      let at = stack.length - 1;
      while (at >= 0 && elements[stack[at] as number]?.qname !== name) at--;
      if (at >= 0) {
        flushText(lt);
        while (stack.length > at) {
          const idx = stack.pop() as number;
          scopes.pop();
          const el = elements[idx] as TextElement;
          el.contentEnd = lt;
          el.end = stack.length === at ? end : lt;
        }
        boundaries.push(lt, end);
        textStart = end;
        i = end;
        continue;
      }
    } else {
      const name = NAME.exec(text.slice(lt + 1, lt + 200))?.[0];
      if (!name) {
        i = lt + 1;
        continue;
      }
      const { attributes, end: tagEnd, selfClosing } = readTag(text, lt + 1 + name.length);
      end = tagEnd;
      flushText(lt);
      const scope = new Map(scopes.at(-1));
      for (const a of attributes) {
        if (a.name === 'xmlns') scope.set('', a.value);
        else if (a.name.startsWith('xmlns:')) scope.set(a.name.slice(6), a.value);
      }
      const colon = name.indexOf(':');
      const prefix = colon > 0 ? name.slice(0, colon) : '';
      const parent = stack.at(-1) ?? -1;
      const idx = elements.length;
      elements.push({
        qname: name,
        prefix,
        local: colon > 0 ? name.slice(colon + 1) : name,
        start: lt,
        startTagEnd: end,
        contentEnd: end,
        end,
        selfClosing,
        attributes,
        depth: stack.length,
        parent,
        children: [],
        namespace: scope.get(prefix) ?? '',
      });
      if (parent >= 0) elements[parent]?.children.push(idx);
      if (!selfClosing) {
        stack.push(idx);
        scopes.push(scope);
      }
      boundaries.push(lt, end);
      textStart = end;
      i = end;
      continue;
    }
    flushText(lt);
    boundaries.push(lt, end);
    textStart = end;
    i = end;
  }
  flushText(text.length);
  for (const idx of stack) {
    const el = elements[idx] as TextElement;
    el.contentEnd = text.length;
    el.end = text.length;
  }
  return { text, elements, runs, boundaries };
}

function closeAfter(text: string, close: string, from: number): number {
  const at = text.indexOf(close, from);
  return at < 0 ? text.length : at + close.length;
}

function readTag(
  text: string,
  from: number,
): { attributes: TextAttribute[]; end: number; selfClosing: boolean } {
  const attributes: TextAttribute[] = [];
  let i = from;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i] as string)) i++;
    const c = text[i];
    if (c === '>') return { attributes, end: i + 1, selfClosing: false };
    if (c === '/' && text[i + 1] === '>') return { attributes, end: i + 2, selfClosing: true };
    const name = NAME.exec(text.slice(i, i + 200))?.[0];
    if (!name) {
      const gt = text.indexOf('>', i);
      return { attributes, end: gt < 0 ? text.length : gt + 1, selfClosing: text[gt - 1] === '/' };
    }
    const start = i;
    i += name.length;
    while (/\s/.test(text[i] ?? '')) i++;
    if (text[i] !== '=') continue;
    i++;
    while (/\s/.test(text[i] ?? '')) i++;
    const quote = text[i];
    if (quote !== '"' && quote !== "'") continue;
    const close = text.indexOf(quote, i + 1);
    if (close < 0) return { attributes, end: text.length, selfClosing: false };
    attributes.push({ name, value: text.slice(i + 1, close), start, end: close + 1, quote });
    i = close + 1;
  }
  return { attributes, end: text.length, selfClosing: false };
}

/** Replaces text[start, end) with `insert`. */
export function splice(text: string, start: number, end: number, insert: string): string {
  return text.slice(0, start) + insert + text.slice(end);
}
