/**
 * @mbprov/core: the CarrierProvisioning document model, safe XML parsing, XSD and semantic validation.
 * No HTTP and no database here.
 */

export * from './certificates/index.ts';
export { type BuildOptions, buildDocument } from './document/build.ts';
export {
  buildCost,
  type CostParseResult,
  type CostValidationResult,
  parseCost,
  validateCost,
} from './document/cost.ts';
export { type ParseOptions, type ParseResult, parseDocument } from './document/parse.ts';
export { type ValidationResult, validateDocument, validateModel } from './document/validate.ts';
export { escapeAttr as escapeXmlAttribute, escapeText as escapeXmlText } from './document/write.ts';
export { type Code, type CodeInfo, codeInfo, codes, type Severity } from './errors/codes.ts';
export { type Diagnostic, diagnostic, formatDiagnostic, hasErrors } from './errors/diagnostic.ts';
export { MbprovError } from './errors/mbprov-error.ts';
export {
  ACTIVATION_CODE_MAX_LENGTH,
  ACTIVATION_CODE_QR_PREFIX,
  type ActivationCode,
  activationCodeQrText,
  buildActivationCode,
  MATCHING_ID_PATTERN,
  parseActivationCode,
  parseActivationCodeQrText,
} from './esim/activation-code.ts';
export type * from './model/activation.ts';
export type * from './model/carrier-provisioning.ts';
export { carrierProvisioningSpec } from './model/carrier-provisioning.ts';
export type * from './model/dusm.ts';
export { costSpec } from './model/dusm.ts';
export type * from './model/extensions.ts';
export type * from './model/global.ts';
export type * from './model/mbn-profiles.ts';
export type * from './model/messages.ts';
export type * from './model/plans.ts';
export type * from './model/provisioning.ts';
export type { XmlFragment } from './model/spec.ts';
export type * from './model/wlan-profiles.ts';
export * from './profiles/index.ts';
export { MAX_DUSM_VALUE } from './rules/dusm-rules.ts';
export { DEVICE_ID_PATTERN, GUID_PATTERN, SUBSCRIBER_ID_PATTERN } from './rules/global-rules.ts';
export { checkRules, rules } from './rules/index.ts';
export {
  type CompiledPattern,
  compilePattern,
  unsupportedTimestampIdentifiers,
} from './rules/message-rules.ts';
export {
  eapMethodType,
  PASSPOINT_EAP_METHODS,
  type PasspointFinding,
  passpointFindings,
} from './rules/passpoint-rules.ts';
export { MAX_BANDWIDTH_KBPS } from './rules/plan-rules.ts';
export { isLdhName, isTrustedDomain, MAX_WLAN_PROFILES, SSID_LIMITS } from './rules/wlan-rules.ts';
export { type SchemaKind, schemaDir, validateXsd, xsdValidator } from './schema/xsd.ts';
export { C14N, type Canonicalization, type DigestName } from './signature/algorithms.ts';
export {
  type SignOptions,
  signDocument,
  signDocumentAsync,
  signModel,
  signModelAsync,
} from './signature/sign.ts';
export {
  type CertificateSummary,
  summarizeCertificate,
  type VerifyOptions,
  type VerifyResult,
  verifyDocument,
} from './signature/verify.ts';
export * from './sms/index.ts';
export { NS } from './xml/namespaces.ts';
export { defaultLimits, type ParseLimits, parseXmlSafely, type SafeXml } from './xml/safe-parse.ts';
