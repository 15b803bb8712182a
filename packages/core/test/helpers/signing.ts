// Shared fixtures of the signature tests: test chains made once per test file, text edits that fail loudly when
// they do not apply, and xmlsec1 (the independent XML-DSig implementation) driven through real files.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ANY_POLICY_OID } from '../../src/certificates/ev-policy.ts';
import {
  C14N,
  type Canonicalization,
  createCertificate,
  createTestEvChain,
  EV_POLICY_OID,
  NS,
  type TestCertificate,
  type TestEvChain,
  type VerifyResult,
} from '../../src/index.ts';

/** A chain with an intermediate CA: root → intermediate → signer. */
export interface IntermediateChain {
  root: TestCertificate;
  intermediate: TestCertificate;
  signer: TestCertificate;
}

/** Memoizes an async factory: each test file runs in its own process, so this is "once per file". */
export function once<T>(make: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => {
    value ??= make();
    return value;
  };
}

/** Test root + EV signer, RSA-2048. */
export const rsaChain = once(() => createTestEvChain({ name: 'mbprov RSA', keyType: 'rsa' }));

/** Test root + EV signer, ECDSA P-256. */
export const ecdsaChain = once(() => createTestEvChain({ name: 'mbprov ECDSA', keyType: 'ecdsa' }));

/** Root → intermediate CA → EV signer; the signer's key type is chosen, the CAs are RSA. */
export const intermediateChain = (keyType: 'rsa' | 'ecdsa') =>
  (keyType === 'rsa' ? rsaIntermediate : ecdsaIntermediate)();

async function makeIntermediate(keyType: 'rsa' | 'ecdsa'): Promise<IntermediateChain> {
  const root = await createCertificate({
    subject: `CN=mbprov ${keyType} Chain Root, O=mbprov test, OU=TEST ONLY - NOT TRUSTED`,
    ca: true,
  });
  const intermediate = await createCertificate({
    subject: `CN=mbprov ${keyType} Intermediate CA, O=mbprov test, OU=TEST ONLY`,
    issuer: root,
    ca: true,
    pathLength: 0,
    // anyPolicy, as EV issuing CAs carry it (or the EV OID): with requireEv the policy must hold along the chain.
    policies: [ANY_POLICY_OID],
  });
  const signer = await createCertificate({
    subject: `CN=mbprov ${keyType} Leaf, O=mbprov test, OU=TEST ONLY`,
    issuer: intermediate,
    keyType,
    policies: [EV_POLICY_OID],
  });
  return { root, intermediate, signer };
}
const rsaIntermediate = once(() => makeIntermediate('rsa'));
const ecdsaIntermediate = once(() => makeIntermediate('ecdsa'));

export type { TestEvChain };

/** Every canonicalization of SignedInfo the profile allows. */
export const CANONICALIZATIONS = Object.keys(C14N) as Canonicalization[];

/** Replaces the only occurrence of `from`; fails the test when there is none or more than one. */
export function replaceOnce(text: string, from: string | RegExp, to: string): string {
  const matches =
    typeof from === 'string' ? text.split(from).length - 1 : [...text.matchAll(globalOf(from))].length;
  assert.equal(matches, 1, `expected exactly one ${String(from)} in the document, found ${matches}`);
  const out = text.replace(from, to);
  assert.notEqual(out, text, `replacing ${String(from)} changed nothing`);
  return out;
}

function globalOf(re: RegExp): RegExp {
  return re.flags.includes('g') ? re : new RegExp(re.source, `${re.flags}g`);
}

/** The text of the only element `<name>…</name>` (unprefixed, no attributes) in a signed document. */
export function elementText(xml: string, name: string): string {
  const m = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml);
  assert.ok(m, `no <${name}> in the document`);
  return m[1] as string;
}

/** The complete `<Signature …>…</Signature>` element of a signed document. */
export function signatureElement(xml: string): string {
  const m = /<Signature xmlns="http:\/\/www\.w3\.org\/2000\/09\/xmldsig#">[\s\S]*?<\/Signature>/.exec(xml);
  assert.ok(m, 'no Signature element in the document');
  return m[0];
}

/** Asserts a verification refused the document, for the named reason first. */
export function assertRefused(result: VerifyResult, code: string): void {
  assert.equal(result.valid, false, `expected a refusal with ${code}, but the document verified`);
  assert.equal(result.errors[0]?.code, code, JSON.stringify(result.errors));
}

/** Asserts a verification accepted the document. */
export function assertValid(result: VerifyResult): void {
  assert.deepEqual(result.errors, []);
  assert.equal(result.valid, true);
}

/** Outcome of running xmlsec1. */
export interface XmlsecRun {
  status: number | null;
  output: string;
}

/** SignedInfo methods of an xmlsec1 signing template. */
export interface TemplateMethods {
  canonicalization: string;
  signatureMethod: string;
  digestMethod: string;
}

export const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
export const ECDSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256';
export const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';
export const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';

/**
 * An unsigned document with an empty Signature skeleton in the strict profile as the last child of the root:
 * one Reference URI="", only the enveloped-signature transform, KeyInfo/X509Data/X509Certificate to fill.
 */
export function signingTemplate(xml: string, methods: TemplateMethods): string {
  const skeleton =
    `  <Signature xmlns="${NS.ds}"><SignedInfo>` +
    `<CanonicalizationMethod Algorithm="${methods.canonicalization}"/>` +
    `<SignatureMethod Algorithm="${methods.signatureMethod}"/>` +
    `<Reference URI=""><Transforms><Transform Algorithm="${ENVELOPED}"/></Transforms>` +
    `<DigestMethod Algorithm="${methods.digestMethod}"/><DigestValue></DigestValue></Reference>` +
    '</SignedInfo><SignatureValue/><KeyInfo><X509Data><X509Certificate/></X509Data></KeyInfo></Signature>\n';
  return replaceOnce(xml, /(<\/(?:[\w-]+:)?CarrierProvisioning>)\s*$/, `${skeleton}$1\n`);
}

/** xmlsec1 working on real files in its own temporary directory. */
export class Xmlsec {
  readonly dir = mkdtempSync(join(tmpdir(), 'mbprov-xmlsec-'));
  private count = 0;

  /** True when the xmlsec1 command runs. */
  static available(): boolean {
    return spawnSync('xmlsec1', ['--version'], { encoding: 'utf8' }).status === 0;
  }

  /** Writes a file in the temporary directory and returns its path. */
  file(name: string, content: string): string {
    const path = join(this.dir, `${++this.count}-${name}`);
    writeFileSync(path, content);
    return path;
  }

  /** `xmlsec1 --verify` with the given PEM root as the only trust anchor and only URI="" references enabled. */
  verify(xml: string, trustedRootPem: string): XmlsecRun {
    const root = this.file('root.pem', trustedRootPem);
    const doc = this.file('signed.xml', xml);
    return this.run(['--verify', '--trusted-pem', root, '--enabled-reference-uris', 'empty', doc]);
  }

  /** `xmlsec1 --sign` of a template with a PEM key and its certificate (then intermediates); returns the signed XML. */
  sign(template: string, keyPem: string, certificatePems: string[]): string {
    const pems = [this.file('key.pem', keyPem), ...certificatePems.map((c) => this.file('cert.pem', c))];
    const input = this.file('template.xml', template);
    const output = join(this.dir, `${++this.count}-out.xml`);
    const run = this.run(['--sign', '--privkey-pem', pems.join(','), '--output', output, input]);
    assert.equal(run.status, 0, `xmlsec1 --sign failed:\n${run.output}`);
    return readFileSync(output, 'utf8');
  }

  private run(args: string[]): XmlsecRun {
    const r = spawnSync('xmlsec1', args, { encoding: 'utf8' });
    if (r.error) throw r.error;
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
  }

  /** Removes the temporary directory. */
  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
