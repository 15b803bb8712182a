/**
 * Distinguished names in the Windows / .NET style (`X500DistinguishedName.Name`, `X509Certificate.Subject`,
 * CertNameToStr with CERT_X500_NAME_STR | CERT_NAME_STR_REVERSE_FLAG): the most specific RDN first,
 * `CN=Contoso, O=Contoso, C=US`. That is the reverse of the DER order (which starts with C or O), the same
 * order as RFC 4514, but with Windows attribute names (`S=` for state, `E=` for e-mail, `OID.1.2.3=` for others),
 * `", "` between RDNs, `" + "` inside a multi-valued RDN, and Windows quoting: a value containing
 * `, + = " < > # ;` or a line break, or with leading or trailing spaces, is written in double quotes with `"` doubled.
 */
import type * as X509 from '@peculiar/x509';
import { MbprovError } from '../errors/mbprov-error.ts';
import { rdnsOf } from './certificate-fields.ts';
import { asn1X509, peculiarX509 } from './libraries.ts';

/** Windows RDN attribute names (CryptoAPI's X.500 name table), by OID. Anything else is written `OID.<oid>`. */
const WINDOWS_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.7': 'L',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '1.2.840.113549.1.9.1': 'E',
  '2.5.4.6': 'C',
  '2.5.4.8': 'S',
  '2.5.4.9': 'STREET',
  '2.5.4.12': 'T',
  '2.5.4.42': 'G',
  '2.5.4.43': 'I',
  '2.5.4.4': 'SN',
  '0.9.2342.19200300.100.1.25': 'DC',
  '2.5.4.5': 'SERIALNUMBER',
  '2.5.4.17': 'PostalCode',
  '2.5.4.18': 'POBox',
  '2.5.4.20': 'Phone',
  '2.5.4.46': 'dnQualifier',
};

/** Extra spellings accepted when parsing (OpenSSL/RFC 4514 names). */
const ALIASES: Record<string, string> = {
  ST: '2.5.4.8',
  EMAIL: '1.2.840.113549.1.9.1',
  EMAILADDRESS: '1.2.840.113549.1.9.1',
};

const OID_BY_NAME: Record<string, string> = Object.fromEntries([
  ...Object.entries(WINDOWS_NAMES).map(([oid, name]) => [name.toUpperCase(), oid]),
  ...Object.entries(ALIASES),
]);

const OID = /^\d+(\.\d+)+$/;

/** One attribute of a name: its OID and its text value. */
export interface NameAttribute {
  oid: string;
  value: string;
}

/** A name as RDNs in DER order (most significant first), each RDN a list of attributes. */
export type RdnSequence = NameAttribute[][];

/** Reads the RDNs of a DER-encoded X.501 Name, in DER order. */
export function rdnsOfName(nameDer: ArrayBuffer | Uint8Array): RdnSequence {
  const { schema, x509 } = asn1X509();
  return rdnsOf(schema.AsnConvert.parse(nameDer, x509.Name));
}

/** Formats RDNs (DER order) as a Windows-style one-line DN: `CN=Contoso, O=Contoso, C=US`. */
export function formatWindowsDn(rdns: RdnSequence): string {
  return [...rdns]
    .reverse()
    .map((rdn) =>
      rdn.map((a) => `${WINDOWS_NAMES[a.oid] ?? `OID.${a.oid}`}=${quoteValue(a.value)}`).join(' + '),
    )
    .join(', ');
}

/** Formats a DER-encoded X.501 Name in the Windows style. */
export function windowsDnOfName(nameDer: ArrayBuffer | Uint8Array): string {
  return formatWindowsDn(rdnsOfName(nameDer));
}

function quoteValue(value: string): string {
  const needsQuotes = value === '' || /^\s|\s$/.test(value) || /[,+="<>#;\r\n]/.test(value);
  return needsQuotes ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * Parses a Windows-style DN (`CN=Contoso, O="Contoso, Ltd", C=US`; most specific first; `,` or `;` between RDNs,
 * `+` inside one) into RDNs in DER order. Attribute names are the Windows ones, `ST`/`EMAIL`, or `OID.1.2.3`.
 */
export function parseWindowsDn(text: string): RdnSequence {
  const rdns: RdnSequence = [];
  let rdn: NameAttribute[] = [];
  let i = 0;
  const fail = (why: string): never => {
    throw new MbprovError('MBPROV_CERT_INVALID', `"${text}" is not a distinguished name: ${why}`);
  };
  const skipSpaces = () => {
    while (i < text.length && /\s/.test(text[i] as string)) i++;
  };
  for (;;) {
    skipSpaces();
    const eq = text.indexOf('=', i);
    if (eq < 0) fail(`expected NAME=value at offset ${i}`);
    const key = text.slice(i, eq).trim();
    const bare = key.replace(/^OID\./i, '');
    const oid = OID.test(bare) ? bare : OID_BY_NAME[key.toUpperCase()];
    if (!oid) fail(`unknown attribute name "${key}"`);
    i = eq + 1;
    skipSpaces();
    let value = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) fail('unterminated quoted value');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i++];
      }
      skipSpaces();
    } else {
      const start = i;
      while (i < text.length && !',;+'.includes(text[i] as string)) i++;
      value = text.slice(start, i).trim();
    }
    rdn.push({ oid: oid as string, value });
    if (i >= text.length) break;
    if (text[i++] !== '+') {
      rdns.push(rdn);
      rdn = [];
    }
  }
  rdns.push(rdn);
  return rdns.reverse();
}

/** Builds an @peculiar/x509 Name from RDNs in DER order, keeping every value exactly as given. */
export function nameFromRdns(rdns: RdnSequence): X509.Name {
  const x509 = peculiarX509();
  const json: X509.JsonAttributeAndObjectValue[] = rdns.map((rdn) => {
    const item: X509.JsonAttributeAndObjectValue = {};
    for (const { oid, value } of rdn) {
      const kind =
        oid === '1.2.840.113549.1.9.1' || oid === '0.9.2342.19200300.100.1.25'
          ? 'ia5String'
          : x509.Name.isPrintableString(value)
            ? 'printableString'
            : 'utf8String';
      item[oid] ??= [];
      item[oid].push({ [kind]: value });
    }
    return item;
  });
  return new x509.Name(json);
}
