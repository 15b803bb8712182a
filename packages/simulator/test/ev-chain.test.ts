// The web site path needs an EV signer, and EV holds only with the policy valid along the chain: an EV leaf whose
// intermediate CA carries neither 2.23.140.1.1 nor anyPolicy is refused (MBPROV_CERT_NOT_EV) before any consent or
// hardware association vouches for it; a background refresh, which needs no EV, accepts the same chain when trusted.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import {
  createCertificate,
  EV_POLICY_OID,
  signModel,
  type TestCertificate,
  trustedCertificateEntry,
} from '@mbprov/core';
import { Machine } from '../src/index.ts';
import { NOW, purchaseDocument } from './helpers/documents.ts';

let root: TestCertificate;
let signedThrough: (policies: string[]) => Promise<{ xml: string; leaf: TestCertificate }>;

before(async () => {
  root = await createCertificate({
    subject: 'CN=EV Chain Root, O=mbprov test',
    ca: true,
    keyType: 'ecdsa',
    now: new Date(NOW),
  });
  signedThrough = async (policies) => {
    const ca = await createCertificate({
      subject: 'CN=EV Chain Intermediate, O=mbprov test',
      issuer: root,
      ca: true,
      keyType: 'ecdsa',
      now: new Date(NOW),
      policies,
    });
    const leaf = await createCertificate({
      subject: 'CN=Contoso EV Signer, O=mbprov test',
      issuer: ca,
      keyType: 'ecdsa',
      now: new Date(NOW),
      policies: [EV_POLICY_OID],
    });
    const xml = signModel(purchaseDocument(), {
      key: leaf.privateKeyPem,
      certificate: leaf.certificatePem,
      chain: [ca.certificatePem],
    });
    return { xml, leaf };
  };
});

/** A PC with the SIM that trusts the root and associates `leaf` with its mobile broadband hardware (COSA). */
const pc = (leaf: TestCertificate) =>
  Machine.create({
    now: NOW,
    trustedRoots: [root.certificatePem],
    hardwareCertificates: [trustedCertificateEntry(leaf.certificate)],
  });

describe('EV along the chain, operator web site', () => {
  it('an EV leaf under an intermediate without the EV policy is not EV: rejected whole, nothing changes', async () => {
    const { xml, leaf } = await signedThrough([]);
    const m = pc(leaf);
    const before = JSON.stringify(m.state);
    assert.throws(() => m.provision(xml, { source: 'website', consent: () => true }), {
      code: 'MBPROV_CERT_NOT_EV',
      message: /CN=EV Chain Intermediate.*neither the EV policy/,
    });
    assert.equal(JSON.stringify(m.state), before);
  });

  it('the same leaf under an intermediate with anyPolicy is EV and applies', async () => {
    const { xml, leaf } = await signedThrough(['2.5.29.32.0']);
    const outcome = pc(leaf).provision(xml, { source: 'website' });
    assert.equal(outcome.ok, true);
    assert.equal(outcome.signer?.trustedBy, 'hardware');
  });
});
