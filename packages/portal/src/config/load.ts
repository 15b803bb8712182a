import { readFileSync } from 'node:fs';
import { MbprovError } from '@mbprov/core';
import { Value } from '@sinclair/typebox/value';
import { cdmaDecimalProblem, cdmaDeviceKey } from '../identifiers/device-parameters.ts';
import { radiusNasProblems } from '../radius/nas.ts';
import { demoConfig } from './demo.ts';
import { type Config, ConfigSchema } from './schema.ts';

/** Where configuration comes from. */
export interface ConfigSource {
  /** A JSON configuration file; without one, the embedded demo configuration is used. */
  file?: string;
  /** Environment (default process.env). */
  env?: Record<string, string | undefined>;
  /**
   * Changes the configuration after the file, the environment and the defaults, before it is checked: for programs
   * that embed the portal (and tests) and set what neither the demo nor the environment says.
   */
  adjust?: (config: Config) => void;
}

/** Environment variables and the configuration paths they set (docs/configuration.md lists them from here). */
export const ENV: ReadonlyArray<[string, string[], (v: string) => unknown]> = [
  ['DATABASE_URL', ['databaseUrl'], String],
  ['MBPROV_DATABASE_SCHEMA', ['databaseSchema'], String],
  ['HOST', ['server', 'host'], String],
  ['PORT', ['server', 'port'], Number],
  ['MBPROV_PUBLIC_URL', ['server', 'publicUrl'], String],
  ['MBPROV_TLS_CERT_FILE', ['server', 'tlsCertFile'], String],
  ['MBPROV_TLS_KEY_FILE', ['server', 'tlsKeyFile'], String],
  ['MBPROV_DATA_DIR', ['dataDir'], String],
  ['MBPROV_SECRET_KEY', ['secretKey'], String],
  ['MBPROV_SIGNING_KEY_FILE', ['signing', 'keyFile'], String],
  ['MBPROV_SIGNING_CERT_FILE', ['signing', 'certFile'], String],
  ['MBPROV_SIGNING_NEXT_CERT_FILE', ['signing', 'nextCertFile'], String],
  ['MBPROV_REDIS_URL', ['rateLimits', 'redisUrl'], String],
  ['MBPROV_PAYMENT_PROVIDER', ['payments', 'provider'], String],
  ['MBPROV_TEST_PAYMENTS_PORT', ['payments', 'test', 'port'], Number],
];

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path.at(-1) as string] = value;
}

/** Checks what the schema cannot: unique ids, allowances of Fixed plans, credentials of WISPr hotspots. */
function semanticProblems(config: Config): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const [i, plan] of config.plans.entries()) {
    if (ids.has(plan.id)) problems.push(`/plans/${i}/id: "${plan.id}" is used twice`);
    ids.add(plan.id);
    if (plan.planType === 'Fixed' && plan.dataLimitMb === undefined)
      problems.push(`/plans/${i}: a Fixed plan needs dataLimitMb`);
  }
  const seen = new Set<string>();
  for (const [i, sim] of config.sims.entries()) {
    if (!sim.iccid && !sim.imsi && !sim.min)
      problems.push(`/sims/${i}: a SIM needs an iccid, an imsi or a min`);
    const overflow = sim.esnMeid ? cdmaDecimalProblem(sim.esnMeid) : undefined;
    if (overflow) problems.push(`/sims/${i}/esnMeid: ${overflow} (MBPROV_CDMA_DEVICE_ID_RANGE)`);
    for (const key of ['iccid', 'imsi', 'min', 'esnMeid'] as const) {
      const value = key === 'esnMeid' && sim.esnMeid ? cdmaDeviceKey(sim.esnMeid) : sim[key];
      if (!value) continue;
      if (seen.has(`${key}:${value}`)) problems.push(`/sims/${i}/${key}: ${sim[key]} is listed twice`);
      seen.add(`${key}:${value}`);
    }
  }
  if (config.esim && !config.esim.es2plus === !config.esim.testSmdp)
    problems.push('/esim: set exactly one of es2plus (your SM-DP+) and testSmdp (the built-in test SM-DP+)');
  for (const [i, wifi] of config.operator.wifi.entries()) {
    if (wifi.kind === 'wispr' && !wifi.trustedDomains?.length)
      problems.push(`/operator/wifi/${i}: a wispr network needs trustedDomains`);
    if (wifi.kind === 'passpoint')
      for (const key of ['domainName', 'naiRealm', 'radiusServerNames', 'radiusCaFile'] as const)
        if (wifi[key] === undefined) problems.push(`/operator/wifi/${i}: a passpoint network needs ${key}`);
  }
  try {
    new Intl.DateTimeFormat('en', { timeZone: config.operator.timeZone });
  } catch {
    problems.push(
      `/operator/timeZone: "${config.operator.timeZone}" is not an IANA time zone (e.g. Asia/Tokyo)`,
    );
  }
  if (Boolean(config.signing.keyFile) !== Boolean(config.signing.certFile))
    problems.push('/signing: keyFile and certFile go together');
  if (Boolean(config.server.tlsCertFile) !== Boolean(config.server.tlsKeyFile))
    problems.push('/server: tlsCertFile and tlsKeyFile go together');
  const billing = config.payments.operatorBilling;
  if (billing && Boolean(billing.clientCertFile) !== Boolean(billing.clientKeyFile))
    problems.push('/payments/operatorBilling: clientCertFile and clientKeyFile go together');
  if (config.smtp && Boolean(config.smtp.userEnv) !== Boolean(config.smtp.passwordEnv))
    problems.push('/smtp: userEnv and passwordEnv go together');
  problems.push(...radiusNasProblems(config.radius.nas));
  return problems;
}

/**
 * Loads and validates the configuration: the file (or the embedded demo), then the environment on top, then the
 * schema defaults. Every problem is reported at once, with its path, as MBPROV_CONFIG_INVALID.
 */
export function loadConfig(source: ConfigSource = {}): Config {
  const env = source.env ?? process.env;
  let raw: Record<string, unknown>;
  if (source.file) {
    let text: string;
    try {
      text = readFileSync(source.file, 'utf8');
    } catch (error) {
      throw new MbprovError(
        'MBPROV_IO_ERROR',
        `cannot read the configuration ${source.file}: ${(error as Error).message}`,
      );
    }
    try {
      raw = JSON.parse(text) as Record<string, unknown>;
    } catch (error) {
      throw new MbprovError(
        'MBPROV_CONFIG_INVALID',
        `${source.file} is not JSON: ${(error as Error).message}`,
      );
    }
  } else {
    raw = demoConfig();
  }
  for (const [name, path, convert] of ENV) {
    const value = env[name];
    if (value !== undefined && value !== '') setPath(raw, path, convert(value));
  }
  for (const section of [
    'server',
    'signing',
    'payments',
    'checkouts',
    'rateLimits',
    'usageReports',
    'documents',
  ])
    if (raw[section] === undefined) raw[section] = {};
  const withDefaults = Value.Default(ConfigSchema, structuredClone(raw)) as {
    server?: { publicUrl?: string; port?: number };
  };
  if (
    withDefaults.server &&
    withDefaults.server.publicUrl === undefined &&
    typeof withDefaults.server.port === 'number'
  ) {
    withDefaults.server.publicUrl = `https://localhost:${withDefaults.server.port}`;
  }
  source.adjust?.(withDefaults as Config);
  const errors = [...Value.Errors(ConfigSchema, withDefaults)].map(
    (e) =>
      `${e.path || '/'}: ${e.message === 'Unexpected property' ? 'unknown setting (misspelt? see docs/configuration.md)' : e.message}`,
  );
  if (errors.length) {
    throw new MbprovError(
      'MBPROV_CONFIG_INVALID',
      `The configuration${source.file ? ` in ${source.file}` : ''} is not valid:\n  ${errors.join('\n  ')}`,
    );
  }
  const config = withDefaults as Config;
  const problems = semanticProblems(config);
  if (problems.length)
    throw new MbprovError(
      'MBPROV_CONFIG_INVALID',
      `The configuration is not valid:\n  ${problems.join('\n  ')}`,
    );
  return config;
}

/** True when the configuration is the embedded demo (no file): the demo data is seeded. */
export function isDemo(source: ConfigSource): boolean {
  return !source.file;
}
