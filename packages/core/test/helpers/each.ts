// Library calls over a list of inputs, for tests that run them in a worker under a deadline (./bounded.ts).
import { parseDocument, validateDocument, verifyDocument } from '../../src/index.ts';
import { scanCanonicalText } from '../../src/signature/canonical-text.ts';
import { plainXml } from '../../src/xml/plain-xml.ts';

/** validateDocument of each input. */
export const validateEach = (inputs: string[]) => inputs.map((input) => validateDocument(input));

/** parseDocument of each input. */
export const parseEach = (inputs: string[]) => inputs.map((input) => parseDocument(input));

/** verifyDocument of each input, with no trust anchor (they are all refused before the chain). */
export const verifyEach = (inputs: string[]) =>
  inputs.map((input) => verifyDocument(input, { trustAnchors: [] }));

/** scanCanonicalText of each text. */
export const scanEach = (texts: string[]) => texts.map(scanCanonicalText);

/** plainXml of each text (every namespace value taken as accepted: the reader's own work is what is bounded). */
export const plainEach = (texts: string[]) => texts.map((text) => plainXml(text, () => true) ?? null);
