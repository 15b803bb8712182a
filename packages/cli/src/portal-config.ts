import { type Config, loadConfig } from '@mbprov/portal';
import { InvalidArgumentError } from 'commander';

/** The portal configuration a command works on: --config, else MBPROV_CONFIG, else the embedded demo (plus the environment). */
export function portalConfig(file: string | undefined): Config {
  const source = file ?? process.env.MBPROV_CONFIG;
  return loadConfig(source ? { file: source } : {});
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Parses an option naming an environment variable (a secret is given by its variable, never on the command line). */
export function envName(value: string): string {
  if (!ENV_NAME.test(value)) throw new InvalidArgumentError('not an environment variable name');
  return value;
}
