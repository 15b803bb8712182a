// The independent tools the profile tests check Apple and Android answers with: `openssl cms -verify` for the signed
// profile, Python's plistlib for its content, Python's email package for the Android multipart, xmllint and
// ElementTree for the PPS-MO. Shared by core's profile tests and the portal's browser test of the completion page.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { python, run, workDir } from './hotspot.ts';

/** Reads a plist file with plistlib and prints it as JSON (data as base64). */
const PLIST_TO_JSON = `
import base64, json, plistlib, sys
with open(sys.argv[1], 'rb') as f:
    value = plistlib.load(f)
def plain(v):
    if isinstance(v, bytes): return {'data': base64.b64encode(v).decode()}
    if isinstance(v, dict): return {k: plain(x) for k, x in v.items()}
    if isinstance(v, list): return [plain(x) for x in v]
    return v
print(json.dumps(plain(value)))
`;

/** A plist read by plistlib, as JSON. */
export type Dict = Record<string, unknown>;

/** Verifies a signed profile with openssl against a root and returns the verified content. */
export function opensslVerify(
  signed: Uint8Array,
  rootPem: string,
): { status: number | null; stderr: string; content?: Buffer } {
  const w = workDir();
  try {
    const r = run('openssl', [
      'cms',
      '-verify',
      '-inform',
      'DER',
      '-in',
      w.file('profile.mobileconfig', signed),
      '-CAfile',
      w.file('root.pem', rootPem),
      '-binary',
      '-out',
      w.file('content.plist'),
    ]);
    return r.status === 0
      ? { status: 0, stderr: r.stderr, content: readFileSync(w.file('content.plist')) }
      : { status: r.status, stderr: r.stderr };
  } finally {
    w.done();
  }
}

export function plistOf(bytes: Uint8Array): Dict {
  const w = workDir();
  try {
    return python(PLIST_TO_JSON, w.file('p.plist', bytes)) as Dict;
  } finally {
    w.done();
  }
}

/** Decodes the answer body (base64) and splits it with the email package; prints every part as JSON. */
const SPLIT_MULTIPART = `
import base64, email, json, sys
with open(sys.argv[1], 'rb') as f:
    raw = base64.b64decode(f.read(), validate=False)
msg = email.message_from_bytes(raw)
parts = []
for part in msg.walk():
    if part.is_multipart(): continue
    parts.append({
        'type': part.get_content_type(),
        'encoding': part.get('Content-Transfer-Encoding'),
        'disposition': part.get('Content-Disposition'),
        'payload': base64.b64encode(part.get_payload(decode=True)).decode(),
    })
print(json.dumps({'type': msg.get_content_type(), 'multipart': msg.is_multipart(),
                  'disposition': msg.get('Content-Disposition'), 'defects': [type(d).__name__ for d in msg.defects],
                  'parts': parts}))
`;

/** Walks a PPS-MO with ElementTree into {"Path/To/Leaf": value}, checking the DDF name and version. */
const PPS_LEAVES = `
import json, sys
import xml.etree.ElementTree as ET
ns = {'d': 'syncml:dmddf1.2'}
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == '{syncml:dmddf1.2}MgmtTree', root.tag
leaves = {'VerDTD': root.find('d:VerDTD', ns).text}
def walk(node, path):
    name = node.find('d:NodeName', ns).text
    ddf = node.find('d:RTProperties/d:Type/d:DDFName', ns)
    if ddf is not None: leaves[path + name + '@DDFName'] = ddf.text
    value = node.find('d:Value', ns)
    children = node.findall('d:Node', ns)
    assert (value is None) != (len(children) == 0), name + ': a value or children, not both'
    if value is not None: leaves[path + name] = value.text or ''
    for c in children: walk(c, path + name + '/')
for n in root.findall('d:Node', ns): walk(n, '')
print(json.dumps(leaves))
`;

export interface Split {
  type: string;
  multipart: boolean;
  disposition: string | null;
  defects: string[];
  parts: { type: string; encoding: string; disposition: string | null; payload: string }[];
}

export function split(body: string): Split {
  const w = workDir();
  try {
    return python(SPLIT_MULTIPART, w.file('answer.b64', body)) as Split;
  } finally {
    w.done();
  }
}

export function ppsLeaves(pps: Buffer): Record<string, string> {
  const w = workDir();
  try {
    const file = w.file('pps.xml', pps);
    const lint = run('xmllint', ['--noout', file]);
    assert.equal(lint.status, 0, lint.stderr);
    return python(PPS_LEAVES, file) as Record<string, string>;
  } finally {
    w.done();
  }
}
