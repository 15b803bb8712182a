/**
 * PKCS#12 (.p12 / .pfx) files: a signing certificate, its private key and its chain in one password-protected
 * file, as Windows imports them (certutil -importPFX, Import-PfxCertificate, double-click).
 *
 * Written with node-forge's ASN.1 and PBE primitives (its own PKCS#12 writer only handles RSA keys), so RSA and
 * ECDSA keys both work. Default protection, the modern one (as OpenSSL 3 writes by default):
 * the key bag is PBES2 (PBKDF2 with HMAC-SHA-256, AES-256-CBC), the file MAC is HMAC-SHA-256; certificate bags are
 * not encrypted (certificates are public). `legacy: true` writes pbeWithSHAAnd3-KeyTripleDES-CBC and an HMAC-SHA-1
 * MAC instead, for Windows versions that cannot import AES-protected files (Windows Server 2016 and older).
 */
import { createHash, createPrivateKey, createPublicKey, type KeyObject, X509Certificate } from 'node:crypto';
import type Forge from 'node-forge';
import { MbprovError } from '../errors/mbprov-error.ts';
import { loadCertificates } from './inspect.ts';
import { nodeForge } from './libraries.ts';

/** Inputs of {@link toPkcs12}. */
export interface Pkcs12Input {
  /** The certificate that goes with the key, PEM. */
  certificatePem: string;
  /** Its private key, unencrypted PEM (PKCS#8, PKCS#1 or SEC1). */
  privateKeyPem: string;
  /** Issuer certificates to include (PEM, each may be a bundle), leaf's issuer first. */
  chainPems?: string[];
  /** Password protecting the key and the file's integrity: printable ASCII (it may be empty). */
  password: string;
  /** Name Windows shows for the certificate (friendlyName attribute). */
  friendlyName?: string;
  /** 3DES + SHA-1 instead of AES-256 + SHA-256, for old Windows. Default false. */
  legacy?: boolean;
  /** PBKDF2 / MAC iteration count (default 2048, as OpenSSL). */
  iterations?: number;
}

/** What {@link fromPkcs12} found in a file. */
export interface Pkcs12Contents {
  /** The private key, unencrypted PKCS#8 PEM. */
  privateKeyPem: string;
  /** The certificate matching the private key, PEM. */
  certificatePem: string;
  /** The other certificates of the file, PEM, in file order. */
  chainPems: string[];
  /** The friendlyName of the key or its certificate, when the file has one. */
  friendlyName?: string;
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** Packs a certificate, its private key and chain into a password-protected PKCS#12 file (DER bytes). */
export function toPkcs12(input: Pkcs12Input): Uint8Array {
  checkPassword(input.password);
  const [leaf] = loadCertificates(input.certificatePem);
  const chain = (input.chainPems ?? []).flatMap((pem) => loadCertificates(pem));
  const key = readPrivateKey(input.privateKeyPem);
  if (!sameKey(key, (leaf as X509Certificate).publicKey)) {
    throw new MbprovError('MBPROV_SIG_KEY_MISMATCH', 'the private key does not belong to the certificate');
  }
  const iterations = input.iterations ?? 2048;
  const leafDer = (leaf as X509Certificate).raw;
  const localKeyId = createHash('sha1').update(leafDer).digest().toString('binary');
  const attrs = bagAttributes(localKeyId, input.friendlyName);

  const certBags = [leafDer, ...chain.map((c) => c.raw)].map((der, i) =>
    seq([
      oid(nodeForge().pki.oids.certBag as string),
      explicit0([
        seq([
          oid(nodeForge().pki.oids.x509Certificate as string),
          explicit0([octets(der.toString('binary'))]),
        ]),
      ]),
      i === 0 ? attrs : undefined,
    ]),
  );
  const pkcs8 = nodeForge().asn1.fromDer(key.export({ type: 'pkcs8', format: 'der' }).toString('binary'));
  const encryptedKey = nodeForge().pki.encryptPrivateKeyInfo(pkcs8, input.password, {
    algorithm: input.legacy ? '3des' : 'aes256',
    prfAlgorithm: 'sha256',
    count: iterations,
    saltSize: 16,
  });
  const keyBag = seq([
    oid(nodeForge().pki.oids.pkcs8ShroudedKeyBag as string),
    explicit0([encryptedKey]),
    attrs,
  ]);

  const authenticatedSafe = seq([dataContentInfo(seq(certBags)), dataContentInfo(seq([keyBag]))]);
  const safeDer = nodeForge().asn1.toDer(authenticatedSafe).getBytes();
  return new Uint8Array(
    Buffer.from(
      nodeForge()
        .asn1.toDer(
          seq([
            integer(3),
            seq([oid(nodeForge().pki.oids.data as string), explicit0([octets(safeDer)])]),
            macData(safeDer, input.password, iterations, input.legacy === true),
          ]),
        )
        .getBytes(),
      'binary',
    ),
  );
}

/** Reads a PKCS#12 file: checks its MAC with the password, decrypts the key, returns key and certificates as PEM. */
export function fromPkcs12(bytes: Uint8Array, password: string): Pkcs12Contents {
  checkPassword(password);
  let p12: Forge.pkcs12.Pkcs12Pfx;
  try {
    const der = nodeForge().asn1.fromDer(Buffer.from(bytes).toString('binary'), { strict: false } as never);
    p12 = nodeForge().pkcs12.pkcs12FromAsn1(der, false, password);
  } catch (error) {
    const reason = (error as Error).message;
    const hint = /MAC|password|decrypt/i.test(reason) ? ' (wrong password?)' : '';
    throw new MbprovError('MBPROV_PKCS12_INVALID', `the PKCS#12 file cannot be read${hint}: ${reason}`, {
      cause: error,
    });
  }
  const keys: KeyObject[] = [];
  const certs: X509Certificate[] = [];
  let friendlyName: string | undefined;
  for (const safe of p12.safeContents) {
    for (const bag of safe.safeBags) {
      const name = bag.attributes?.friendlyName?.[0];
      if (bag.type === nodeForge().pki.oids.pkcs8ShroudedKeyBag || bag.type === nodeForge().pki.oids.keyBag) {
        keys.push(keyFromBag(bag));
        friendlyName ??= name;
      } else if (bag.type === nodeForge().pki.oids.certBag) {
        const certAsn1 = bag.cert
          ? nodeForge().pki.certificateToAsn1(bag.cert)
          : (bag.asn1 as Forge.asn1.Asn1);
        certs.push(new X509Certificate(Buffer.from(nodeForge().asn1.toDer(certAsn1).getBytes(), 'binary')));
        friendlyName ??= name;
      }
    }
  }
  const [key] = keys;
  if (!key) throw new MbprovError('MBPROV_PKCS12_INVALID', 'the PKCS#12 file holds no private key');
  const leaf = certs.find((c) => sameKey(key, c.publicKey));
  if (!leaf)
    throw new MbprovError(
      'MBPROV_PKCS12_INVALID',
      'no certificate in the PKCS#12 file matches its private key',
    );
  return {
    privateKeyPem: key.export({ type: 'pkcs8', format: 'pem' }).toString(),
    certificatePem: leaf.toString(),
    chainPems: certs.filter((c) => c !== leaf).map((c) => c.toString()),
    ...(friendlyName !== undefined ? { friendlyName } : {}),
  };
}

function checkPassword(password: string): void {
  if (!PRINTABLE_ASCII.test(password)) {
    throw new MbprovError(
      'MBPROV_PKCS12_INVALID',
      'the PKCS#12 password must be printable ASCII (other characters are encoded differently by different tools)',
    );
  }
}

function readPrivateKey(pem: string): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch (error) {
    throw new MbprovError(
      'MBPROV_KEY_INVALID',
      `the private key cannot be read: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

function keyFromBag(bag: Forge.pkcs12.Bag): KeyObject {
  if (bag.key) return createPrivateKey(nodeForge().pki.privateKeyToPem(bag.key));
  const der = Buffer.from(
    nodeForge()
      .asn1.toDer(bag.asn1 as Forge.asn1.Asn1)
      .getBytes(),
    'binary',
  );
  try {
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } catch (error) {
    throw new MbprovError(
      'MBPROV_PKCS12_INVALID',
      `the PKCS#12 private key cannot be read: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

function sameKey(key: KeyObject, publicKey: KeyObject): boolean {
  const a = createPublicKey(key).export({ type: 'spki', format: 'der' });
  return a.equals(publicKey.export({ type: 'spki', format: 'der' }));
}

/** MacData: HMAC over the AuthenticatedSafe with a key from the PKCS#12 KDF (RFC 7292 B.2, ID 3). */
function macData(safeDer: string, password: string, iterations: number, legacy: boolean): Forge.asn1.Asn1 {
  const salt = nodeForge().random.getBytesSync(legacy ? 8 : 16);
  const md = legacy ? nodeForge().md.sha1.create() : nodeForge().md.sha256.create();
  const mdOid = legacy ? nodeForge().pki.oids.sha1 : nodeForge().pki.oids.sha256;
  const macKey = nodeForge().pkcs12.generateKey(
    password,
    nodeForge().util.createBuffer(salt),
    3,
    iterations,
    md.digestLength,
    md,
  );
  const hmac = nodeForge().hmac.create();
  hmac.start(legacy ? nodeForge().md.sha1.create() : nodeForge().md.sha256.create(), macKey.getBytes());
  hmac.update(safeDer);
  return seq([
    seq([
      seq([
        oid(mdOid as string),
        nodeForge().asn1.create(nodeForge().asn1.Class.UNIVERSAL, nodeForge().asn1.Type.NULL, false, ''),
      ]),
      octets(hmac.digest().getBytes()),
    ]),
    octets(salt),
    integer(iterations),
  ]);
}

function bagAttributes(localKeyId: string, friendlyName: string | undefined): Forge.asn1.Asn1 {
  const attrs = [seq([oid(nodeForge().pki.oids.localKeyId as string), set([octets(localKeyId)])])];
  if (friendlyName !== undefined) {
    attrs.push(
      seq([
        oid(nodeForge().pki.oids.friendlyName as string),
        set([
          nodeForge().asn1.create(
            nodeForge().asn1.Class.UNIVERSAL,
            nodeForge().asn1.Type.BMPSTRING,
            false,
            friendlyName,
          ),
        ]),
      ]),
    );
  }
  return set(attrs);
}

function dataContentInfo(content: Forge.asn1.Asn1): Forge.asn1.Asn1 {
  return seq([
    oid(nodeForge().pki.oids.data as string),
    explicit0([octets(nodeForge().asn1.toDer(content).getBytes())]),
  ]);
}

const seq = (value: Array<Forge.asn1.Asn1 | undefined>) =>
  nodeForge().asn1.create(
    nodeForge().asn1.Class.UNIVERSAL,
    nodeForge().asn1.Type.SEQUENCE,
    true,
    value as Forge.asn1.Asn1[],
  );
const set = (value: Forge.asn1.Asn1[]) =>
  nodeForge().asn1.create(nodeForge().asn1.Class.UNIVERSAL, nodeForge().asn1.Type.SET, true, value);
const oid = (id: string) =>
  nodeForge().asn1.create(
    nodeForge().asn1.Class.UNIVERSAL,
    nodeForge().asn1.Type.OID,
    false,
    nodeForge().asn1.oidToDer(id).getBytes(),
  );
const octets = (bytes: string) =>
  nodeForge().asn1.create(nodeForge().asn1.Class.UNIVERSAL, nodeForge().asn1.Type.OCTETSTRING, false, bytes);
const integer = (n: number) =>
  nodeForge().asn1.create(
    nodeForge().asn1.Class.UNIVERSAL,
    nodeForge().asn1.Type.INTEGER,
    false,
    nodeForge().asn1.integerToDer(n).getBytes(),
  );
const explicit0 = (value: Forge.asn1.Asn1[]) =>
  nodeForge().asn1.create(nodeForge().asn1.Class.CONTEXT_SPECIFIC, 0, true, value);
