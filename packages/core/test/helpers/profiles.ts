// The differential check of verifyDocument's two readers of the strict profile: wherever the text reader
// (plainProfile) answers, the tree reader (checkProfile) must accept the same Signature and read the same values.
import { type CanonicalText, scanCanonicalText } from '../../src/signature/canonical-text.ts';
import { type CheckedSignature, checkProfile, plainProfile } from '../../src/signature/verify.ts';
import { parseXmlSafely } from '../../src/xml/safe-parse.ts';

function facts(checked: CheckedSignature) {
  return {
    c14n: checked.c14n,
    method: checked.method,
    digest: checked.digest,
    digestValue: checked.digestValue.toString('base64'),
    signatureValue: checked.signatureValue.toString('base64'),
    certificates: checked.certificates.map((c) => c.fingerprint256),
    signature: checked.signature.name,
    signedInfo: checked.signedInfo.name,
  };
}

/** How many times {@link profileDisagreement} found the text reader answering (so that a test can tell it ran). */
export const answers = { count: 0 };

/**
 * Undefined when the two readers agree on `data` (or the text reader does not answer); otherwise what differs.
 * Never throws for bad input.
 */
export function profileDisagreement(data: string | Uint8Array, allowSha1 = false): string | undefined {
  const parsed = parseXmlSafely(data);
  if (!parsed.ok) return undefined;
  try {
    const text: CanonicalText = scanCanonicalText(parsed.xml.text);
    const plain = plainProfile(parsed.xml, text, allowSha1);
    if (!plain) return undefined;
    answers.count++;
    let tree: CheckedSignature;
    try {
      tree = checkProfile(parsed.xml, text, allowSha1);
    } catch (error) {
      return `the text reader accepts a Signature the tree refuses: ${(error as Error & { code?: string }).code} ${(error as Error).message}`;
    }
    if (!plain.signature.isSameNode(tree.signature) || !plain.signedInfo.isSameNode(tree.signedInfo))
      return 'the readers find different Signature or SignedInfo elements';
    const a = JSON.stringify(facts(plain));
    const b = JSON.stringify(facts(tree));
    return a === b ? undefined : `the readers differ: text ${a}, tree ${b}`;
  } finally {
    parsed.xml.dispose();
  }
}
