// EV is a property of the chain, not of the leaf alone: Windows' EV check needs the policy valid along the path, so
// every CA certificate between the signer and the root must carry the EV OID 2.23.140.1.1 or anyPolicy 2.5.29.32.0
// (docs/certificates.md). An EV leaf under an intermediate without either is not EV.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { ANY_POLICY_OID } from '../src/certificates/ev-policy.ts';
import {
  buildChain,
  buildDocument,
  createCertificate,
  EV_POLICY_OID,
  signDocument,
  type TestCertificate,
  verifyDocument,
} from '../src/index.ts';
import { fullModel } from './helpers/samples.ts';

const now = new Date('2026-01-15T12:00:00Z');
/** A CA-specific EV OID (one a CA registers with Microsoft's root program): not recognised by mbprov. */
const CA_SPECIFIC_EV = '2.16.840.1.114412.2.1';

let root: TestCertificate;

/** An intermediate CA under `root` with these policies, and an EV leaf it issued. */
async function chainThrough(policies: string[]): Promise<{ ca: TestCertificate; leaf: TestCertificate }> {
  const ca = await createCertificate({
    subject: `CN=Intermediate ${policies.join(' ') || 'none'}, O=mbprov test`,
    issuer: root,
    ca: true,
    keyType: 'ecdsa',
    now,
    policies,
  });
  const leaf = await createCertificate({
    subject: 'CN=Contoso Signer, O=mbprov test',
    issuer: ca,
    keyType: 'ecdsa',
    now,
    policies: [EV_POLICY_OID],
  });
  return { ca, leaf };
}

const check = (leaf: TestCertificate, ca: TestCertificate, requireEv = true) => {
  const r = buildChain(leaf.certificate, {
    trustAnchors: [root.certificate],
    intermediates: [ca.certificate],
    now,
    requireEv,
  });
  return 'code' in r ? [r.code, r.message] : ['ok', r.chain.length];
};

describe('EV along the chain', () => {
  before(async () => {
    root = await createCertificate({
      subject: 'CN=EV Test Root, O=mbprov test',
      ca: true,
      keyType: 'ecdsa',
      now,
    });
  });

  it('an intermediate with the EV OID or anyPolicy keeps an EV leaf EV', async () => {
    for (const policies of [[EV_POLICY_OID], [ANY_POLICY_OID], ['1.2.3.4', EV_POLICY_OID]]) {
      const { ca, leaf } = await chainThrough(policies);
      assert.deepEqual(check(leaf, ca), ['ok', 3], policies.join(' '));
    }
  });

  it('an intermediate without certificatePolicies, or with other policies only, makes the chain not EV', async () => {
    for (const policies of [[], ['1.2.3.4'], [CA_SPECIFIC_EV]]) {
      const { ca, leaf } = await chainThrough(policies);
      const [code, message] = check(leaf, ca);
      assert.equal(code, 'MBPROV_CERT_NOT_EV', policies.join(' '));
      assert.match(String(message), /CN=Intermediate .*neither the EV policy .* nor anyPolicy/);
      // Without the EV requirement the same chain is fine.
      assert.deepEqual(check(leaf, ca, false), ['ok', 3]);
    }
  });

  it('a leaf with only a CA-specific EV OID is not EV, whatever its issuer says', async () => {
    const { ca } = await chainThrough([EV_POLICY_OID]);
    const leaf = await createCertificate({
      subject: 'CN=Contoso CA-specific EV, O=mbprov test',
      issuer: ca,
      keyType: 'ecdsa',
      now,
      policies: [CA_SPECIFIC_EV],
    });
    assert.equal(check(leaf, ca)[0], 'MBPROV_CERT_NOT_EV');
  });

  it('verifyDocument with requireEv refuses a document signed through a non-EV intermediate', async () => {
    const { ca, leaf } = await chainThrough([]);
    const signed = signDocument(buildDocument(fullModel()), {
      key: leaf.privateKey,
      certificate: leaf.certificate,
      chain: [ca.certificate],
    });
    const options = { trustAnchors: [root.certificate], now };
    assert.equal(verifyDocument(signed, options).valid, true);
    const refused = verifyDocument(signed, { ...options, requireEv: true });
    assert.equal(refused.valid, false);
    assert.equal(refused.errors[0]?.code, 'MBPROV_CERT_NOT_EV');
  });
});
