// The differential check of the model's two tree readers: the memory reader (libxml2's structures read in
// WebAssembly memory, what validateDocument and parseDocument use) and the general reader (libxml2-wasm's node
// classes, one WebAssembly call per node, as the model was read before). On every tree they must give the same model
// and the same findings.
import { isDeepStrictEqual } from 'node:util';
import { readElement, readThroughNodes } from '../../src/document/read.ts';
import { type Diagnostic, NS } from '../../src/index.ts';
import { carrierProvisioningSpec } from '../../src/model/carrier-provisioning.ts';
import { costSpec } from '../../src/model/dusm.ts';
import { MemoryTreeDeclined, memoryTreeOf } from '../../src/xml/memory-tree.ts';
import { parseXmlSafely } from '../../src/xml/safe-parse.ts';

/** How many trees the memory reader read to the end, and how many it declined (so that a test can tell it ran). */
export const memoryReads = { read: 0, declined: 0 };

const cut = (value: unknown) => {
  const text = JSON.stringify(value);
  return text.length > 600 ? `${text.slice(0, 600)}…` : text;
};

/**
 * Undefined when both readers read `data` alike (or it does not parse); otherwise what differs. Whatever the root
 * element, the tree is read with the CarrierProvisioning spec (the DUSM Cost spec for a Cost root): unknown
 * elements are findings, so every well-formed tree is a case. Never throws for bad input.
 */
export function modelDisagreement(data: string | Uint8Array): string | undefined {
  const parsed = parseXmlSafely(data);
  if (!parsed.ok) return undefined;
  const { xml } = parsed;
  try {
    const root = xml.doc.root;
    const spec = root.name === 'Cost' && root.namespaceUri === NS.dusm ? costSpec : carrierProvisioningSpec;
    const tree = memoryTreeOf(root);
    if (!tree) return 'the memory reader does not run with this libxml2-wasm';
    const fast: Diagnostic[] = [];
    let model: unknown;
    try {
      model = readElement(tree.root, spec, { xml, tree, diagnostics: fast });
    } catch (error) {
      if (!(error instanceof MemoryTreeDeclined)) throw error;
      memoryReads.declined++;
      return undefined;
    }
    memoryReads.read++;
    const general: Diagnostic[] = [];
    const expected = readThroughNodes(xml, spec, general);
    if (!isDeepStrictEqual(model, expected))
      return `the models differ: memory ${cut(model)}, nodes ${cut(expected)}`;
    if (!isDeepStrictEqual(fast, general))
      return `the findings differ: memory ${cut(fast)}, nodes ${cut(general)}`;
    return undefined;
  } finally {
    xml.dispose();
  }
}
