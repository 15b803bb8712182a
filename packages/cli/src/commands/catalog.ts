import type { Command } from 'commander';

/** Adds one command (with its options, subcommands and action) to the program. */
export type RegisterCommand = (program: Command, setStatus: (status: number) => void) => void;

/** A command of `mbprov`: its name, the line `mbprov --help` shows, and how to load it. */
export interface CommandEntry {
  name: string;
  /** One line for the command list (the command's own --help gives its full description). */
  summary: string;
  /** Imports the command's module: only the command that runs pays for the packages it uses. */
  load(): Promise<RegisterCommand>;
  /** Starts, handles its inputs and ends (not a server or the demo): see {@link baselineWasmOnly}. */
  oneShot: boolean;
}

/** Every command, in the order `mbprov --help` lists them. */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'validate',
    summary: 'Check provisioning documents against the schemas and the documented rules.',
    oneShot: true,
    load: async () => (await import('./validate.ts')).registerValidate,
  },
  {
    name: 'cert',
    summary: 'Test EV certificate chains and certificate inspection.',
    oneShot: true,
    load: async () => (await import('./cert.ts')).registerCert,
  },
  {
    name: 'sign',
    summary: 'Sign a provisioning document (enveloped XML-DSig).',
    oneShot: true,
    load: async () => (await import('./sign.ts')).registerSign,
  },
  {
    name: 'verify',
    summary: 'Verify the signature of a provisioning document.',
    oneShot: true,
    load: async () => (await import('./verify.ts')).registerVerify,
  },
  {
    name: 'sim',
    summary: 'Simulate the Windows provisioning engine on a PC kept in a JSON file.',
    oneShot: true,
    load: async () => (await import('./sim.ts')).registerSim,
  },
  {
    name: 'serve',
    summary: 'Run the operator portal over HTTPS.',
    oneShot: false,
    load: async () => (await import('./serve.ts')).registerServe,
  },
  {
    name: 'config',
    summary: 'Check a portal configuration.',
    oneShot: true,
    load: async () => (await import('./config.ts')).registerConfig,
  },
  {
    name: 'apikey',
    summary: 'Manage back-office API keys of the portal database.',
    oneShot: true,
    load: async () => (await import('./apikey.ts')).registerApiKey,
  },
  {
    name: 'esim',
    summary: 'Manage the eSIM profile inventory of the portal database.',
    oneShot: true,
    load: async () => (await import('./esim.ts')).registerEsim,
  },
  {
    name: 'cosa',
    summary: 'Write the COSA/APN database entries of the configured APNs.',
    oneShot: true,
    load: async () => (await import('./cosa.ts')).registerCosa,
  },
  {
    name: 'radius',
    summary: 'Write the FreeRADIUS configuration of a portal (hotspot authentication and accounting).',
    oneShot: true,
    load: async () => (await import('./radius.ts')).registerRadius,
  },
  {
    name: 'profile',
    summary: 'Apple and Android Wi-Fi profiles of one subscriber, and lints across platforms.',
    oneShot: true,
    load: async () => (await import('./profile.ts')).registerProfile,
  },
  {
    name: 'demo',
    summary: 'Run the whole flow in the terminal.',
    oneShot: false,
    load: async () => (await import('./demo.ts')).registerDemo,
  },
];
