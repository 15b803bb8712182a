import { XmlC14NMode, type XmlDocument, type XmlNode } from 'libxml2-wasm';
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
 * The octets the Reference digests: the whole document (URI="", which drops comments) after the
 * enveloped-signature transform, serialized with C14N 1.0 as XML-DSig requires for a node-set result.
 * The caller removes the Signature element first.
 */
export function canonicalDocument(doc: XmlDocument): string {
  return doc.canonicalizeToString({ mode: XmlC14NMode.XML_C14N_1_0, withComments: false });
}

/** Canonical form of a subtree (SignedInfo) in its document context, by the given method URI. */
export function canonicalSubtree(node: XmlNode, uri: string): string {
  return node.canonicalizeToString(c14nOptions(uri));
}
