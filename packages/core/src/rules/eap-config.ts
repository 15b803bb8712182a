import type { XmlElement } from 'libxml2-wasm';
import { childElements } from '../xml/children.ts';
import { parseXmlSafely } from '../xml/safe-parse.ts';

/** Namespace of the EAP-TTLS method's configuration (Windows' EapTtlsConnectionPropertiesV1 schema). */
export const EAP_TTLS_NS = 'http://www.microsoft.com/provisioning/EapTtlsConnectionPropertiesV1';

/**
 * The inner (phase 2) authentication of an EAP-TTLS configuration: one child of `Phase2Authentication`. Windows'
 * TTLS offers PAP, CHAP, MS-CHAP and MS-CHAP-V2 as non-EAP methods, or an EAP method configured by an inner
 * `EapHostConfig` (its `EapMethod/Type`, undefined when absent); any other element is `other`.
 */
export type TtlsInnerMethod =
  | { kind: 'PAP' | 'CHAP' | 'MSCHAP' | 'MSCHAPv2' }
  | { kind: 'EAP'; type: number | undefined }
  | { kind: 'other'; element: string };

/** What the rules read of a OneX configuration's `EapHostConfig`. */
export interface EapConfig {
  /** The outer method: `EapHostConfig/EapMethod/Type` (an IANA EAP type: 13 TLS, 18 SIM, 21 TTLS, ...). */
  method?: number;
  /** The inner method of an EAP-TTLS `Config/EapTtls/Phase2Authentication`, when the configuration has one. */
  ttlsInner?: TtlsInnerMethod;
}

const NON_EAP: Record<string, 'PAP' | 'CHAP' | 'MSCHAP' | 'MSCHAPv2'> = {
  PAPAuthentication: 'PAP',
  CHAPAuthentication: 'CHAP',
  MSCHAPAuthentication: 'MSCHAP',
  MSCHAPv2Authentication: 'MSCHAPv2',
};

const child = (element: XmlElement | undefined, name: string): XmlElement | undefined =>
  element ? childElements(element).find((c) => c.name === name) : undefined;

/** The EAP type of an `EapHostConfig` element (its `EapMethod/Type`), if it is an integer. */
function methodType(hostConfig: XmlElement | undefined): number | undefined {
  const text = child(child(hostConfig, 'EapMethod'), 'Type')?.content.trim();
  return text !== undefined && /^[0-9]{1,9}$/.test(text) ? Number(text) : undefined;
}

/** The first `EapHostConfig` element at or under `root`, in document order (an explicit stack: no recursion). */
function firstHostConfig(root: XmlElement): XmlElement | undefined {
  const stack = [root];
  for (let element = stack.pop(); element; element = stack.pop()) {
    if (element.name === 'EapHostConfig') return element;
    stack.push(...childElements(element).reverse());
  }
  return undefined;
}

/** The inner method named by a `Phase2Authentication` element (its first child element). */
function innerMethod(phase2: XmlElement): TtlsInnerMethod | undefined {
  const first = childElements(phase2)[0];
  if (!first) return undefined;
  const nonEap = NON_EAP[first.name];
  if (nonEap) return { kind: nonEap };
  if (first.name === 'EapHostConfig') return { kind: 'EAP', type: methodType(first) };
  return { kind: 'other', element: first.name };
}

/**
 * Reads the EAP configuration of a OneX element (exclusive-canonical XML text, as the model keeps it) with the safe
 * parser. Elements are matched by local name, as the EapHostConfig family is written with varying prefixes and
 * namespaces per method; unreadable XML reads as nothing (the schema check reports it).
 */
export function readEapConfig(oneX: string): EapConfig {
  const parsed = parseXmlSafely(oneX);
  if (!parsed.ok) return {};
  try {
    const root = parsed.xml.doc.root;
    const hostConfig = firstHostConfig(root);
    if (!hostConfig) return {};
    const out: EapConfig = {};
    const method = methodType(hostConfig);
    if (method !== undefined) out.method = method;
    const ttls = childElements(child(hostConfig, 'Config') ?? hostConfig).find(
      (c) => c.name === 'EapTtls' && c.namespaceUri === EAP_TTLS_NS,
    );
    const phase2 = child(ttls, 'Phase2Authentication');
    const inner = phase2 ? innerMethod(phase2) : undefined;
    if (inner) out.ttlsInner = inner;
    return out;
  } finally {
    parsed.xml.dispose();
  }
}
