// The simulator's fuzz property, loaded by the fuzz worker next to (or instead of) core's (core's fuzz code never
// imports the simulator; this module imports core's fuzz types). On every input, a fresh PC applies the document
// (Machine.provision): from the operator's app for document inputs, from the operator's web site for signature
// inputs (the fuzz root trusted, every fuzz signer associated with the hardware). Properties:
// - provision either applies the document or rejects it with an MbprovError (a stable code), never anything else;
// - a document that fails the XSD (mbprov's XSD verdict), or that validateDocument rejects for XML, schema or model
//   reasons, is rejected whole;
// - from the web site, a document is only applied when verifyDocument accepts its signature;
// - the CarrierProvisioningResult it writes is valid against ResultsSchema v2.
import { X509Certificate } from 'node:crypto';
import {
  MbprovError,
  parseXmlSafely,
  trustedCertificateEntry,
  type VerifyResult,
  validateDocument,
  validateXsd,
  verifyDocument,
} from '@mbprov/core';
import { fuzzCertificates } from '../../../core/test/fuzz/certificates.ts';
import type { Corpus } from '../../../core/test/fuzz/corpus.ts';
import type { FuzzInput } from '../../../core/test/fuzz/inputs.ts';
import {
  crash,
  type FuzzProperty,
  type PropertyFinding,
  type Verdicts,
  type VerifyVerdict,
} from '../../../core/test/fuzz/property.ts';
import { Machine, type ProvisionOutcome } from '../../src/index.ts';

let trustPem = '';
let hardware: Array<{ SubjectName: string; IssuerName: string }> = [];

const REJECTING = /^MBPROV_(XML_|SCHEMA_|MODEL_)/;

/** The first XSD error of a document (what Windows checks before applying), or undefined when it is valid. */
function schemaErrors(data: string | Uint8Array, earlier: Verdicts): string | undefined {
  const xsd = earlier.xsd;
  if (xsd) return xsd.state === 'valid' ? undefined : xsd.message;
  const parsed = parseXmlSafely(data);
  if (!parsed.ok) return parsed.diagnostics[0]?.message ?? 'refused';
  try {
    return validateXsd(parsed.xml)[0]?.message;
  } finally {
    parsed.xml.dispose();
  }
}

function verdictOf(result: VerifyResult): VerifyVerdict {
  return { valid: result.valid, ...(result.errors[0] ? { code: result.errors[0].code } : {}) };
}

const simulator: FuzzProperty = {
  name: 'simulator',
  setup(corpus: Corpus) {
    trustPem = corpus.trustPem;
    hardware = Object.values(fuzzCertificates().signers).map((s) =>
      trustedCertificateEntry(new X509Certificate(s.certificatePem)),
    );
  },
  check(input: FuzzInput, earlier: Verdicts) {
    const findings: PropertyFinding[] = [];
    const fail = (property: string, message: string) =>
      findings.push({ type: 'property', property, message });
    const source = input.kind === 'signature' ? 'website' : 'app';
    const pc = Machine.create({ trustedRoots: [trustPem], hardwareCertificates: hardware });
    let outcome: ProvisionOutcome | undefined;
    let rejection: MbprovError | undefined;
    try {
      outcome = pc.provision(input.data, { source, consent: () => true });
    } catch (error) {
      if (error instanceof MbprovError) rejection = error;
      else findings.push(crash('simulator:provision', error));
    }
    if (outcome) {
      try {
        const validation = validateDocument(input.data);
        const rejecting = validation.diagnostics.find(
          (d) => d.severity === 'error' && REJECTING.test(d.code),
        );
        if (rejecting)
          fail(
            'simulator:rejects-invalid',
            `provision applied a document validateDocument rejects (${rejecting.code})`,
          );
        const schema = schemaErrors(input.data, earlier);
        if (!rejecting && schema)
          fail(
            'simulator:rejects-schema-invalid',
            `provision applied a document that fails the XSD: ${schema}`,
          );
        if (source === 'website') {
          const verified =
            earlier.verify ?? verdictOf(verifyDocument(input.data, { trustAnchors: [trustPem] }));
          if (!verified.valid)
            fail(
              'simulator:signature',
              `provision applied a web site document whose signature verifyDocument refuses (${verified.code})`,
            );
        }
      } catch (error) {
        findings.push(crash('simulator:cross-check', error));
      }
      try {
        const parsed = parseXmlSafely(outcome.xml);
        if (!parsed.ok)
          fail('simulator:result-xml', `the result XML does not parse: ${parsed.diagnostics[0]?.message}`);
        else {
          try {
            const errors = validateXsd(parsed.xml, 'resultV2');
            if (errors.length)
              fail('simulator:result-xml', `the result XML is not ResultsSchema v2: ${errors[0]?.message}`);
          } finally {
            parsed.xml.dispose();
          }
        }
      } catch (error) {
        findings.push(crash('simulator:result-xml', error));
      }
    }
    if (rejection && !/^MBPROV_[A-Z0-9_]+$/.test(rejection.code))
      fail('simulator:rejection-code', `provision rejected with an unnamed code ${rejection.code}`);
    return { findings };
  },
};

/** The simulator's properties (see the header). */
export const properties: FuzzProperty[] = [simulator];
