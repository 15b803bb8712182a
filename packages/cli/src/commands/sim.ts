import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { loadCertificates, MbprovError, trustedCertificateEntry } from '@mbprov/core';
import {
  createMachineState,
  httpsRefreshFetch,
  Machine,
  parseMachineState,
  type ResultsVersion,
  type Source,
} from '@mbprov/simulator';
import type { Command } from 'commander';
import { EXIT } from '../exit-codes.ts';
import { readInput } from '../io.ts';

type Print = (line: string) => void;
const out: Print = (line) => process.stdout.write(`${line}\n`);
const err: Print = (line) => process.stderr.write(`${line}\n`);

/** Loads the machine state file, or a fresh PC when it does not exist yet. */
async function load(path: string): Promise<Machine> {
  if (!existsSync(path)) return new Machine(createMachineState());
  const text = await readFile(path, 'utf8').catch((error: Error) => {
    throw new MbprovError('MBPROV_IO_ERROR', `cannot read ${path}: ${error.message}`);
  });
  return new Machine(parseMachineState(text));
}

async function save(path: string, machine: Machine): Promise<void> {
  await writeFile(path, `${JSON.stringify(machine.state, null, 2)}\n`).catch((error: Error) => {
    throw new MbprovError('MBPROV_IO_ERROR', `cannot write ${path}: ${error.message}`);
  });
}

const SOURCES: Source[] = ['app', 'website', 'wifi-provider'];

/** Adds the certificates of PEM files to the PC's trusted roots (once each). */
async function trust(machine: Machine, files: string[]): Promise<void> {
  for (const file of files) {
    for (const cert of loadCertificates(await readInput(file))) {
      const pem = cert.toString();
      if (!machine.state.trustedRoots.includes(pem)) machine.state.trustedRoots.push(pem);
    }
  }
}

/** Summarizes the PC for `sim show`. */
export function describeMachine(machine: Machine): string[] {
  const s = machine.state;
  const caps = s.capabilities;
  const lines = [
    `clock: ${s.now}`,
    `hardware: modem ${caps.mobileBroadband ? 'yes' : 'no'}, SIM ${caps.sim ? `${caps.sim.iccid} (IMSI ${caps.sim.imsi})` : 'none'}, Wi-Fi ${caps.wifi ? 'yes' : 'no'}, WLAN service ${caps.wlanServiceRunning ? 'running' : 'stopped'}`,
    `trusted roots: ${s.trustedRoots.length}, hardware-associated certificates: ${s.hardwareCertificates.length}, consented: ${s.consentedCertificates.length}`,
  ];
  for (const [id, c] of Object.entries(s.carriers)) {
    lines.push(`carrier ${id} (subscriber ${c.SubscriberId})`);
    if (c.DefaultProfile)
      lines.push(
        `  default profile: ${c.DefaultProfile.Name}, APN ${c.DefaultProfile.Context?.AccessString ?? '-'}, plan ${c.DefaultProfile.AssociatedPlan ?? '-'}`,
      );
    if (c.PurchaseProfile)
      lines.push(
        `  purchase profile: ${c.PurchaseProfile.Name}, APN ${c.PurchaseProfile.Context?.AccessString ?? '-'}`,
      );
    for (const w of c.WLANProfiles)
      lines.push(`  Wi-Fi: ${w.name} (${w.SSIDConfig.SSID.map((x) => x.name ?? x.hex).join(', ')})`);
    for (const [name, p] of Object.entries(c.Plans)) {
      const limit =
        p.Description?.DataLimitInMegabytes !== undefined
          ? ` of ${p.Description.DataLimitInMegabytes} MB`
          : '';
      const usage = p.Usage
        ? `, used ${p.Usage.CurrentUsage} MB${limit} at ${p.Usage.UsageTimestamp}${p.Usage.OverLimit ? ' (over limit)' : ''}`
        : '';
      lines.push(`  plan: ${name} (${p.Description?.PlanType ?? 'usage only'})${usage}`);
    }
    if (c.Messages) lines.push(`  SMS rules: ${c.Messages.Message.length}`);
    if (c.refresh)
      lines.push(
        `  refresh: ${c.refresh.RefreshURL}, next ${c.refresh.dueAt ?? 'on SMS only'}${c.refresh.triggered ? ' (triggered by SMS)' : ''}`,
      );
  }
  for (const a of s.activations)
    lines.push(`activation: ${a.kind} at ${a.at} (retries ${a.retryCount} every ${a.retryInterval})`);
  return lines;
}

/** Registers `mbprov sim`. */
export function registerSim(program: Command, setStatus: (status: number) => void): void {
  const sim = program
    .command('sim')
    .description('Simulate the Windows provisioning engine on a PC whose state lives in a JSON file.');

  sim
    .command('init')
    .description('Create a machine state file (a PC with a modem, a SIM and Wi-Fi unless told otherwise).')
    .requiredOption('--state <file>', 'machine state JSON file to create')
    .option('--now <date>', 'virtual clock start (ISO 8601)')
    .option('--no-modem', 'no mobile broadband device')
    .option('--no-sim', 'no SIM (a Wi-Fi-only PC)')
    .option('--no-wifi', 'no Wi-Fi adapter')
    .option('--wlan-stopped', 'the WLAN service is not running')
    .option('--trust <pem>', 'trusted root certificate(s); repeatable', collect, [])
    .option(
      '--associate <pem>',
      'operator certificate(s) tied to the hardware (COSA/APN database); repeatable',
      collect,
      [],
    )
    .option('--user-wifi <name>', 'a Wi-Fi profile the user made; repeatable', collect, [])
    .option('--force', 'overwrite an existing state file')
    .action(
      async (o: {
        state: string;
        now?: string;
        modem: boolean;
        sim: boolean;
        wifi: boolean;
        wlanStopped?: boolean;
        trust: string[];
        associate: string[];
        userWifi: string[];
        force?: boolean;
      }) => {
        if (existsSync(o.state) && !o.force)
          throw new MbprovError('MBPROV_OUTPUT_EXISTS', `${o.state} exists; use --force to replace it.`);
        const state = createMachineState({
          ...(o.now ? { now: o.now } : {}),
          capabilities: { mobileBroadband: o.modem, wifi: o.wifi, wlanServiceRunning: !o.wlanStopped },
          userWlanProfiles: o.userWifi,
        });
        if (!o.sim) delete state.capabilities.sim;
        const machine = new Machine(state);
        await trust(machine, o.trust);
        for (const file of o.associate)
          for (const cert of loadCertificates(await readInput(file)))
            state.hardwareCertificates.push(trustedCertificateEntry(cert));
        await save(o.state, machine);
        err(`mbprov: created ${o.state}`);
        setStatus(EXIT.ok);
      },
    );

  sim
    .command('apply')
    .description('Apply provisioning documents and print each CarrierProvisioningResult.')
    .argument('<file...>', 'provisioning XML files, applied in order')
    .requiredOption('--state <file>', 'machine state JSON file (created if missing)')
    .option('--source <source>', 'app, website or wifi-provider', 'app')
    .option('--trust <pem>', 'add trusted root certificate(s) to the PC; repeatable', collect, [])
    .option(
      '--consent <answer>',
      'answer to the consent prompt for an unknown EV certificate: yes or no',
      'no',
    )
    .option(
      '--results <version>',
      'ResultsSchema of the printed CarrierProvisioningResult: v2 (Windows 8.1 and later) or v1 (Windows 8); the PC remembers it for later documents and "sim refresh" (default: what the PC answered in before, else v2)',
    )
    .addHelpText(
      'after',
      '\nExit status: 0 every section applied, 1 a document was rejected or a section failed, 2 usage or I/O error.',
    )
    .action(
      async (
        files: string[],
        o: { state: string; source: string; trust: string[]; consent: string; results?: string },
      ) => {
        if (!SOURCES.includes(o.source as Source))
          throw new MbprovError('MBPROV_CLI_USAGE', `--source must be one of ${SOURCES.join(', ')}.`);
        if (!['yes', 'no'].includes(o.consent))
          throw new MbprovError('MBPROV_CLI_USAGE', '--consent must be yes or no.');
        if (o.results !== undefined && o.results !== 'v1' && o.results !== 'v2')
          throw new MbprovError('MBPROV_CLI_USAGE', '--results must be v1 or v2.');
        const results = o.results as ResultsVersion | undefined;
        const machine = await load(o.state);
        await trust(machine, o.trust);
        let status: number = EXIT.ok;
        for (const file of files) {
          const bytes = await readInput(file);
          try {
            const outcome = machine.provision(bytes, {
              source: o.source as Source,
              ...(results ? { results } : {}),
              consent: (signer) => {
                err(
                  `mbprov: ${file}: consent asked for ${signer.subject} (EV, thumbprint ${signer.thumbprint}): ${o.consent}`,
                );
                return o.consent === 'yes';
              },
            });
            out(outcome.xml.trimEnd());
            if (!outcome.ok) status = EXIT.invalid;
          } catch (error) {
            if (!(error instanceof MbprovError)) throw error;
            err(`${file}: rejected: error ${error.code}: ${error.message}`);
            status = EXIT.invalid;
          }
        }
        await save(o.state, machine);
        setStatus(status);
      },
    );

  sim
    .command('sms')
    .description('Deliver an SMS (or USSD) message to the PC; operator message rules may consume it.')
    .requiredOption('--state <file>', 'machine state JSON file')
    .option('--from <sender>', 'SMS sender address, exactly as the network delivers it')
    .option('--ussd', 'a USSD message instead of an SMS')
    .option('--class0', 'an SMS of class 0 (flash)')
    .requiredOption('--text <text>', 'the message text')
    .action(async (o: { state: string; from?: string; ussd?: boolean; class0?: boolean; text: string }) => {
      const machine = await load(o.state);
      const outcome = machine.receiveMessage({
        bearer: o.ussd ? 'ussd' : 'sms',
        text: o.text,
        ...(o.from !== undefined ? { sender: o.from } : {}),
        ...(o.class0 ? { classZero: true } : {}),
      });
      if (outcome.consumed) {
        const m = outcome.match;
        out(
          `consumed by carrier ${outcome.carrierId}, rule ${m.ruleId ?? `#${m.ruleIndex + 1}`}: events ${m.events.join(', ')}`,
        );
        if (m.usageUpdate)
          out(
            `usage: ${m.usageUpdate.CurrentUsage} MB at ${m.usageUpdate.UsageTimestamp}${outcome.plan ? ` (plan ${outcome.plan})` : ''}`,
          );
        if (outcome.refreshTriggered) out('refresh: triggered');
        for (const w of m.warnings) err(`mbprov: warning ${w.code}: ${w.message}`);
      } else {
        out(`not an operator message (${outcome.noMatch.reason}): delivered as an ordinary message`);
      }
      await save(o.state, machine);
      setStatus(EXIT.ok);
    });

  sim
    .command('advance')
    .description('Move the virtual clock forward.')
    .requiredOption('--state <file>', 'machine state JSON file')
    .option('--days <n>', 'days', Number, 0)
    .option('--hours <n>', 'hours', Number, 0)
    .action(async (o: { state: string; days: number; hours: number }) => {
      if (!Number.isFinite(o.days) || !Number.isFinite(o.hours) || o.days < 0 || o.hours < 0) {
        throw new MbprovError('MBPROV_CLI_USAGE', '--days and --hours take non-negative numbers.');
      }
      const machine = await load(o.state);
      machine.advance((o.days * 24 + o.hours) * 3_600_000);
      await save(o.state, machine);
      out(`clock: ${machine.state.now}`);
      const due = machine.dueRefreshes();
      if (due.length)
        out(`refresh due for: ${due.map((d) => d.carrierId).join(', ')} (run "mbprov sim refresh")`);
      setStatus(EXIT.ok);
    });

  sim
    .command('refresh')
    .description(
      'Perform the due refreshes: HTTPS GET of each RefreshURL with its Basic credentials, then apply the answer.',
    )
    .requiredOption('--state <file>', 'machine state JSON file')
    .option(
      '--ca <pem>',
      "extra CA certificate for the RefreshURL's TLS (e.g. the portal's development certificate)",
    )
    .action(async (o: { state: string; ca?: string }) => {
      const machine = await load(o.state);
      const ca = o.ca
        ? await readFile(o.ca, 'utf8').catch(() => {
            throw new MbprovError('MBPROV_IO_ERROR', `cannot read ${o.ca}`);
          })
        : undefined;
      const attempts = await machine.runDueRefreshes(httpsRefreshFetch(ca ? { ca } : {}));
      let status: number = EXIT.ok;
      if (!attempts.length) out('no refresh is due');
      for (const a of attempts) {
        if (a.error) {
          status = EXIT.invalid;
          out(`${a.url}: error ${a.error.code}: ${a.error.message}; retry at ${a.nextDueAt}`);
        } else {
          out(
            `${a.url}: HTTP ${a.status}${a.notModified ? ' (not modified)' : ''}; next at ${a.nextDueAt ?? 'SMS trigger'}`,
          );
          if (a.outcome) out(a.outcome.xml.trimEnd());
        }
      }
      await save(o.state, machine);
      setStatus(status);
    });

  sim
    .command('show')
    .description(
      "Show the PC: hardware, each carrier's profiles, plans and usage, refresh schedule, activations.",
    )
    .requiredOption('--state <file>', 'machine state JSON file')
    .option('--json', 'print the whole state as JSON')
    .action(async (o: { state: string; json?: boolean }) => {
      const machine = await load(o.state);
      if (o.json) out(JSON.stringify(machine.state, null, 2));
      else for (const line of describeMachine(machine)) out(line);
      setStatus(EXIT.ok);
    });
}

function collect(value: string, all: string[]): string[] {
  return [...all, value];
}
