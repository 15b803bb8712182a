import type { Code } from '../errors/codes.ts';
import type { CarrierProvisioning } from '../model/carrier-provisioning.ts';
import type { Received } from '../model/spec.ts';

/** Reports a finding at an element path (the same path form as the parser's source index). */
export type Report = (code: Code, message: string, path: string) => void;

/** A document as the rules receive it: read from any well-formed XML, so any element or attribute may be missing. */
export type RuleInput = Received<CarrierProvisioning>;

/**
 * A semantic rule: a check XSD cannot express, run on the model. Rules also run on documents the schema rejects
 * (their messages are clearer than libxml2's on the same element), so they take the model as read, where
 * anything may be missing: a rule checks what is there and leaves what is absent to the schema.
 */
export type Rule = (doc: RuleInput, report: Report) => void;

/** The path step of the i-th (0-based) of `count` same-named siblings: `Name` alone or `Name[i+1]`. */
export function step(name: string, i: number, count: number): string {
  return count > 1 ? `${name}[${i + 1}]` : name;
}

/** Root path. */
export const ROOT = '/CarrierProvisioning';
