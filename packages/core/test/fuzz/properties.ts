// Core's fuzz properties, run in the worker on every input:
// - validateDocument, parseDocument and verifyDocument never throw;
// - they agree with each other: a refusal before parsing is the same refusal everywhere, a valid document is
//   schema-valid and has a model, a verified document parsed;
// - a JS string with characters XML does not allow (NUL, lone surrogates, ...) is refused by all three;
// - a seed signed by a good signer verifies as it is; a signer mbprov must refuse is never accepted;
// - verifyDocument's text reader of the strict profile never answers differently from its tree reader;
// - the model's memory reader reads every tree as libxml2-wasm's node classes do (the same model and findings);
// - the plain-XML reader (what signDocument and verifyDocument read without a tree) accepts nothing libxml2 refuses;
// and the verdicts the oracles are compared with (judge.ts): the XSD verdict (parseXmlSafely + validateXsd, what
// validateDocument runs) and verifyDocument's.
import { X509Certificate } from 'node:crypto';
import {
  parseDocument,
  parseXmlSafely,
  type ValidationResult,
  type VerifyResult,
  validateDocument,
  validateXsd,
  verifyDocument,
} from '../../src/index.ts';
import { modelDisagreement } from '../helpers/model-readers.ts';
import { plainDisagreement } from '../helpers/plain-xml.ts';
import { profileDisagreement } from '../helpers/profiles.ts';
import { fuzzCertificates, MUST_REFUSE_SIGNERS } from './certificates.ts';
import type { Corpus } from './corpus.ts';
import { type FuzzInput, hasNonXmlCharacters } from './inputs.ts';
import { crash, type FuzzProperty, type PropertyFinding, type XsdVerdict } from './property.ts';

let trustPem = '';
/** Thumbprint (Windows form) → why that signer must be refused. */
const mustRefuse = new Map<string, string>();

function thumbprintOf(pem: string): string {
  return new X509Certificate(pem).fingerprint.replace(/:/g, '').toUpperCase();
}

function xsdVerdict(data: string | Uint8Array): XsdVerdict {
  const parsed = parseXmlSafely(data);
  if (!parsed.ok) {
    const d = parsed.diagnostics[0];
    return { state: 'refused', code: d?.code ?? '?', message: d?.message ?? '' };
  }
  try {
    const errors = validateXsd(parsed.xml);
    return errors.length ? { state: 'invalid', message: errors[0]?.message ?? '' } : { state: 'valid' };
  } finally {
    parsed.xml.dispose();
  }
}

const core: FuzzProperty = {
  name: 'core',
  setup(corpus: Corpus) {
    trustPem = corpus.trustPem;
    const certs = fuzzCertificates();
    for (const [name, why] of Object.entries(MUST_REFUSE_SIGNERS)) {
      const s = certs.signers[name];
      if (s) mustRefuse.set(thumbprintOf(s.certificatePem), `${name}: ${why}`);
    }
  },
  check(input: FuzzInput) {
    const findings: PropertyFinding[] = [];
    const fail = (property: string, message: string) =>
      findings.push({ type: 'property', property, message });
    const { data } = input;

    let validated: ValidationResult | undefined;
    try {
      validated = validateDocument(data);
    } catch (error) {
      findings.push(crash('validateDocument', error));
    }
    let parsed: ReturnType<typeof parseDocument> | undefined;
    try {
      parsed = parseDocument(data);
    } catch (error) {
      findings.push(crash('parseDocument', error));
    }
    let xsd: XsdVerdict | undefined;
    try {
      xsd = xsdVerdict(data);
    } catch (error) {
      findings.push(crash('parseXmlSafely+validateXsd', error));
    }
    let verified: VerifyResult | undefined;
    try {
      verified = verifyDocument(data, { trustAnchors: [trustPem] });
    } catch (error) {
      findings.push(crash('verifyDocument', error));
    }

    const signed =
      typeof data === 'string' ? data.includes('Signature') : Buffer.from(data).includes('Signature');
    if (signed) {
      try {
        const differs = profileDisagreement(data);
        if (differs) fail('profile:text-vs-tree', differs);
      } catch (error) {
        findings.push(crash('profile readers', error));
      }
    }

    try {
      const differs = modelDisagreement(data);
      if (differs) fail('model:memory-vs-nodes', differs);
    } catch (error) {
      findings.push(crash('model readers', error));
    }

    try {
      const differs = plainDisagreement(data);
      if (differs) fail('plain-xml:libxml2', differs);
    } catch (error) {
      findings.push(crash('plain-XML reader', error));
    }

    const firstCode = (r: { diagnostics: Array<{ code: string }> } | undefined) => r?.diagnostics[0]?.code;
    if (xsd && validated) {
      if (validated.valid && xsd.state !== 'valid')
        fail('consistency:validate-vs-xsd', `validateDocument says valid, the XSD verdict is ${xsd.state}`);
      if (xsd.state === 'invalid' && validated.valid)
        fail('consistency:validate-vs-xsd', 'validateXsd reports errors but validateDocument says valid');
      if (xsd.state === 'refused' && firstCode(validated) !== xsd.code)
        fail(
          'consistency:refusal',
          `parseXmlSafely refuses with ${xsd.code}, validateDocument's first code is ${firstCode(validated)}`,
        );
    }
    if (xsd && parsed) {
      if (xsd.state === 'refused' && (parsed.model || firstCode(parsed) !== xsd.code))
        fail(
          'consistency:refusal',
          `parseXmlSafely refuses with ${xsd.code}, parseDocument gives ${parsed.model ? 'a model' : firstCode(parsed)}`,
        );
    }
    if (validated?.valid && parsed && !parsed.model)
      fail('consistency:validate-vs-parse', 'validateDocument says valid but parseDocument gives no model');
    if (verified?.valid && xsd?.state === 'refused')
      fail('consistency:verify-vs-parse', `verifyDocument accepts what parseXmlSafely refuses (${xsd.code})`);

    if (hasNonXmlCharacters(data)) {
      const accepted = [
        validated && (validated.valid || validated.model) ? 'validateDocument' : '',
        parsed?.model ? 'parseDocument' : '',
        verified?.valid ? 'verifyDocument' : '',
      ].filter(Boolean);
      if (accepted.length)
        fail(
          'characters',
          `a JS string with characters outside XML's Char production is read by ${accepted.join(', ')}`,
        );
    }
    if (input.expect === 'verifies' && verified && !verified.valid)
      fail(
        'expect:verifies',
        `an unmutated seed signed by a good signer is refused: ${verified.errors[0]?.code} ${verified.errors[0]?.message}`,
      );
    const why = verified?.valid && verified.signer ? mustRefuse.get(verified.signer.thumbprint) : undefined;
    if (why) fail('signer-policy', `verifyDocument accepts a signer it must refuse (${why})`);

    const e = verified?.errors[0];
    return {
      findings,
      verdicts: {
        ...(xsd ? { xsd } : {}),
        ...(verified
          ? { verify: { valid: verified.valid, ...(e ? { code: e.code, message: e.message } : {}) } }
          : {}),
      },
    };
  },
};

/** Core's properties (see the header). */
export const properties: FuzzProperty[] = [core];
