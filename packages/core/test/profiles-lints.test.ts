// Each cross-platform lint catches its mistake (and only it), a clean description has no finding, errors refuse the
// renderers and warnings do not; validation refuses what no renderer can write.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  assertRenderable,
  buildMobileconfig,
  buildWifiConfig,
  codes,
  type HotspotDescription,
  isRealm,
  lintHotspot,
  MbprovError,
  ppsMo,
  validateHotspot,
  writePlist,
} from '../src/index.ts';
import { sampleHotspot } from './helpers/hotspot.ts';

type Passpoint = NonNullable<HotspotDescription['passpoint']>;
const withPasspoint = (d: HotspotDescription, change: Partial<Passpoint>): HotspotDescription => ({
  ...d,
  passpoint: { ...(d.passpoint as Passpoint), ...change },
});

/** One documented mistake per row: the change and the one code it must raise. */
const MISTAKES: [string, (d: HotspotDescription) => HotspotDescription, string][] = [
  ['SSID of 33 octets', (d) => ({ ...d, wisprSsids: [`${'é'.repeat(16)}x`] }), 'MBPROV_PROFILE_SSID_LENGTH'],
  [
    'domain with a space',
    (d) => withPasspoint(d, { domainName: 'wifi contoso.net' }),
    'MBPROV_PROFILE_DOMAIN_NAME',
  ],
  ['single-label realm', (d) => withPasspoint(d, { naiRealm: 'contoso' }), 'MBPROV_PROFILE_REALM_SYNTAX'],
  [
    'realm with underscore',
    (d) => withPasspoint(d, { naiRealm: 'con_toso.net' }),
    'MBPROV_PROFILE_REALM_SYNTAX',
  ],
  [
    'realm label ending in -',
    (d) => withPasspoint(d, { naiRealm: 'contoso-.net' }),
    'MBPROV_PROFILE_REALM_SYNTAX',
  ],
  [
    'RCOI not hex',
    (d) => withPasspoint(d, { roamingConsortiumOis: ['5A03BG'] }),
    'MBPROV_PROFILE_RCOI_FORMAT',
  ],
  [
    'RCOI odd digits',
    (d) => withPasspoint(d, { roamingConsortiumOis: ['5A03BA000'] }),
    'MBPROV_PROFILE_RCOI_FORMAT',
  ],
  [
    'RCOI of 2 octets',
    (d) => withPasspoint(d, { roamingConsortiumOis: ['5A03'] }),
    'MBPROV_PROFILE_RCOI_FORMAT',
  ],
  [
    'RCOI of 6 octets',
    (d) => withPasspoint(d, { roamingConsortiumOis: ['5A03BA000000'] }),
    'MBPROV_PROFILE_RCOI_FORMAT',
  ],
  [
    'RCOI of 4 octets',
    (d) => withPasspoint(d, { roamingConsortiumOis: ['5A03BA00'] }),
    'MBPROV_PROFILE_RCOI_LENGTH',
  ],
  [
    'RCOI lower case',
    (d) => withPasspoint(d, { roamingConsortiumOis: ['5a03ba0000'] }),
    'MBPROV_PROFILE_RCOI_CASE',
  ],
  [
    'no server names',
    (d) => withPasspoint(d, { radiusServerNames: [] }),
    'MBPROV_PROFILE_SERVER_NAMES_MISSING',
  ],
  ['no CA', (d) => withPasspoint(d, { caCertificatePem: '' }), 'MBPROV_PROFILE_CA_MISSING'],
  [
    'empty friendly name',
    (d) => withPasspoint(d, { friendlyName: '' }),
    'MBPROV_PROFILE_FRIENDLY_NAME_LENGTH',
  ],
  [
    'friendly name of 253 octets',
    (d) => withPasspoint(d, { friendlyName: `${'ホ'.repeat(84)}x` }),
    'MBPROV_PROFILE_FRIENDLY_NAME_LENGTH',
  ],
  ['PAP inner method', (d) => withPasspoint(d, { innerMethod: 'PAP' }), 'MBPROV_PROFILE_INNER_METHOD'],
  [
    'identity over 63 octets',
    (d) => ({ ...d, credentials: { ...d.credentials, userName: 'u'.repeat(52) } }),
    'MBPROV_PROFILE_CREDENTIAL_LENGTH',
  ],
  [
    'password over 255 octets',
    (d) => ({ ...d, credentials: { ...d.credentials, password: 'é'.repeat(128) } }),
    'MBPROV_PROFILE_CREDENTIAL_LENGTH',
  ],
];

const codeOf = (e: unknown): string | undefined => (e instanceof MbprovError ? e.code : undefined);

describe('hotspot lints', () => {
  it('finds nothing in a clean description, at the limits', async () => {
    const clean = await sampleHotspot();
    assert.deepEqual(lintHotspot(clean), []);
    const atLimits = withPasspoint(
      {
        ...clean,
        wisprSsids: ['é'.repeat(16)],
        credentials: { userName: 'u'.repeat(51), password: 'é'.repeat(127) },
      },
      { friendlyName: 'ホ'.repeat(84), roamingConsortiumOis: ['004096', 'ABCDEF0123'] },
    );
    assert.deepEqual(lintHotspot(atLimits), []);
  });

  for (const [what, change, code] of MISTAKES) {
    it(`catches ${what} as ${code}, and only that`, async () => {
      const d = change(await sampleHotspot());
      const findings = lintHotspot(validateHotspot(d));
      assert.deepEqual(
        findings.map((f) => f.code),
        [code],
      );
      const finding = findings[0];
      assert.ok(finding?.path?.startsWith('/'), 'names the field');
      const severity = codes[code as keyof typeof codes].severity;
      assert.equal(finding?.severity, severity);
      if (severity === 'error') {
        // Both renderers refuse it by the lint's name before writing anything.
        for (const render of [buildMobileconfig, buildWifiConfig])
          assert.throws(
            () => render(d),
            (e: unknown) => codeOf(e) === code,
          );
      } else {
        assert.deepEqual(
          assertRenderable(d).warnings.map((w) => w.code),
          [code],
        );
        assert.ok(buildMobileconfig(d).plist.length > 0);
      }
    });
  }

  it('knows a realm when it sees one', () => {
    for (const good of ['contoso.net', 'a.b', 'xn--bcher-kva.example', `${'a'.repeat(63)}.net`])
      assert.ok(isRealm(good), good);
    for (const bad of [
      '',
      'net',
      '.contoso.net',
      'contoso.net.',
      'a..b',
      `${'a'.repeat(64)}.net`,
      'bücher.example',
      'a b.net',
    ])
      assert.ok(!isRealm(bad), bad);
  });

  it('refuses malformed descriptions with MBPROV_HOTSPOT_INVALID naming the field', async () => {
    const d = await sampleHotspot();
    const cases: [unknown, string][] = [
      [undefined, '(root)'],
      [[], '(root)'],
      [{ ...d, name: 42 }, 'name'],
      [{ ...d, name: '' }, 'name'],
      [{ ...d, name: 'x'.repeat(1025) }, 'name'],
      [{ ...d, organization: 'bell \u0007' }, 'organization'],
      [{ ...d, wisprSsids: 'Contoso' }, 'wisprSsids'],
      [{ ...d, wisprSsids: Array(257).fill('a') }, 'wisprSsids'],
      [{ ...d, credentials: undefined }, 'credentials'],
      [{ ...d, credentials: { userName: 'a@b', password: 'x' } }, 'credentials.userName'],
      [{ ...d, credentials: { userName: 'a', password: '\uDFFF' } }, 'credentials.password'],
      [withPasspoint(d, { innerMethod: 'CHAP' as never }), 'passpoint.innerMethod'],
      [withPasspoint(d, { encryption: 'WEP' as never }), 'passpoint.encryption'],
      [withPasspoint(d, { roamingEnabled: 'yes' as never }), 'passpoint.roamingEnabled'],
      [
        withPasspoint(d, {
          caCertificatePem: `${d.passpoint?.caCertificatePem}${d.passpoint?.caCertificatePem}`,
        }),
        'passpoint.caCertificatePem',
      ],
      [withPasspoint(d, { caCertificatePem: 'garbage' }), 'passpoint.caCertificatePem'],
      [{ ...d, identifier: 'contoso' }, 'identifier'],
    ];
    for (const [input, field] of cases)
      assert.throws(
        () => validateHotspot(input),
        (e: unknown) => codeOf(e) === 'MBPROV_HOTSPOT_INVALID' && (e as Error).message.includes(` ${field}:`),
        field,
      );
  });

  it('copies only the known fields', async () => {
    const d = await sampleHotspot();
    const copy = validateHotspot({ ...d, extra: 'ignored', credentials: { ...d.credentials, token: 'x' } });
    assert.deepEqual(copy, d);
  });

  it('has the low-level writers refuse what XML cannot carry, even when called without validation', async () => {
    const network = (await sampleHotspot()).passpoint as Passpoint;
    const bad = (f: () => unknown) =>
      assert.throws(f, (e: unknown) => codeOf(e) === 'MBPROV_MODEL_BAD_VALUE');
    bad(() => writePlist({ Name: 'escape \u001B[31m' }));
    bad(() => writePlist({ 'key \uFFFE': 'x' }));
    bad(() => writePlist({ List: ['\uD83D'] }));
    bad(() => writePlist({ Count: 1.5 }));
    bad(() => ppsMo({ ...network, friendlyName: 'nul \u0000' }, 'u@contoso.net', 'p'));
    bad(() => ppsMo(network, 'u\u0008@contoso.net', 'p'));
    assert.match(writePlist({ Tab: 'a\tb', Line: 'a\nb' }), /<string>a\tb<\/string>/);
  });
});
