// The differential check of the plain-XML reader (xml/plain-xml.ts): wherever readXmlSafely accepts a document
// without parsing it, libxml2 (parseXmlSafely) must accept it too and find the same root, the depth the reader
// reports must be the one the nesting check counts, and everything else must be read exactly as parseXmlSafely
// reads it.
import { isDeepStrictEqual } from 'node:util';
import { scanCanonicalText } from '../../src/signature/canonical-text.ts';
import { contextOf } from '../../src/signature/canonicalize.ts';
import { nestingBeyond, type ParseLimits, parseXmlSafely, readXmlSafely } from '../../src/xml/safe-parse.ts';

/** How many inputs the plain reader accepted (so that a test can tell it ran). */
export const plainAnswers = { count: 0 };

/**
 * Undefined when readXmlSafely and parseXmlSafely read `data` alike; otherwise what differs. Never throws for bad
 * input.
 */
export function plainDisagreement(data: string | Uint8Array, limits: ParseLimits = {}): string | undefined {
  const read = readXmlSafely(data, limits);
  const parsed = parseXmlSafely(data, limits);
  try {
    if (!read.ok || !parsed.ok) {
      if (read.ok) return `the plain reader accepts what libxml2 refuses: ${JSON.stringify(parsed)}`;
      if (parsed.ok) return `readXmlSafely refuses what parseXmlSafely accepts: ${JSON.stringify(read)}`;
      return isDeepStrictEqual(read.diagnostics, parsed.diagnostics)
        ? undefined
        : `the refusals differ: ${JSON.stringify(read.diagnostics)} and ${JSON.stringify(parsed.diagnostics)}`;
    }
    if (read.xml.text !== parsed.xml.text) return 'the texts differ';
    const { plain } = read;
    if (!plain) return undefined;
    plainAnswers.count++;
    const root = parsed.xml.doc.root;
    if (root.name !== plain.name || root.namespaceUri !== plain.namespaceUri)
      return `the roots differ: plain {${plain.namespaceUri}}${plain.name}, tree {${root.namespaceUri}}${root.name}`;
    const text = parsed.xml.text;
    if (
      nestingBeyond(text, plain.depth) >= 0 ||
      (plain.depth > 0 && nestingBeyond(text, plain.depth - 1) < 0)
    )
      return `the plain reader counts ${plain.depth} levels, the nesting check otherwise`;
    // The tree built on first use is libxml2's tree of the same text.
    const deferred = read.xml.doc.root;
    if (deferred.name !== root.name || deferred.namespaceUri !== root.namespaceUri)
      return 'the tree built on first use has another root';
    // signDocument gives SignedInfo no context from a root whose text is canonical.
    if (scanCanonicalText(text).document) {
      const context = contextOf(root);
      if (context.xmlAttributes.length || context.namespaces.some(([prefix]) => prefix !== ''))
        return `canonical text whose root has context ${JSON.stringify(context)}`;
    }
    return undefined;
  } finally {
    if (read.ok) read.xml.dispose();
    if (parsed.ok) parsed.xml.dispose();
  }
}
