import { isIP } from 'node:net';
import { MbprovError } from '@mbprov/core';
import type { RadiusNasConfig } from '../config/schema.ts';
import { attribute } from './attributes.ts';
import type {
  DynamicAuthorizationClient,
  DynamicAuthorizationResult,
  NasTarget,
  SessionIdentity,
} from './dynamic-authorization.ts';

/**
 * The configured NASes (`radius.nas`): their checks, their shared secrets read from the environment, and what ending
 * a session at one of them means (a Disconnect-Request, or a CoA-Request moving it into the walled garden).
 */

/** RFC 2865 section 3: the secret SHOULD be at least 16 octets; mbprov requires it. */
export const MIN_SECRET_LENGTH = 16;

/** A configured NAS ready to be sent requests. */
export interface ConfiguredNas {
  /** Where requests go, with the secret. */
  readonly target: NasTarget;
  /** Disconnect, or CoA with Filter-Id `filterId`. */
  readonly action: 'disconnect' | 'coa';
  /** The walled-garden Filter-Id of a CoA. */
  readonly filterId?: string;
  /** The overall deadline of one request, in ms. */
  readonly deadlineMs: number;
}

/** What the schema cannot check about `radius.nas`: unique names, IP addresses, the Filter-Id a CoA needs. */
export function radiusNasProblems(nases: readonly RadiusNasConfig[]): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  for (const [i, nas] of nases.entries()) {
    const at = `/radius/nas/${i}`;
    if (names.has(nas.name)) problems.push(`${at}/name: "${nas.name}" is used twice`);
    names.add(nas.name);
    if (isIP(nas.address) === 0)
      problems.push(`${at}/address: "${nas.address}" is not an IPv4 or IPv6 address`);
    if (nas.action === 'coa' && !nas.coaFilterId)
      problems.push(`${at}: action coa needs coaFilterId (the NAS's walled-garden Filter-Id)`);
    if (nas.action === 'disconnect' && nas.coaFilterId)
      problems.push(`${at}/coaFilterId: only meaningful with action coa`);
  }
  return problems;
}

/**
 * The NASes of the configuration with their secrets from the environment variables they name. A variable that is
 * unset or shorter than 16 characters is MBPROV_CONFIG_INVALID (naming the variable, never quoting a value).
 */
export function configuredNases(
  nases: readonly RadiusNasConfig[],
  env: Record<string, string | undefined> = process.env,
): ConfiguredNas[] {
  return nases.map((nas, i) => {
    const secret = env[nas.secretEnv];
    if (!secret || secret.length < MIN_SECRET_LENGTH)
      throw new MbprovError(
        'MBPROV_CONFIG_INVALID',
        `radius.nas[${i}].secretEnv: the environment variable ${nas.secretEnv} is ${secret ? `shorter than ${MIN_SECRET_LENGTH} characters` : 'not set'}`,
      );
    return {
      target: { name: nas.name, address: nas.address, port: nas.coaPort, secret },
      action: nas.action,
      ...(nas.coaFilterId ? { filterId: nas.coaFilterId } : {}),
      deadlineMs: nas.timeoutSeconds * 1000,
    };
  });
}

/**
 * Ends a session's access at its NAS the configured way: Disconnect-Request, or CoA-Request with the walled-garden
 * Filter-Id. `ok` in the result says whether the session is out (a Disconnect NAKed with Session-Context-Not-Found
 * counts: it was already gone).
 */
export function endSession(
  client: DynamicAuthorizationClient,
  nas: ConfiguredNas,
  session: SessionIdentity,
): Promise<DynamicAuthorizationResult> {
  if (nas.action === 'coa' && nas.filterId)
    return client.changeOfAuthorization(nas.target, session, [attribute('Filter-Id', nas.filterId)], {
      deadlineMs: nas.deadlineMs,
    });
  return client.disconnect(nas.target, session, { deadlineMs: nas.deadlineMs });
}
