// Documents applied per second by the simulated provisioning engine, beside validateDocument of the same document
// (the baseline: applying = validating + the trust check + applying the sections).
import { createPrivateKey } from 'node:crypto';
import {
  createTestEvChain,
  parseDocument,
  signModel,
  trustedCertificateEntry,
  validateDocument,
} from '@mbprov/core';
import { Machine } from '@mbprov/simulator';
import { typicalDocument } from './documents.ts';
import { compareRates, type SuiteResult } from './measure.ts';

export async function runSimulator(): Promise<SuiteResult> {
  const xml = typicalDocument();
  const chain = await createTestEvChain();
  const model = parseDocument(xml).model;
  if (!model) throw new Error('benchmark document does not parse');
  const signed = signModel(model, {
    key: createPrivateKey(chain.signer.privateKeyPem),
    certificate: chain.signer.certificate,
  });
  const machine = Machine.create({
    trustedRoots: [chain.root.certificatePem],
    hardwareCertificates: [trustedCertificateEntry(chain.signer.certificate)],
  });
  if (!machine.provision(signed, { source: 'website' }).ok)
    throw new Error('benchmark document does not apply');
  const { rates, ratio } = compareRates({
    validate: () => validateDocument(xml),
    applyApp: () => machine.provision(xml, { source: 'app' }),
    applySigned: () => machine.provision(signed, { source: 'website' }),
  });
  return {
    title: 'Simulator: documents applied',
    description:
      `The typical ${(Buffer.byteLength(xml) / 1024).toFixed(1)} KB document applied to a simulated PC again and again (profiles, Wi-Fi, plan, refresh schedule). ` +
      'From the app no signature is needed; from the web site the signature is verified and its chain checked first.',
    rows: [
      {
        name: 'validateDocument (baseline)',
        value: rates.validate,
        unit: 'documents/s',
        baseline: 'baseline',
        ratio: 1,
      },
      {
        name: 'provision from the app (unsigned)',
        value: rates.applyApp,
        unit: 'documents/s',
        baseline: 'validate',
        ratio: ratio('applyApp', 'validate'),
      },
      {
        name: 'provision from the web site (signed, verified)',
        value: rates.applySigned,
        unit: 'documents/s',
        baseline: 'validate',
        ratio: ratio('applySigned', 'validate'),
      },
    ],
  };
}
