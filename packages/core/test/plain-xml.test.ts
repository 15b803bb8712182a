// signDocument and verifyDocument skip libxml2's parse when the plain-XML reader (xml/plain-xml.ts) proves a
// document well-formed; libxml2 builds the tree only when a check needs it. That is sound only if the reader accepts
// nothing libxml2 refuses. These tests hold it to that (helpers/plain-xml.ts: libxml2 accepts the same text and
// finds the same root, the depth is the nesting check's, readXmlSafely reads everything else as parseXmlSafely
// does) on pinned cases at each rule of the subset, every test fixture, the fuzz corpus and generated fuzz inputs,
// random documents written plainly and sloppily, and one-character edits of signed documents at every position;
// fuzz/properties.ts checks the same on every fuzz input.
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { buildDocument, createTestEvChain, signDocument, signModel } from '../src/index.ts';
import { parseXmlSafely, readXmlSafely } from '../src/xml/safe-parse.ts';
import { buildCorpus } from './fuzz/corpus.ts';
import { corpusAndInputs } from './fuzz/generate.ts';
import { callBounded } from './helpers/bounded.ts';
import { plainAnswers, plainDisagreement } from './helpers/plain-xml.ts';
import { randomStrings, seededRandom } from './helpers/random.ts';
import { fullModel, minimalModel } from './helpers/samples.ts';

const CC = 'http://www.microsoft.com/networking/CarrierControl/v1';
const DS = 'http://www.w3.org/2000/09/xmldsig#';

/** Whether readXmlSafely accepted `text` without parsing it, after checking that it agrees with parseXmlSafely. */
function readPlainly(text: string | Uint8Array): boolean {
  assert.equal(plainDisagreement(text), undefined);
  const read = readXmlSafely(text);
  if (read.ok) read.xml.dispose();
  return read.ok && read.plain !== undefined;
}

function libxml2Accepts(text: string): boolean {
  const parsed = parseXmlSafely(text);
  if (parsed.ok) parsed.xml.dispose();
  return parsed.ok;
}

const doc = (body: string, root = `<r xmlns="${CC}">`) => `${root}${body}</r>`;

/** Well-formed documents inside the subset: read without parsing. */
const PLAIN: Array<[string, string]> = [
  ['an empty root', '<r/>'],
  ['a root with a namespace and whitespace around it', `\n <r xmlns="${CC}"></r>\n\t`],
  [
    'the XML declaration, encoding and standalone',
    `<?xml version="1.0" encoding="utf-8" standalone="yes"?><r/>`,
  ],
  ['the XML declaration in single quotes and spaces', `<?xml  version = '1.0'  encoding='UTF-8' ?>\n<r/>`],
  ['attributes in any order, both quotes, spaces around =', doc(`<a z="1" b = '2' c="x&amp;y&#xA;"/>`)],
  ['every reference of the subset in text', doc('<a>&amp;&lt;&gt;&quot;&apos;&#x9;&#xA;&#xD;</a>')],
  ['> and quotes in text, > in a value', doc(`<a v="a>b">x > y "' z</a>`)],
  ['characters beyond ASCII in text and values', doc('<a v="é😀">日本 😀 \u0085 \ufeff</a>')],
  ['an undeclared default namespace', doc('<a xmlns=""><b/></a>')],
  ['names with digits, dots, dashes, underscores', doc('<_a.b-c1 x_1.-="v"/>')],
  ['end tags with whitespace', doc('<a></a  \n>')],
  ['a literal tab and line break in a value', doc('<a v="1\t2\n3\r4"/>')],
  ['a relative namespace (a warning in libxml2, refused later by C14N)', doc('<a xmlns="relative"/>')],
  ['a namespace with a fragment and a query', doc('<a xmlns="urn:x:y?q=1#frag"/>')],
  ['a name starting with xml on an element', doc('<xmlThing/>')],
  ['the depth limit of the nesting check', `<r>${'<a>'.repeat(63)}${'</a>'.repeat(63)}</r>`],
];

/** Texts libxml2 refuses, at each rule of the subset: the plain reader must leave every one to it. */
const MALFORMED: Array<[string, string]> = [
  ['no whitespace between attributes', doc('<a x="1"y="2"/>')],
  ['a repeated attribute', doc('<a x="1" x="2"/>')],
  ['a repeated attribute in other quotes', doc(`<a x="1" x='1'/>`)],
  ['a repeated namespace declaration', doc(`<a xmlns="${CC}" xmlns="${CC}"/>`)],
  ['an unquoted value', doc('<a x=1/>')],
  ['an attribute without a value', doc('<a x/>')],
  ['< in a value', doc('<a x="<"/>')],
  ['an unknown entity in text', doc('<a>&nbsp;</a>')],
  ['an unknown entity in a value', doc('<a x="&nbsp;"/>')],
  ['a bare & in text', doc('<a>a & b</a>')],
  ['a character reference to NUL', doc('<a>&#0;</a>')],
  [']]> in text', doc('<a>]]></a>')],
  ['a control character in text', doc('<a>\u0001</a>')],
  ['a control character in a value', doc('<a x="\u001f"/>')],
  ['U+FFFE in text', doc('<a>\ufffe</a>')],
  ['U+FFFF in a value', doc('<a x="\uffff"/>')],
  ['crossed end tags', doc('<a><b></a></b>')],
  ['an end tag of another name', doc('<a></b>')],
  ['an end tag with a longer name', doc('<a></ab>')],
  ['an unclosed element', `<r xmlns="${CC}"><a>`],
  ['an end tag first', '</r>'],
  ['two roots', '<r/><r/>'],
  ['text after the root', '<r/>x'],
  ['text before the root', 'x<r/>'],
  ['a space after </', doc('<a></ a>')],
  ['a space before />', doc('<a/ >')],
  ['a name starting with a digit', doc('<1a/>')],
  ['a name starting with a dash', doc('<-a/>')],
  ['an attribute name starting with a dot', doc('<a .x="1"/>')],
  ['the xmlns namespace as default', doc('<a xmlns="http://www.w3.org/2000/xmlns/"/>')],
  ['the xml namespace as default', doc('<a xmlns="http://www.w3.org/XML/1998/namespace"/>')],
  ['a namespace that is not a URI', doc('<a xmlns="a b"/>')],
  ['a namespace with two fragments', doc('<a xmlns="http://a/#b#c"/>')],
  ['a namespace with a bad escape', doc('<a xmlns="http://a/%zz"/>')],
  ['a declaration not at the start', ` <?xml version="1.0"?><r/>`],
  ['a declaration of version 2.0', `<?xml version="2.0"?><r/>`],
  ['a declaration without a version', `<?xml encoding="utf-8"?><r/>`],
  ['a declaration without whitespace', `<?xmlversion="1.0"?><r/>`],
  ['a declaration with a bad standalone', `<?xml version="1.0" standalone="maybe"?><r/>`],
];

/** Well-formed texts outside the subset: left to libxml2, which accepts them. */
const OUTSIDE: Array<[string, string]> = [
  ['a comment', doc('<!-- c --><a/>')],
  ['a comment after the root', `${doc('')}<!-- c -->`],
  ['CDATA', doc('<a><![CDATA[x]]></a>')],
  ['a processing instruction', doc('<?pi x?>')],
  ['a prefixed element', doc('<x:a xmlns:x="urn:x"/>')],
  ['a prefixed attribute', doc('<a xml:lang="en"/>')],
  ['a name beyond ASCII', doc('<é/>')],
  ['a decimal character reference', doc('<a>&#65;</a>')],
  ['a hexadecimal reference the subset does not list', doc('<a>&#x41;</a>')],
  ['a namespace written with a reference', doc(`<a xmlns="${DS.replace('#', '&#x23;')}"/>`)],
  ['an attribute named xmlnsfoo', doc('<a xmlnsfoo="1"/>')],
  ['the ISO-8859-1 encoding', `<?xml version="1.0" encoding="ISO-8859-1"?><r/>`],
];

describe('plain-XML reader', () => {
  for (const [name, text] of PLAIN) {
    it(`reads without parsing, as libxml2 does: ${name}`, () => {
      assert.ok(readPlainly(text), 'the plain reader accepts it');
    });
  }

  for (const [name, text] of MALFORMED) {
    it(`leaves to libxml2, which refuses it: ${name}`, () => {
      assert.equal(libxml2Accepts(text), false, 'libxml2 refuses it');
      assert.equal(readPlainly(text), false);
    });
  }

  for (const [name, text] of OUTSIDE) {
    it(`leaves to libxml2, which accepts it: ${name}`, () => {
      assert.ok(libxml2Accepts(text), 'libxml2 accepts it');
      assert.equal(readPlainly(text), false);
    });
  }

  it('refuses a document nested deeper than the limit, as parseXmlSafely does, with the same diagnostic', () => {
    const deep = `<r>${'<a>'.repeat(70)}${'</a>'.repeat(70)}</r>`;
    assert.equal(plainDisagreement(deep), undefined);
    const read = readXmlSafely(deep);
    assert.equal(read.ok, false);
    assert.equal(!read.ok && read.diagnostics[0]?.code, 'MBPROV_XML_TOO_DEEP');
    assert.equal(plainDisagreement(deep.replace('<r>', `<r xmlns="${CC}">`)), undefined);
  });

  it('leaves a nesting deeper than it reads to libxml2, under a raised depth limit', () => {
    const deep = `<r>${'<a>'.repeat(210)}${'</a>'.repeat(210)}</r>`;
    const limits = { maxDepth: 300 };
    assert.equal(plainDisagreement(deep, limits), undefined);
    const read = readXmlSafely(deep, limits);
    assert.ok(read.ok && read.plain === undefined);
    read.xml.dispose();
  });

  it('is total: every prefix of a document and random markup end the reading without a throw', async () => {
    const base = buildDocument(minimalModel());
    const prefixes = Array.from({ length: base.trimEnd().length }, (_, n) => base.slice(0, n));
    const random = seededRandom(20261208);
    const alphabet = ['<', '>', '/', '?', '!', '=', '"', "'", ' ', 'a', 'xmlns', '&', '&amp;', ';', '-', ':'];
    const junk = randomStrings(random, alphabet, 3000);
    const each = new URL('./helpers/each.ts', import.meta.url);
    const read = await callBounded<unknown[]>(each, 'plainEach', [[...prefixes, ...junk]]);
    for (const [n, root] of read.slice(0, prefixes.length).entries())
      assert.equal(root, null, `prefix of ${n} characters`);
  });

  it('reads alike: every test fixture (reference examples, regressions, fuzz regressions)', () => {
    const fixtures = new URL('./fixtures/', import.meta.url);
    let files = 0;
    const before = plainAnswers.count;
    for (const folder of ['reference', 'regressions', 'fuzz-regressions']) {
      const dir = new URL(`${folder}/`, fixtures);
      for (const name of readdirSync(dir).filter((n) => /\.(xml|bin)$/.test(n))) {
        files++;
        assert.equal(plainDisagreement(readFileSync(new URL(name, dir))), undefined, `${folder}/${name}`);
      }
    }
    assert.ok(files > 60);
    assert.ok(plainAnswers.count - before > 10, `the plain reader read ${plainAnswers.count - before}`);
  });

  it('reads alike: the fuzz corpus and 3,000 generated fuzz inputs', () => {
    const corpus = buildCorpus();
    const before = plainAnswers.count;
    for (const [data, label] of corpusAndInputs(corpus, 20261208, 3000))
      assert.equal(plainDisagreement(data), undefined, label);
    assert.ok(plainAnswers.count - before > 500, `the plain reader read ${plainAnswers.count - before}`);
  });

  it('reads alike: 3,000 random documents written plainly and sloppily', () => {
    const random = seededRandom(20261209);
    const before = plainAnswers.count;
    let wellFormed = 0;
    for (let n = 0; n < 3000; n++) {
      const text = randomDocument(random);
      if (libxml2Accepts(text)) wellFormed++;
      assert.equal(plainDisagreement(text), undefined, text);
    }
    const read = plainAnswers.count - before;
    // Most are read plainly; some well-formed ones are left to libxml2, and some are not well-formed at all.
    assert.ok(
      read > 1500 && wellFormed - read > 20 && 3000 - wellFormed > 300,
      `plain ${read}, well-formed ${wellFormed}`,
    );
  });

  it('reads alike: one-character edits of signed documents at every position', async () => {
    const chain = await createTestEvChain({ keyType: 'rsa' });
    const options = {
      key: createPrivateKey(chain.signer.privateKeyPem),
      certificate: chain.signer.certificate,
    };
    const byModel = signModel(fullModel(), options);
    const byText = signDocument(buildDocument(minimalModel()), options);
    const random = seededRandom(20261210);
    // One character each: markup, references, whitespace, and characters XML refuses or allows beyond ASCII.
    const alphabet = Array.from('<>/"\'= &;#]:!?x-1\t\u0001\ufffeé');
    const before = plainAnswers.count;
    let edits = 0;
    for (const signed of [byModel, byText]) {
      assert.ok(readPlainly(signed), 'the signed document is read without parsing');
      for (let at = 0; at < signed.length; at++) {
        const char = alphabet[Math.floor(random() * alphabet.length)] as string;
        const r = random();
        const edit =
          r < 1 / 3
            ? signed.slice(0, at) + signed.slice(at + 1)
            : r < 2 / 3
              ? signed.slice(0, at) + char + signed.slice(at)
              : signed.slice(0, at) + char + signed.slice(at + 1);
        edits++;
        assert.equal(
          plainDisagreement(edit),
          undefined,
          `edit at ${at}: ${JSON.stringify(edit.slice(Math.max(0, at - 30), at + 30))}`,
        );
      }
    }
    const read = plainAnswers.count - before;
    // Most edits of text and base64 keep the document plain; most edits of markup make it malformed or leave it.
    assert.ok(read > edits / 4 && read < edits, `plain ${read} of ${edits}`);
  });
});

/**
 * A random document near the subset's edges: elements with attributes, namespaces, references and text, written
 * plainly, or (in a third of the documents) with one construct in ten written in a way the subset leaves to
 * libxml2 or that is not well-formed at all.
 */
function randomDocument(random: () => number): string {
  const sloppy = random() < 2 / 3 ? 0 : 0.1;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const risk = () => random() < sloppy;
  const texts = ['plain', 'a &amp; b', '&lt;x&gt;', 'é日本😀', 'q"uo\'te', '&#xD;', ' ', '\n  ', 'a > b', ''];
  const sloppyTexts = [
    '&#65;',
    '&nbsp;',
    '<![CDATA[c]]>',
    '<!-- c -->',
    '<?pi d?>',
    'a & b',
    ']]>',
    '\u0002',
    '</x>',
  ];
  const values = ['1', 'a &amp; b', '&lt;', '&quot;q', "it's", '&#x9;&#xA;&#xD;', '>', '', 'a\tb\nc'];
  const sloppyValues = ['<', '&#65;', '&x;', 'a"b', '\u0003'];
  const names = ['A', 'B', 'Item', 'x-y', '_z', 'v.1', 'xmlA'];
  const sloppyNames = ['1a', 'x:y', 'é', '-a', 'a b'];
  const namespaces = [CC, DS, 'urn:n1', '', 'relative'];
  const sloppyNamespaces = [
    'http://www.w3.org/2000/xmlns/',
    'a b',
    'http://a/%zz',
    '&#x61;:b',
    'http://a/#b#c',
  ];
  const name = () => (risk() ? pick(sloppyNames) : pick(names));
  const attributes = (count: number): string => {
    const chosen = Array.from({ length: count }, () => pick(['a', 'b', 'Id', 'Z', 'c-d', 'e.f']));
    const unique = risk() ? chosen : [...new Set(chosen)];
    return unique
      .map((n) => {
        const value = risk() ? pick(sloppyValues) : pick(values);
        const q = value.includes('"') ? "'" : risk() ? "'" : '"';
        const space = risk() ? pick(['', '\n ', '\t']) : ' ';
        const equals = risk() ? pick([' = ', '=\n', '']) : '=';
        return `${space}${n}${equals}${q}${value}${q}`;
      })
      .join('');
  };
  const namespace = () => {
    const r = random();
    if (r < 0.15) return ` xmlns="${risk() ? pick(sloppyNamespaces) : pick(namespaces)}"`;
    return '';
  };
  const element = (depth: number): string => {
    const n = name();
    const head = `<${n}${namespace()}${attributes(Math.floor(random() * 3))}${risk() ? pick([' ', '\n', ' /']) : ''}`;
    if (depth > 4 || random() < 0.3) return random() < 0.5 ? `${head}/>` : `${head}></${n}>`;
    let body = '';
    for (let k = Math.floor(random() * 4); k > 0; k--) {
      body += risk() ? pick(sloppyTexts) : pick(texts);
      body += element(depth + 1);
    }
    body += pick(texts);
    const close = risk() ? pick([`</${n}x>`, `</ ${n}>`, '', `</${n} >`]) : `</${n}>`;
    return `${head}>${body}${close}`;
  };
  let children = '';
  for (let k = 1 + Math.floor(random() * 3); k > 0; k--) children += `\n  ${element(1)}`;
  const prolog = risk()
    ? pick(['<!-- c -->\n', '<?pi x?>\n', ' <?xml version="1.0"?>', '<?xml version="1.1"?>'])
    : pick(['<?xml version="1.0" encoding="utf-8"?>\n', '', "<?xml version='1.0'?>"]);
  const after = risk() ? pick(['x', '<!-- c -->', '<r/>']) : pick(['\n', '']);
  return `${prolog}<CarrierProvisioning xmlns="${CC}"${attributes(random() < 0.3 ? 1 : 0)}>${children}\n</CarrierProvisioning>${after}`;
}
