import type { Code } from '../errors/codes.ts';
import type { CarrierProvisioning } from '../model/carrier-provisioning.ts';

/** Reports a finding at an element path (the same path form as the parser's source index). */
export type Report = (code: Code, message: string, path: string) => void;

/** A semantic rule: a check XSD cannot express, run on the model. */
export type Rule = (doc: CarrierProvisioning, report: Report) => void;

/** The path step of the i-th (0-based) of `count` same-named siblings: `Name` alone or `Name[i+1]`. */
export function step(name: string, i: number, count: number): string {
  return count > 1 ? `${name}[${i + 1}]` : name;
}

/** Root path. */
export const ROOT = '/CarrierProvisioning';
