import { createHash } from 'node:crypto';
import { XmlC14NMode, XmlDocument, type XmlElement } from 'libxml2-wasm';
import { BoundedMemo } from '../certificates/cache.ts';
import { MbprovError } from '../errors/mbprov-error.ts';
import { parseXmlSafely } from '../xml/safe-parse.ts';
import { C14N } from './algorithms.ts';

/** libxml2 options for a canonicalization URI. */
export function c14nOptions(uri: string): { mode: 0 | 1; withComments: boolean } {
  switch (uri) {
    case C14N.c14n:
      return { mode: XmlC14NMode.XML_C14N_1_0, withComments: false };
    case C14N.c14nWithComments:
      return { mode: XmlC14NMode.XML_C14N_1_0, withComments: true };
    case C14N.excC14n:
      return { mode: XmlC14NMode.XML_C14N_EXCLUSIVE_1_0, withComments: false };
    case C14N.excC14nWithComments:
      return { mode: XmlC14NMode.XML_C14N_EXCLUSIVE_1_0, withComments: true };
    default:
      throw new Error(`unsupported canonicalization ${uri}`);
  }
}

/**
 * Runs a libxml2 canonicalization; its one failure on a parsed document, a relative namespace URI (which
 * Canonical XML 1.0 makes an error), becomes a catalog error instead of libxml2's bare XmlError.
 */
function canonicalizing<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof MbprovError) throw error;
    throw new MbprovError(
      'MBPROV_XML_NOT_CANONICALIZABLE',
      'The document cannot be canonicalized: Canonical XML 1.0 refuses relative namespace URIs (xmlns="name" instead of an absolute URI).',
      { cause: error },
    );
  }
}

/**
 * The digest of what the Reference covers: the whole document (URI="", which drops comments) after the
 * enveloped-signature transform, serialized with C14N 1.0 as XML-DSig requires for a node-set result.
 * The caller removes the Signature element first. The canonical bytes stream straight into the hash.
 */
export function digestCanonicalDocument(doc: XmlDocument, hash: string): Buffer {
  const digest = createHash(hash);
  canonicalizing(() =>
    doc.canonicalize(
      {
        write: (chunk: Uint8Array) => {
          digest.update(chunk);
          return chunk.length;
        },
        close: () => true,
      },
      { mode: XmlC14NMode.XML_C14N_1_0, withComments: false },
    ),
  );
  return digest.digest();
}

/** Namespace declarations and xml:* attributes of one ancestor: what inclusive C14N inherits from it. */
export interface AncestorContext {
  namespaces: Array<[prefix: string, uri: string]>;
  xmlAttributes: Array<[name: string, value: string]>;
}

const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const escapeAttr = (v: string) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** The context an element gives its descendants. */
export function contextOf(element: XmlElement): AncestorContext {
  return {
    namespaces: Object.entries(element.nsDeclarations),
    xmlAttributes: element.attrs
      .filter((a) => a.namespaceUri === XML_NS)
      .map((a): [string, string] => [a.name, a.value]),
  };
}

/**
 * Canonicalizes an element given as XML text, as if it sat below the given ancestors (outermost first).
 * Inclusive C14N gives a subtree's apex every namespace in scope and the xml:* attributes of its ancestors;
 * exclusive C14N gives it only the namespaces it uses. Declaring that context directly on the element and
 * canonicalizing it as a small document yields the same octets, and costs a small parse instead of libxml2-wasm's
 * subtree canonicalization, which visits every node of the whole document through a JavaScript callback.
 * `own` lists the namespace prefixes and xml:* attributes the element already declares itself.
 */
export function canonicalInContext(
  fragment: string,
  ancestors: AncestorContext[],
  uri: string,
  own: AncestorContext = { namespaces: [], xmlAttributes: [] },
): Buffer {
  return Buffer.from(canonicalTextInContext(fragment, ancestors, uri, own), 'utf8');
}

/** {@link canonicalInContext}, as text. */
export function canonicalTextInContext(
  fragment: string,
  ancestors: AncestorContext[],
  uri: string,
  own: AncestorContext = { namespaces: [], xmlAttributes: [] },
): string {
  const namespaces = new Map<string, string>();
  const xmlAttributes = new Map<string, string>();
  for (const a of ancestors) {
    for (const [p, u] of a.namespaces) namespaces.set(p, u);
    for (const [n, v] of a.xmlAttributes) xmlAttributes.set(n, v);
  }
  for (const [p] of own.namespaces) namespaces.delete(p);
  for (const [n] of own.xmlAttributes) xmlAttributes.delete(n);
  const { mode, withComments } = c14nOptions(uri);
  let added = '';
  for (const [p, u] of namespaces) added += ` ${p ? `xmlns:${p}` : 'xmlns'}="${escapeAttr(u)}"`;
  // Exclusive C14N does not inherit xml:* attributes.
  if (mode === XmlC14NMode.XML_C14N_1_0)
    for (const [n, v] of xmlAttributes) added += ` xml:${n}="${escapeAttr(v)}"`;
  const nameEnd = fragment.search(/[\s/>]/);
  const doc = XmlDocument.fromString(fragment.slice(0, nameEnd) + added + fragment.slice(nameEnd));
  try {
    return canonicalizing(() => doc.canonicalizeToString({ mode, withComments }));
  } finally {
    doc.dispose();
  }
}

const fragments = new BoundedMemo<string>(256);

/**
 * An XML fragment (one element) in exclusive canonical form: self-contained, with the namespace declarations it
 * uses. Inside a document built by mbprov this is also its inclusive canonical form, because the builder declares
 * only default namespaces where they change. Memoized: servers reuse configured fragments (EAP configurations).
 */
export function canonicalFragment(xml: string): string {
  return fragments.get(xml, () => {
    const parsed = parseXmlSafely(xml);
    if (!parsed.ok) {
      const d = parsed.diagnostics[0];
      throw new MbprovError(
        d?.code ?? 'MBPROV_XML_MALFORMED',
        `An XML fragment in the model is not well-formed XML: ${d?.message}`,
      );
    }
    try {
      return parsed.xml.doc.canonicalizeToString({
        mode: XmlC14NMode.XML_C14N_EXCLUSIVE_1_0,
        withComments: false,
      });
    } finally {
      parsed.xml.dispose();
    }
  });
}
