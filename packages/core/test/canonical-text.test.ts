import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { XmlC14NMode, XmlElement } from 'libxml2-wasm';
import { createTestEvChain, signDocument, signModel, verifyDocument } from '../src/index.ts';
import { type CanonicalText, scanCanonicalText } from '../src/signature/canonical-text.ts';
import { parseXmlSafely } from '../src/xml/safe-parse.ts';
import { callBounded } from './helpers/bounded.ts';
import { randomStrings, seededRandom } from './helpers/random.ts';
import { fullModel } from './helpers/samples.ts';

// The recognizer claims some parts of a text are canonical already; these tests hold every claim against
// libxml2's own C14N of the same text, and pin which writing styles the recognizer proves.

const CC = 'http://www.microsoft.com/networking/CarrierControl/v1';
const DS = 'http://www.w3.org/2000/09/xmldsig#';

function lastElementChild(element: XmlElement): XmlElement | undefined {
  let last: XmlElement | undefined;
  for (let n = element.firstChild; n; n = n.next) if (n instanceof XmlElement) last = n;
  return last;
}

function firstElementChild(element: XmlElement): XmlElement | undefined {
  for (let n = element.firstChild; n; n = n.next) if (n instanceof XmlElement) return n;
  return undefined;
}

/** What libxml2 makes of a text: the forms the recognizer may claim, or undefined where libxml2 fails. */
function libxml2Forms(text: string) {
  const parsed = parseXmlSafely(text);
  if (!parsed.ok) return undefined;
  const { doc } = parsed.xml;
  const c14n = (mode: 0 | 1) => {
    try {
      return doc.canonicalizeToString({ mode, withComments: false });
    } catch {
      return undefined;
    }
  };
  try {
    const document = c14n(XmlC14NMode.XML_C14N_1_0);
    const signatureTags = doc.find('//*[local-name()="Signature"]').length;
    const last = lastElementChild(doc.root);
    const first = last && firstElementChild(last);
    let inclusive: string | undefined;
    let exclusive: string | undefined;
    try {
      inclusive = first?.canonicalizeToString({ mode: XmlC14NMode.XML_C14N_1_0, withComments: false });
      exclusive = first?.canonicalizeToString({
        mode: XmlC14NMode.XML_C14N_EXCLUSIVE_1_0,
        withComments: false,
      });
    } catch {
      // relative namespace URIs and the like: libxml2 refuses them
    }
    const lastName = last && (last.prefix ? `${last.prefix}:${last.name}` : last.name);
    const lastElements = last ? 1 + last.find('.//*').length : 0;
    last?.remove();
    const withoutLastChild = last ? c14n(XmlC14NMode.XML_C14N_1_0) : undefined;
    return { document, withoutLastChild, inclusive, exclusive, signatureTags, lastName, lastElements };
  } finally {
    parsed.xml.dispose();
  }
}

/** Checks every claim of the recognizer on `text`; returns which parts it proved. */
function checkClaims(text: string) {
  const forms = libxml2Forms(text);
  if (!forms) return undefined;
  const scanned = scanCanonicalText(text);
  const proved = {
    document: scanned.document !== undefined,
    withoutLastChild: scanned.withoutLastChild !== undefined,
    firstChild: scanned.lastChildFirstChild !== undefined,
  };
  // Where libxml2 refuses to canonicalize (a relative namespace URI anywhere), there is nothing to compare.
  if (scanned.document && forms.document !== undefined)
    assert.equal(scanned.document.join(''), forms.document, `document of\n${text}`);
  if (scanned.withoutLastChild && forms.withoutLastChild !== undefined)
    assert.equal(scanned.withoutLastChild.join(''), forms.withoutLastChild, `without last child of\n${text}`);
  if (scanned.lastChildFirstChild !== undefined && forms.inclusive !== undefined) {
    assert.equal(scanned.lastChildFirstChild, forms.inclusive, `inclusive SignedInfo of\n${text}`);
    assert.equal(scanned.lastChildFirstChild, forms.exclusive, `exclusive SignedInfo of\n${text}`);
  }
  assert.equal(scanned.signatureTags, forms.signatureTags, `Signature tags of\n${text}`);
  if (scanned.lastChild) {
    // The range is the root's last child element: it starts with its name, holds as many start tags as it has
    // elements, and only comments, processing instructions and text lie between it and the root's end tag.
    const { start, end } = scanned.lastChild;
    const markup = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>/g;
    const range = text.slice(start, end).replace(markup, '');
    assert.ok(forms.lastName !== undefined, `a last child in\n${text}`);
    assert.match(text.slice(start), new RegExp(`^<${forms.lastName}[\\s/>]`), `last child of\n${text}`);
    assert.ok(text.endsWith('>', end), `last child's end in\n${text}`);
    assert.equal(range.match(/<[^/!?]/g)?.length, forms.lastElements, `last child's elements in\n${text}`);
    assert.doesNotMatch(
      text.slice(end, scanned.rootEndTag).replace(markup, ''),
      /</,
      `after the last child in\n${text}`,
    );
  }
  const root = /<([^\s/>?!]+)/.exec(text.slice(text.search(/<[^?!]/)))?.[1] as string;
  assert.ok(text.startsWith(`</${root}`, scanned.rootEndTag), `root end tag of\n${text}`);
  return proved;
}

const BASE =
  `<?xml version="1.0" encoding="utf-8"?>\n<CarrierProvisioning xmlns="${CC}">\n  <Global><CarrierId a="1" b="x &amp; y">{id} &lt;3 &gt; 2</CarrierId></Global>\n` +
  `  <Item></Item>\n  <Signature xmlns="${DS}"><SignedInfo><CanonicalizationMethod Algorithm="urn:c"></CanonicalizationMethod>` +
  `<DigestValue>abc=</DigestValue></SignedInfo><SignatureValue>xyz=</SignatureValue></Signature>\n</CarrierProvisioning>\n`;

/** A variant of BASE and whether the recognizer proves its document without the Signature, and SignedInfo. */
const CASES: Array<[string, (s: string) => string, boolean, boolean]> = [
  ['the canonical text itself', (s) => s, true, true],
  ['self-closed empty elements (expanded)', (s) => s.replace('<Item></Item>', '<Item/>'), true, true],
  [
    'self-closed elements inside SignedInfo (expanded)',
    (s) => s.replace('Algorithm="urn:c"></CanonicalizationMethod>', 'Algorithm="urn:c"/>'),
    true,
    true,
  ],
  [
    'a comment before the root (dropped by C14N)',
    (s) => s.replace('\n<Carrier', '\n<!-- c -->\n<Carrier'),
    true,
    true,
  ],
  ['no XML declaration', (s) => s.replace(/^<\?xml[^>]*>\n/, ''), true, true],
  [
    'attributes out of order (rewritten sorted)',
    (s) => s.replace('a="1" b=', 'b="x &amp; y" a="1" c='),
    true,
    true,
  ],
  ['single quotes', (s) => s.replace('a="1"', "a='1'"), true, true],
  ['two spaces in a tag', (s) => s.replace('a="1" b', 'a="1"  b'), true, true],
  ['a line break in a tag', (s) => s.replace('a="1" b', 'a="1"\n b'), true, true],
  ['a space before >', (s) => s.replace('<Item>', '<Item >'), true, true],
  ['a space before />', (s) => s.replace('<Item></Item>', '<Item />'), true, true],
  ['a space in an end tag', (s) => s.replace('</Item>', '</Item >'), true, true],
  ['spaces around =', (s) => s.replace('a="1"', 'a = "1"'), true, true],
  [
    'a double quote inside single quotes (C14N writes &quot;)',
    (s) => s.replace('a="1"', `a='"'`),
    false,
    true,
  ],
  [
    'a self-closed element repeating the default namespace',
    (s) => s.replace('<Item></Item>', `<Item xmlns="${CC}" />`),
    true,
    true,
  ],
  ['&gt; in an attribute value', (s) => s.replace('a="1"', 'a="&gt;"'), false, true],
  ['a raw > in an attribute value', (s) => s.replace('a="1"', 'a=">"'), true, true],
  ['a raw > in text', (s) => s.replace('&gt; 2', '> 2'), false, true],
  ['a character reference in text', (s) => s.replace('{id}', '&#65;'), false, true],
  ['&apos; in text', (s) => s.replace('{id}', '&apos;'), false, true],
  ['&#xD; in text (canonical)', (s) => s.replace('{id}', '&#xD;'), true, true],
  ['&#xA; in an attribute value (canonical)', (s) => s.replace('a="1"', 'a="1&#xA;2"'), true, true],
  ['a literal tab in an attribute value', (s) => s.replace('a="1"', 'a="1\t2"'), false, true],
  ['CDATA', (s) => s.replace('{id}', '<![CDATA[x]]>'), false, true],
  ['a comment in the root', (s) => s.replace('<Item>', '<Item><!-- c -->'), false, true],
  ['a processing instruction in the root', (s) => s.replace('<Item>', '<Item><?pi x?>'), false, true],
  [
    'a processing instruction before the root',
    (s) => s.replace('\n<Carrier', '\n<?pi x?>\n<Carrier'),
    false,
    true,
  ],
  [
    'a processing instruction named xml-stylesheet in place of the XML declaration (signed content)',
    (s) => s.replace(/^<\?xml[^>]*>/, '<?xml-stylesheet href="x.xsl"?>'),
    false,
    true,
  ],
  [
    'a processing instruction named xmlfoo at offset 0',
    (s) => s.replace(/^<\?xml[^>]*>/, '<?xmlfoo?>'),
    false,
    true,
  ],
  [
    'the Signature namespace written with a character reference',
    (s) => s.replace(`<Signature xmlns="${DS}">`, `<Signature xmlns="${DS.replace('#', '&#x23;')}">`),
    true,
    false,
  ],
  [
    'a default namespace written with a character reference, repeated as written below',
    (s) => s.replace('<Global>', '<Global xmlns="urn:&#x61;"><X xmlns="urn:a"></X>'),
    false,
    true,
  ],
  [
    'a processing instruction in the Signature before SignedInfo',
    (s) => s.replace('<SignedInfo>', '<?pi x?><SignedInfo>'),
    true,
    true,
  ],
  ['CRLF line ends (SignedInfo is on one line)', (s) => s.replace(/\n/g, '\r\n'), false, true],
  [
    'a repeated default namespace (dropped)',
    (s) => s.replace('<Global>', `<Global xmlns="${CC}">`),
    true,
    true,
  ],
  ['a changed default namespace', (s) => s.replace('<Global>', '<Global xmlns="urn:other">'), true, true],
  [
    'xmlns="" where none is in scope',
    (s) => s.replace('<Global>', '<Global xmlns="urn:o"><X xmlns=""><Y xmlns=""/></X>'),
    true,
    true,
  ],
  [
    'a prefixed element beside the Signature',
    (s) => s.replace('<Item></Item>', '<p:Item xmlns:p="urn:p"></p:Item>'),
    false,
    true,
  ],
  [
    'xml:lang on the root',
    (s) =>
      s.replace(`<CarrierProvisioning xmlns="${CC}">`, `<CarrierProvisioning xmlns="${CC}" xml:lang="en">`),
    false,
    false,
  ],
  [
    'xmlns not first (rewritten first)',
    (s) => s.replace('<Global>', '<Global a="1" xmlns="urn:o">'),
    true,
    true,
  ],
  ['a non-ASCII attribute name', (s) => s.replace('a="1"', 'é="1"'), false, true],
  ['non-ASCII text', (s) => s.replace('{id}', 'ü 日本 😀'), true, true],
  [
    'SignedInfo declaring its own namespace',
    (s) => s.replace('<SignedInfo>', `<SignedInfo xmlns="${DS}">`),
    true,
    false,
  ],
  ['an attribute on SignedInfo', (s) => s.replace('<SignedInfo>', '<SignedInfo Id="s1">'), true, true],
  ['a comment in SignedInfo', (s) => s.replace('<SignedInfo>', '<SignedInfo><!-- c -->'), true, false],
  [
    'ds-prefixed Signature',
    (s) =>
      s
        .replace(`<Signature xmlns="${DS}">`, `<ds:Signature xmlns:ds="${DS}">`)
        .replace('</Signature>', '</ds:Signature>'),
    true,
    false,
  ],
];

describe('canonical text recognizer', () => {
  for (const [name, change, document, signedInfo] of CASES) {
    it(`${name}: ${document ? 'proves' : 'does not prove'} the document, ${signedInfo ? 'proves' : 'does not prove'} SignedInfo, and every claim equals libxml2's C14N`, () => {
      const proved = checkClaims(change(BASE));
      assert.ok(proved, 'libxml2 parses the variant');
      assert.equal(proved.withoutLastChild, document, 'document without the Signature');
      assert.equal(proved.firstChild, signedInfo, 'SignedInfo');
    });
  }

  it('is total: every prefix of a document and random text end the scan without a throw, claiming no document', async () => {
    const prefixes = Array.from({ length: BASE.trimEnd().length }, (_, n) => BASE.slice(0, n));
    const random = seededRandom(20261201);
    const alphabet = [
      '<',
      '>',
      '/',
      '?',
      '!',
      '-',
      '[',
      ']',
      '"',
      "'",
      '=',
      ' ',
      'a',
      ':',
      '&',
      ';',
      '\0',
      'CDATA',
    ];
    const junk = randomStrings(random, alphabet, 2000);
    const each = new URL('./helpers/each.ts', import.meta.url);
    const scanned = await callBounded<CanonicalText[]>(each, 'scanEach', [[...prefixes, ...junk]]);
    scanned.slice(0, prefixes.length).forEach((result, n) => {
      assert.equal(result.document, undefined, `prefix of ${n} characters`);
      assert.equal(result.withoutLastChild, undefined, `prefix of ${n} characters`);
    });
  });

  it('a relative namespace URI is left to libxml2, which refuses it', () => {
    const proved = checkClaims(BASE.replace('<Global>', '<Global xmlns="relative">'));
    assert.equal(proved?.withoutLastChild, false);
  });

  it('every reference fixture: each claim equals libxml2 C14N', () => {
    const dir = new URL('./fixtures/reference/', import.meta.url);
    const files = readdirSync(dir).filter((f) => f.endsWith('.xml'));
    assert.ok(files.length > 20);
    for (const file of files) checkClaims(readFileSync(new URL(file, dir), 'utf8'));
  });

  it('2,000 random documents mixing canonical and non-canonical writing: each claim equals libxml2 C14N, and claims are made', () => {
    const random = seededRandom(20261121);
    const proved = { document: 0, withoutLastChild: 0, firstChild: 0 };
    for (let n = 0; n < 2000; n++) {
      const text = randomDocument(random);
      const result = checkClaims(text);
      assert.ok(result, `libxml2 parses the generated document\n${text}`);
      for (const k of Object.keys(proved) as Array<keyof typeof proved>) if (result[k]) proved[k]++;
    }
    // Roughly a third of the generated documents are written canonically; the rest exercise the refusals.
    for (const [k, count] of Object.entries(proved)) assert.ok(count > 200 && count < 1800, `${k}: ${count}`);
  });

  it('mbprov-signed documents (signModel, and signDocument of the text it writes) are proven canonical and verify', async () => {
    const chain = await createTestEvChain({ keyType: 'rsa' });
    const options = {
      key: createPrivateKey(chain.signer.privateKeyPem),
      certificate: chain.signer.certificate,
    };
    for (const canonicalization of ['c14n', 'excC14n'] as const) {
      const byModel = signModel(fullModel(), { ...options, canonicalization });
      const unsigned = byModel.replace(/\s*<Signature[\s\S]*<\/Signature>/, '\n');
      const byText = signDocument(unsigned, { ...options, canonicalization });
      for (const signed of [byModel, byText]) {
        const proved = checkClaims(signed);
        assert.equal(proved?.withoutLastChild, true);
        assert.equal(proved?.firstChild, true);
        assert.ok(verifyDocument(signed, { trustAnchors: [chain.root.certificate] }).valid);
      }
    }
  });

  it('verification through recognized text still refuses a changed byte, and accepts an equivalent rewrite through libxml2', async () => {
    const chain = await createTestEvChain({ keyType: 'rsa' });
    const signed = signModel(fullModel(), {
      key: createPrivateKey(chain.signer.privateKeyPem),
      certificate: chain.signer.certificate,
    });
    const verify = (xml: string) => verifyDocument(xml, { trustAnchors: [chain.root.certificate] });
    assert.equal(
      verify(signed.replace('Contoso Internet', 'Contoso Internat')).errors[0]?.code,
      'MBPROV_SIG_DIGEST_MISMATCH',
    );
    // Still canonical, so SignedInfo's octets come from the text: the added attribute is signed content.
    const changedInfo = signed.replace('<SignedInfo>', '<SignedInfo Id="s1">');
    assert.notEqual(scanCanonicalText(changedInfo).lastChildFirstChild, undefined);
    assert.equal(verify(changedInfo).errors[0]?.code, 'MBPROV_SIG_SIGNATURE_MISMATCH');
    // Tags written differently, same canonical form: the recognizer rewrites them, and the document verifies.
    const retagged = signed.replace('<CarrierId>', '<CarrierId >').replace('<SignedInfo>', '<SignedInfo >');
    assert.notEqual(scanCanonicalText(retagged).withoutLastChild, undefined);
    assert.notEqual(scanCanonicalText(retagged).lastChildFirstChild, undefined);
    assert.ok(verify(retagged).valid);
    // A CDATA section and a comment, same canonical form: left to libxml2, which verifies it too.
    const carrierId = /<CarrierId>([^<]*)</.exec(signed)?.[1] as string;
    const general = signed
      .replace(`<CarrierId>${carrierId}<`, `<CarrierId><![CDATA[${carrierId}]]><`)
      .replace('<SignedInfo>', '<SignedInfo><!-- x -->');
    assert.equal(scanCanonicalText(general).withoutLastChild, undefined);
    assert.equal(scanCanonicalText(general).lastChildFirstChild, undefined);
    assert.ok(verify(general).valid);
  });
});

/**
 * A random well-formed document with a CarrierProvisioning-like root, children, and a Signature-like last
 * child whose first child is SignedInfo-like. With probability 0.7 per document everything is written
 * canonically; otherwise each construct independently risks one of the non-canonical writings.
 */
function randomDocument(random: () => number): string {
  const sloppy = random() < 0.7 ? 0 : 0.08;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const risk = () => random() < sloppy;
  const texts = ['plain', 'a &amp; b', '&lt;x&gt;', 'é日本😀', 'q"uo\'te', '&#xD;', ' ', '\n  '];
  const sloppyTexts = ['a > b', '&#65;', '&apos;', '<![CDATA[c]]>', '<!-- c -->', '<?pi d?>', 'x\r\ny'];
  const values = ['1', 'a &amp; b', '&lt;', '&quot;q', "it's", '&#x9;&#xA;&#xD;', '>', ''];
  const sloppyValues = ['&gt;', '&#65;', 'a\tb', 'a\nb'];
  const names = ['A', 'B', 'Item', 'x-y', '_z', 'v.1'];
  const attributes = (count: number): string => {
    const chosen = [
      ...new Set(Array.from({ length: count }, () => pick(['a', 'b', 'Id', 'Z', 'c-d', 'e.f']))),
    ];
    if (!risk()) chosen.sort();
    return chosen
      .map((name) => {
        const value = risk() ? pick(sloppyValues) : pick(values);
        const q = risk() && !value.includes("'") ? "'" : '"';
        const space = risk() ? pick(['  ', '\n ', '\t']) : ' ';
        return `${space}${name}=${q}${value}${q}`;
      })
      .join('');
  };
  const namespace = (inherited: string): string => {
    const r = random();
    if (r < 0.1) return ' xmlns="urn:n1"';
    if (r < 0.15 && risk()) return ` xmlns="${inherited}"`;
    if (r < 0.18 && inherited !== '') return ' xmlns=""';
    return '';
  };
  const element = (depth: number, inherited: string): string => {
    const name = pick(names);
    const ns = namespace(inherited);
    const own = ns ? (/"(.*)"/.exec(ns)?.[1] as string) : inherited;
    const head = `<${name}${ns}${attributes(Math.floor(random() * 3))}${risk() ? ' ' : ''}`;
    if (depth > 3 || random() < 0.3) return random() < 0.5 ? `${head}/>` : `${head}></${name}>`;
    let body = '';
    for (let k = Math.floor(random() * 4); k > 0; k--) {
      body += risk() ? pick(sloppyTexts) : pick(texts);
      body += element(depth + 1, own);
    }
    body += pick(texts);
    return `${head}>${body}</${name}${risk() ? ' ' : ''}>`;
  };
  let children = '';
  for (let k = 1 + Math.floor(random() * 3); k > 0; k--) children += `\n  ${element(1, CC)}`;
  const signedInfo = `<SignedInfo${risk() ? ` xmlns="${DS}"` : ''}${attributes(random() < 0.2 ? 1 : 0)}>${element(3, DS)}${pick(texts)}${element(3, DS)}</SignedInfo>`;
  const signature = `<Signature xmlns="${DS}">${signedInfo}<SignatureValue>${pick(texts)}</SignatureValue></Signature>`;
  const prolog = pick([
    '<?xml version="1.0" encoding="utf-8"?>\n',
    '',
    '<!-- c -->\n',
    ...(risk() ? ['<?pi x?>\n'] : []),
  ]);
  return `${prolog}<CarrierProvisioning xmlns="${CC}"${attributes(random() < 0.3 ? 1 : 0)}>${children}\n  ${signature}\n</CarrierProvisioning>\n`;
}
