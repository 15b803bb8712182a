import {
  buildDocument,
  type CarrierProvisioning,
  createCertificate,
  createTestEvChain,
  signModel,
  type TestEvChain,
  type WLANProfile,
} from '@mbprov/core';

export const CARRIER = '{00000000-1111-2222-3333-444444444444}';
export const OTHER_CARRIER = '{99999999-1111-2222-3333-444444444444}';
export const NOW = '2026-11-21T00:00:00.000Z';

/** An open Wi-Fi profile named `name`, optionally tied to a plan. */
export function wlan(name: string, plan?: string): WLANProfile {
  return {
    name,
    ...(plan ? { AssociatedPlan: plan } : {}),
    SSIDConfig: { SSID: [{ name }] },
    MSM: { security: { authEncryption: { authentication: 'open', encryption: 'none', useOneX: false } } },
  };
}

/** A document of the test carrier with the given sections. */
export function doc(
  sections: Omit<CarrierProvisioning, 'Global'> = {},
  carrierId = CARRIER,
): CarrierProvisioning {
  return { Global: { CarrierId: carrierId, SubscriberId: '310260123456789' }, ...sections };
}

/** Profiles and plans: what a portal sends after a purchase. */
export function purchaseDocument(plan = 'Monthly'): CarrierProvisioning {
  return doc({
    MBNProfiles: {
      DefaultProfile: {
        Name: 'Contoso Internet',
        AssociatedPlan: plan,
        Context: { AccessString: 'internet.contoso.com' },
      },
    },
    WLANProfiles: { WLANProfile: [wlan('Contoso Hotspot', plan)] },
    Plans: {
      Plan: [
        {
          Name: plan,
          Description: { PlanType: 'Fixed', DataLimitInMegabytes: 10240 },
          Usage: { CurrentUsage: 0, UsageTimestamp: NOW },
        },
      ],
    },
  });
}

/** The XML of a model. */
export const xml = (model: CarrierProvisioning) => buildDocument(model);

let chains: Promise<{ ev: TestEvChain; plain: TestEvChain; otherEv: TestEvChain }> | undefined;

/** Test certificates, made once per test file: an EV chain, a non-EV signer under the same root, another EV chain. */
export function certificates() {
  chains ??= (async () => {
    const now = new Date(NOW);
    const ev = await createTestEvChain({ name: 'Contoso Provisioning', now });
    const plainSigner = await createCertificate({
      subject: 'CN=Contoso Plain Signer, O=mbprov test',
      issuer: { certificatePem: ev.root.certificatePem, privateKeyPem: ev.root.privateKeyPem },
      keyUsage: ['digitalSignature'],
      now,
    });
    const otherEv = await createTestEvChain({ name: 'Fabrikam Wi-Fi', now });
    return { ev, plain: { root: ev.root, signer: plainSigner }, otherEv };
  })();
  return chains;
}

/** The document signed by a chain's signer. */
export function signed(model: CarrierProvisioning, chain: TestEvChain): string {
  return signModel(model, { key: chain.signer.privateKeyPem, certificate: chain.signer.certificatePem });
}
