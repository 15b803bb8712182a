// Hostile and broken inputs: each is refused with a named error, without hanging, crashing or reading files.
// (Inputs that once hung run in a worker with a deadline, see helpers/bounded.ts; no test asserts on elapsed time.)
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildDocument,
  type Diagnostic,
  type ParseResult,
  parseDocument,
  type ValidationResult,
  type VerifyResult,
  validateDocument,
} from '../src/index.ts';
import { callBounded } from './helpers/bounded.ts';
import { minimalModel } from './helpers/samples.ts';

const CC = 'http://www.microsoft.com/networking/CarrierControl/v1';
const GLOBAL =
  '<Global><CarrierId>{00000000-1111-2222-3333-444444444444}</CarrierId><SubscriberId>1234567890</SubscriberId></Global>';
const doc = (body = GLOBAL, root = `CarrierProvisioning xmlns="${CC}"`) =>
  `<${root}>${body}</${root.split(' ')[0]}>`;

function refusedWith(input: string | Uint8Array, code: Diagnostic['code'], options = {}): Diagnostic {
  const validated = validateDocument(input, options);
  assert.equal(validated.valid, false);
  assert.equal(validated.model, undefined, 'no model is produced from refused input');
  assert.equal(validated.diagnostics[0]?.code, code, JSON.stringify(validated.diagnostics));
  const parsed = parseDocument(input, options);
  assert.equal(parsed.model, undefined);
  assert.equal(parsed.diagnostics[0]?.code, code);
  return validated.diagnostics[0] as Diagnostic;
}

const guard = { timeout: 20_000 };

describe('hostile XML', () => {
  it('refuses billion laughs (internal entities) before parsing', guard, () => {
    const entities = ['<!ENTITY lol "lol">'];
    for (let i = 1; i <= 9; i++)
      entities.push(`<!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">`);
    const xml = `<?xml version="1.0"?>\n<!DOCTYPE CarrierProvisioning [${entities.join('')}]>\n${doc(`${GLOBAL}<Extensions>&lol9;</Extensions>`)}`;
    const d = refusedWith(xml, 'MBPROV_XML_DTD_FORBIDDEN');
    assert.equal(d.line, 2);
  });

  it('refuses an external entity (XXE) and never reads the file', guard, () => {
    const xml = `<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${doc(`${GLOBAL}<Extensions>&xxe;</Extensions>`)}`;
    refusedWith(xml, 'MBPROV_XML_DTD_FORBIDDEN');
  });

  it('refuses an external DTD, also when hidden after comments and processing instructions', guard, () => {
    refusedWith(
      `<!DOCTYPE CarrierProvisioning SYSTEM "http://127.0.0.1:9/evil.dtd">${doc()}`,
      'MBPROV_XML_DTD_FORBIDDEN',
    );
    refusedWith(
      `<?xml version="1.0"?><!-- hi --><?pi x?>\n<!DOCTYPE x PUBLIC "-//x" "x.dtd">${doc()}`,
      'MBPROV_XML_DTD_FORBIDDEN',
    );
  });

  it('refuses an entity reference without a DTD as malformed', guard, () => {
    const d = refusedWith(doc(`${GLOBAL}<Extensions>&xxe;</Extensions>`), 'MBPROV_XML_MALFORMED');
    assert.match(d.message, /entity/i);
  });

  it('does not process XInclude: the include element is kept as inert XML', guard, () => {
    const include =
      '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd" parse="text"/>';
    const xml = doc(GLOBAL.replace('</Global>', `${include}</Global>`));
    const parsed = parseDocument(xml);
    assert.equal(parsed.model?.Global.any?.length, 1);
    assert.match(parsed.model?.Global.any?.[0] ?? '', /^<xi:include /);
    assert.doesNotMatch(JSON.stringify(parsed.model), /root:/);
  });

  it('refuses a 50 MB input by size, as text and as bytes', guard, () => {
    const big = doc(`${GLOBAL}<Extensions><x xmlns="urn:x">${'A'.repeat(50 * 1024 * 1024)}</x></Extensions>`);
    const d = refusedWith(big, 'MBPROV_XML_TOO_LARGE');
    assert.match(d.message, /limit is 8388608 bytes/);
    refusedWith(Buffer.from(big), 'MBPROV_XML_TOO_LARGE');
  });

  it('applies a configured size limit', guard, () => {
    const xml = buildDocument(minimalModel());
    refusedWith(xml, 'MBPROV_XML_TOO_LARGE', { maxBytes: 100 });
    assert.equal(validateDocument(xml, { maxBytes: 10_000 }).valid, true);
  });

  it(
    'counts depth correctly around comments, CDATA, self-closing tags and ">" in attribute values',
    guard,
    () => {
      const body = `${GLOBAL}<Extensions><!-- <a><a><a> --><x xmlns="urn:x" y="a>b"><![CDATA[<a><a><a>]]><z/><z/></x></Extensions>`;
      assert.equal(
        validateDocument(doc(body), { maxDepth: 3 }).diagnostics.some(
          (d) => d.code === 'MBPROV_XML_TOO_DEEP',
        ),
        false,
      );
      refusedWith(doc(body), 'MBPROV_XML_TOO_DEEP', { maxDepth: 2 });
    },
  );

  it('refuses 10,000-deep nesting', guard, () => {
    const deep = `${'<x xmlns="urn:x">'.repeat(10_000)}${'</x>'.repeat(10_000)}`;
    refusedWith(doc(`${GLOBAL}<Extensions>${deep}</Extensions>`), 'MBPROV_XML_TOO_DEEP');
  });

  it('applies a configured depth limit', guard, () => {
    const xml = buildDocument(minimalModel());
    const d = refusedWith(xml, 'MBPROV_XML_TOO_DEEP', { maxDepth: 2 });
    const line = xml.split('\n')[(d.line ?? 0) - 1] ?? '';
    assert.ok(
      line.slice((d.column ?? 0) - 1).startsWith('<CarrierId>'),
      `points at the third level: ${line}`,
    );
  });

  it('refuses a non-UTF-8 declared encoding', guard, () => {
    for (const encoding of ['UTF-16', 'Shift_JIS', 'windows-1252']) {
      const d = refusedWith(
        `<?xml version="1.0" encoding="${encoding}"?>${doc()}`,
        'MBPROV_XML_ENCODING_UNSUPPORTED',
      );
      assert.match(d.message, new RegExp(encoding));
    }
  });

  it(
    'accepts ISO-8859-1 or US-ASCII declared on a text of ASCII characters only, refuses it on any other',
    guard,
    () => {
      for (const encoding of ['ISO-8859-1', 'iso-8859-1', 'latin1', 'US-ASCII']) {
        const xml = `<?xml version="1.0" encoding="${encoding}"?>${doc()}`;
        assert.deepEqual(validateDocument(xml).diagnostics, [], encoding);
        assert.equal(validateDocument(Buffer.from(xml)).valid, true, encoding);
        const accented = xml.replace('1234567890', 'caf\u00e9');
        refusedWith(accented, 'MBPROV_XML_ENCODING_UNSUPPORTED');
        refusedWith(Buffer.from(accented, 'latin1'), 'MBPROV_XML_ENCODING_UNSUPPORTED');
      }
    },
  );

  it('refuses UTF-16 bytes and invalid UTF-8 bytes', guard, () => {
    refusedWith(Buffer.from(`\ufeff${doc()}`, 'utf16le'), 'MBPROV_XML_ENCODING_UNSUPPORTED');
    const latin1 = Buffer.from(doc(GLOBAL.replace('1234567890', 'caf\u00e9')), 'latin1');
    refusedWith(latin1, 'MBPROV_XML_ENCODING_UNSUPPORTED');
  });

  it('accepts a UTF-8 byte order mark', guard, () => {
    assert.equal(
      validateDocument(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(doc())])).valid,
      true,
    );
  });

  it('refuses a wrong root namespace or root element', guard, () => {
    const d = refusedWith(
      doc(GLOBAL, 'CarrierProvisioning xmlns="http://www.microsoft.com/networking/CarrierControl/v2"'),
      'MBPROV_XML_WRONG_ROOT',
    );
    assert.match(d.message, /CarrierControl\/v2/);
    refusedWith(doc(GLOBAL, 'CarrierProvisioning'), 'MBPROV_XML_WRONG_ROOT');
    refusedWith(doc(GLOBAL, `Provisioning xmlns="${CC}"`), 'MBPROV_XML_WRONG_ROOT');
  });

  it('refuses empty and non-XML input', guard, () => {
    refusedWith('', 'MBPROV_XML_EMPTY');
    refusedWith('   \n', 'MBPROV_XML_EMPTY');
    refusedWith('hello', 'MBPROV_XML_MALFORMED');
    const d = refusedWith(`${doc().slice(0, -5)}`, 'MBPROV_XML_MALFORMED');
    assert.equal(d.line, 1);
  });

  it('reports a child in the wrong namespace as a schema error with its position', guard, () => {
    const xml = `<CarrierProvisioning xmlns="${CC}">\n  <Global xmlns="urn:wrong"><CarrierId>x</CarrierId></Global>\n</CarrierProvisioning>`;
    const result = validateDocument(xml);
    assert.equal(result.valid, false);
    const d = result.diagnostics.find((x) => x.code === 'MBPROV_SCHEMA_INVALID');
    assert.ok(d);
    assert.equal(d.line, 2);
    assert.equal(d.column, 3);
  });
});

// These once hung (a scan stepped backwards on an unterminated comment, PI or CDATA section; UTF-16 text given
// as a string sent the canonical-text scan round in circles), so they run in a worker ended at a deadline.
describe('inputs that once hung', () => {
  const each = new URL('./helpers/each.ts', import.meta.url);
  const unterminated = [
    '<a><!--',
    '<a><?x',
    '<a><![CDATA[',
    '<a><!DOCTYPE',
    '<a b="',
    '<a',
    '</a',
    '<',
    '<a><b/',
  ];
  const xml = buildDocument(minimalModel());
  // UTF-16 text without a byte order mark, in both byte orders, taken for characters.
  const utf16 = [
    Buffer.from(xml, 'utf16le').swap16().toString('latin1'),
    Buffer.from(xml, 'utf16le').toString('latin1'),
  ];

  it('unterminated markup: validateDocument and parseDocument refuse in bounded time', async () => {
    const validated = await callBounded<ValidationResult[]>(each, 'validateEach', [unterminated]);
    validated.forEach((result, i) => {
      assert.equal(result.valid, false, unterminated[i]);
      assert.equal(result.diagnostics[0]?.code, 'MBPROV_XML_MALFORMED', unterminated[i]);
    });
    const parsed = await callBounded<ParseResult[]>(each, 'parseEach', [unterminated]);
    for (const result of parsed) assert.equal(result.model, undefined);
  });

  it('unterminated markup: verifyDocument refuses in bounded time', async () => {
    const verified = await callBounded<VerifyResult[]>(each, 'verifyEach', [unterminated]);
    verified.forEach((result, i) => {
      assert.equal(result.valid, false, unterminated[i]);
      assert.equal(result.errors[0]?.code, 'MBPROV_XML_MALFORMED', unterminated[i]);
    });
  });

  it('UTF-16 text given as a string (no BOM, either byte order) is refused as UTF-16', async () => {
    const validated = await callBounded<ValidationResult[]>(each, 'validateEach', [utf16]);
    const verified = await callBounded<VerifyResult[]>(each, 'verifyEach', [utf16]);
    for (const result of validated)
      assert.equal(result.diagnostics[0]?.code, 'MBPROV_XML_ENCODING_UNSUPPORTED');
    for (const result of verified) assert.equal(result.errors[0]?.code, 'MBPROV_XML_ENCODING_UNSUPPORTED');
  });
});

describe('characters that are never XML', () => {
  it('refuses U+0000 anywhere, in a string and in bytes', guard, () => {
    const xml = doc(GLOBAL.replace('1234567890', '12345\u000067890'));
    refusedWith(xml, 'MBPROV_XML_ENCODING_UNSUPPORTED');
    refusedWith(Buffer.from(xml), 'MBPROV_XML_ENCODING_UNSUPPORTED');
  });

  it('refuses a second byte order mark, in a string and in bytes', guard, () => {
    const xml = `\ufeff\ufeff${doc()}`;
    refusedWith(xml, 'MBPROV_XML_MALFORMED');
    refusedWith(Buffer.from(xml), 'MBPROV_XML_MALFORMED');
    assert.equal(validateDocument(`\ufeff${doc()}`).valid, true, 'one is a byte order mark');
  });

  it('refuses a string with a lone surrogate (it has no UTF-8 form)', guard, () => {
    refusedWith(doc(GLOBAL.replace('1234567890', '12345\ud80067890')), 'MBPROV_XML_ENCODING_UNSUPPORTED');
  });
});

describe('namespace names', () => {
  it(
    'a namespace name that is not a URI reference: MBPROV_XML_NAMESPACE_INVALID, with a bounded message',
    guard,
    () => {
      for (const value of ['a b', 'urn:\u00e9', ' '.repeat(100_000), 'a b'.repeat(300_000)]) {
        const xml = doc(GLOBAL.replace('<Global>', `<Global><x xmlns:q="${value}" xmlns="urn:x"/>`));
        const d = refusedWith(xml, 'MBPROV_XML_NAMESPACE_INVALID');
        assert.ok(d.message.length < 700, `message of ${d.message.length} characters`);
      }
    },
  );
});

describe('processing instructions between elements', () => {
  it(
    'hide no sibling: the model of a document with PIs between elements is the model without them',
    guard,
    () => {
      const xml = buildDocument(minimalModel());
      const withPis = xml.replace(/\n( *)<(?!\/)/g, '\n$1<?mbprov-note x?><');
      assert.notEqual(withPis, xml);
      const plain = validateDocument(xml);
      const noted = validateDocument(withPis);
      assert.deepEqual(noted.diagnostics, plain.diagnostics);
      assert.equal(noted.valid, true);
      assert.deepEqual(noted.model, plain.model);
    },
  );
});
