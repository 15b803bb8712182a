// Operator SMS/USSD messages: evaluating incoming texts against the Messages rules of a provisioning document.
export {
  type ActivationCompleteIntent,
  type ComposedMessage,
  type ComposeIntent,
  type ComposeOptions,
  composeOperatorMessage,
  formatUsageTimestamp,
  type RefreshIntent,
  type UsageIntent,
} from './compose.ts';
export { evaluateOperatorMessage, MAX_OPERATOR_MESSAGE_LENGTH } from './evaluate.ts';
export { readFlag, readPlanType } from './flags.ts';
export {
  DEFAULT_MESSAGE_LOCALE,
  type NumberSymbols,
  type ResolvedLocale,
  resolveMessageLocale,
} from './locale.ts';
export { parseLocaleNumber, parseLocalePercent } from './numbers.ts';
export { type BearerCheck, checkBearer } from './rules.ts';
export {
  type CompiledTimestampFormat,
  compileTimestampFormat,
  parseUsageTimestamp,
  type TimestampReading,
} from './timestamp.ts';
export type * from './types.ts';
export { BYTES_PER_MEGABYTE, UNIT_MULTIPLIERS, unitForToken } from './units.ts';
