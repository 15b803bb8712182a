// The signing requirements table of the account provisioning page (*Signature*), rule by rule, plus the paragraph
// on pre-supplied certificates: "If the certificate is already trusted, there is no user interaction. If the
// certificate is not previously known to the computer, it must be an EV certificate, and the user is prompted for
// consent before the certificate is accepted." And the website provisioning page: "Account provisioning metadata
// must be signed with an extended validation (EV) certificate when provided by the web site." (docs/simulator.md,
// *EV from the web site*: EV always for the web site and Wi-Fi provider paths, whatever vouches for the certificate.)
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { trustedCertificateEntry } from '@mbprov/core';
import { Machine } from '../src/index.ts';
import { certificates, doc, NOW, purchaseDocument, signed, wlan, xml } from './helpers/documents.ts';

let certs: Awaited<ReturnType<typeof certificates>>;
before(async () => {
  certs = await certificates();
});

/** A PC that trusts the test root; `associated` ties the EV signer to the mobile broadband hardware (COSA). */
function pc(options: { associated?: boolean; associatedPlain?: boolean; sim?: boolean } = {}): Machine {
  const m = Machine.create({
    now: NOW,
    trustedRoots: [certs.ev.root.certificatePem, certs.otherEv.root.certificatePem],
    hardwareCertificates: [
      ...(options.associated ? [trustedCertificateEntry(certs.ev.signer.certificate)] : []),
      ...(options.associatedPlain ? [trustedCertificateEntry(certs.plain.signer.certificate)] : []),
    ],
  });
  if (options.sim === false) delete m.state.capabilities.sim;
  return m;
}

const never = () => {
  throw new Error('the user must not be asked');
};

describe('signing requirements by source', () => {
  it('mobile broadband app with the operator SIM: no signature needed', () => {
    const outcome = pc().provision(xml(purchaseDocument()), { source: 'app' });
    assert.equal(outcome.ok, true);
    assert.equal(outcome.signer, undefined);
  });

  it('operator web site: an unsigned document is rejected whole (MBPROV_SIM_SIGNATURE_REQUIRED) and nothing changes', () => {
    const m = pc({ associated: true });
    const before = JSON.stringify(m.state);
    assert.throws(() => m.provision(xml(purchaseDocument()), { source: 'website' }), {
      code: 'MBPROV_SIM_SIGNATURE_REQUIRED',
    });
    assert.equal(JSON.stringify(m.state), before);
  });

  it('operator web site: a certificate chaining to a trusted root and associated with the hardware is accepted without asking', () => {
    const outcome = pc({ associated: true }).provision(signed(purchaseDocument(), certs.ev), {
      source: 'website',
      consent: never,
    });
    assert.equal(outcome.ok, true);
    assert.equal(outcome.signer?.trustedBy, 'hardware');
  });

  it('operator web site: a certificate that does not chain to a trusted root is rejected (MBPROV_CERT_CHAIN_UNTRUSTED)', () => {
    const m = Machine.create({ now: NOW, trustedRoots: [certs.otherEv.root.certificatePem] });
    assert.throws(() => m.provision(signed(purchaseDocument(), certs.ev), { source: 'website' }), {
      code: 'MBPROV_CERT_CHAIN_UNTRUSTED',
    });
  });

  it('operator web site: a tampered document is rejected (MBPROV_SIG_DIGEST_MISMATCH)', () => {
    const tampered = signed(purchaseDocument(), certs.ev).replace(
      'internet.contoso.com',
      'internet.evil.example',
    );
    assert.throws(() => pc({ associated: true }).provision(tampered, { source: 'website' }), {
      code: 'MBPROV_SIG_DIGEST_MISMATCH',
    });
  });

  it('operator web site: an unknown non-EV certificate is rejected, even with consent (MBPROV_CERT_NOT_EV)', () => {
    assert.throws(
      () =>
        pc().provision(signed(purchaseDocument(), certs.plain), { source: 'website', consent: () => true }),
      {
        code: 'MBPROV_CERT_NOT_EV',
      },
    );
  });

  it('operator web site: a non-EV certificate associated with the hardware (COSA) is rejected (MBPROV_CERT_NOT_EV), nothing changes', () => {
    const m = pc({ associatedPlain: true });
    const before = JSON.stringify(m.state);
    assert.throws(
      () => m.provision(signed(purchaseDocument(), certs.plain), { source: 'website', consent: never }),
      { code: 'MBPROV_CERT_NOT_EV', message: /not an EV certificate/ },
    );
    assert.equal(JSON.stringify(m.state), before);
  });

  it('operator web site: a non-EV certificate in the carrier TrustedCertificates is rejected (MBPROV_CERT_NOT_EV)', () => {
    const m = pc();
    const first = purchaseDocument();
    first.Provisioning = {
      TrustedCertificates: { TrustedCertificate: [trustedCertificateEntry(certs.plain.signer.certificate)] },
    };
    m.provision(xml(first), { source: 'app' });
    assert.throws(
      () => m.provision(signed(purchaseDocument(), certs.plain), { source: 'website', consent: never }),
      { code: 'MBPROV_CERT_NOT_EV' },
    );
  });

  it('operator web site: an unknown EV certificate needs the user consent, asked once and remembered', () => {
    const m = pc();
    let asked = 0;
    const yes = () => {
      asked++;
      return true;
    };
    assert.equal(
      m.provision(signed(purchaseDocument(), certs.ev), { source: 'website', consent: yes }).signer?.prompted,
      true,
    );
    assert.equal(
      m.provision(signed(purchaseDocument(), certs.ev), { source: 'website', consent: yes }).signer?.prompted,
      false,
    );
    assert.equal(asked, 1);
    assert.deepEqual(m.state.consentedCertificates, [
      m.provision(signed(purchaseDocument(), certs.ev), { source: 'website', consent: never }).signer?.signer
        .thumbprint,
    ]);
  });

  it('operator web site: declined consent rejects the document (MBPROV_SIM_CONSENT_DENIED) and is not remembered', () => {
    const m = pc();
    assert.throws(
      () => m.provision(signed(purchaseDocument(), certs.ev), { source: 'website', consent: () => false }),
      { code: 'MBPROV_SIM_CONSENT_DENIED' },
    );
    assert.deepEqual(m.state.consentedCertificates, []);
    assert.deepEqual(m.state.carriers, {});
  });

  it('operator web site without a SIM in the PC is refused (MBPROV_SIM_NO_SIM)', () => {
    assert.throws(
      () => pc({ sim: false }).provision(signed(purchaseDocument(), certs.ev), { source: 'website' }),
      { code: 'MBPROV_SIM_NO_SIM' },
    );
  });

  it('Wi-Fi provider without a SIM: a trusted EV certificate with consent the first time', () => {
    const m = pc({ sim: false });
    const wifi = doc({ WLANProfiles: { WLANProfile: [wlan('Fabrikam Wi-Fi')] } });
    let asked = 0;
    const outcome = m.provision(signed(wifi, certs.otherEv), {
      source: 'wifi-provider',
      consent: () => ++asked > 0,
    });
    assert.equal(outcome.ok, true);
    assert.equal(outcome.signer?.trustedBy, 'consent');
    m.provision(signed(wifi, certs.otherEv), { source: 'wifi-provider', consent: never });
    assert.equal(asked, 1);
  });

  it('Wi-Fi provider: a non-EV certificate is rejected even with consent (MBPROV_CERT_NOT_EV)', () => {
    const wifi = doc({ WLANProfiles: { WLANProfile: [wlan('Fabrikam Wi-Fi')] } });
    assert.throws(
      () =>
        pc({ sim: false }).provision(signed(wifi, certs.plain), {
          source: 'wifi-provider',
          consent: () => true,
        }),
      { code: 'MBPROV_CERT_NOT_EV' },
    );
  });

  it('Wi-Fi provider: a non-EV certificate in the carrier TrustedCertificates is rejected too (MBPROV_CERT_NOT_EV)', () => {
    const m = pc({ sim: false });
    const first = doc({ WLANProfiles: { WLANProfile: [wlan('Fabrikam Wi-Fi')] } });
    first.Provisioning = {
      TrustedCertificates: { TrustedCertificate: [trustedCertificateEntry(certs.plain.signer.certificate)] },
    };
    m.provision(signed(first, certs.otherEv), { source: 'wifi-provider', consent: () => true });
    assert.throws(
      () =>
        m.provision(signed(doc({ WLANProfiles: { WLANProfile: [wlan('Fabrikam Wi-Fi')] } }), certs.plain), {
          source: 'wifi-provider',
          consent: never,
        }),
      { code: 'MBPROV_CERT_NOT_EV' },
    );
  });

  it('Wi-Fi provider: the hardware association does not count without a SIM (consent is still asked)', () => {
    const m = Machine.create({
      now: NOW,
      trustedRoots: [certs.ev.root.certificatePem],
      hardwareCertificates: [trustedCertificateEntry(certs.ev.signer.certificate)],
    });
    delete m.state.capabilities.sim;
    let asked = false;
    m.provision(signed(doc({ WLANProfiles: { WLANProfile: [wlan('Contoso Wi-Fi')] } }), certs.ev), {
      source: 'wifi-provider',
      consent: () => {
        asked = true;
        return true;
      },
    });
    assert.equal(asked, true);
  });

  it('TrustedCertificates of an earlier document make its certificate trusted for later documents of that carrier', () => {
    const m = pc();
    const first = purchaseDocument();
    first.Provisioning = {
      TrustedCertificates: {
        TrustedCertificate: [
          trustedCertificateEntry(certs.ev.signer.certificate),
          trustedCertificateEntry(certs.plain.signer.certificate),
        ],
      },
    };
    m.provision(xml(first), { source: 'app' });
    const outcome = m.provision(signed(purchaseDocument(), certs.ev), {
      source: 'website',
      consent: never,
    });
    assert.equal(outcome.signer?.trustedBy, 'trusted-certificates');
    // A refresh needs no EV: the TrustedCertificates entry alone vouches for a non-EV signer.
    const refreshed = m.provision(signed(purchaseDocument(), certs.plain), {
      source: 'refresh',
      consent: never,
    });
    assert.equal(refreshed.signer?.trustedBy, 'trusted-certificates');
  });

  it("TrustedCertificates of one carrier do not vouch for another carrier's documents", () => {
    const m = pc();
    const first = purchaseDocument();
    first.Provisioning = {
      TrustedCertificates: {
        TrustedCertificate: [
          trustedCertificateEntry(certs.ev.signer.certificate),
          trustedCertificateEntry(certs.plain.signer.certificate),
        ],
      },
    };
    m.provision(xml(first), { source: 'app' });
    const other = doc(
      { WLANProfiles: { WLANProfile: [wlan('Other')] } },
      '{99999999-1111-2222-3333-444444444444}',
    );
    let asked = false;
    const no = () => {
      asked = true;
      return false;
    };
    assert.throws(() => m.provision(signed(other, certs.ev), { source: 'website', consent: no }), {
      code: 'MBPROV_SIM_CONSENT_DENIED',
    });
    assert.equal(asked, true, 'the EV certificate is unknown to the other carrier: the user is asked');
    assert.throws(() => m.provision(signed(other, certs.plain), { source: 'refresh' }), {
      code: 'MBPROV_SIM_CERT_NOT_TRUSTED',
    });
  });

  it('a refreshed document must be signed by a certificate the carrier trusts; no prompt is possible', () => {
    const m = pc();
    m.provision(xml(purchaseDocument()), { source: 'app' });
    assert.throws(() => m.provision(xml(purchaseDocument()), { source: 'refresh' }), {
      code: 'MBPROV_SIM_SIGNATURE_REQUIRED',
    });
    assert.throws(
      () => m.provision(signed(purchaseDocument(), certs.ev), { source: 'refresh', consent: () => true }),
      { code: 'MBPROV_SIM_CERT_NOT_TRUSTED' },
    );
  });

  it('an expired signer is rejected at the virtual clock (MBPROV_CERT_EXPIRED)', () => {
    const m = pc({ associated: true });
    m.advanceDays(400);
    assert.throws(() => m.provision(signed(purchaseDocument(), certs.ev), { source: 'website' }), {
      code: 'MBPROV_CERT_EXPIRED',
    });
  });
});
