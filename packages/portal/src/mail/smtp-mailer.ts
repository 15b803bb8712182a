import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { MbprovError } from '@mbprov/core';
import type { SmtpSettings } from '../config/schema.ts';

/** One e-mail to one recipient, in the text and HTML forms every client can show. */
export interface MailMessage {
  to: string;
  /** The sender's display name unless smtp.from.name sets one: the operator's name in the customer's language. */
  senderName: string;
  subject: string;
  text: string;
  html: string;
  /**
   * What makes the Message-ID (`<key@domain of smtp.from>`): stable for a message, so that a client that receives
   * it twice shows it once. Nothing secret: mail servers on the way read it.
   */
  key: string;
  /** The message's language (Content-Language). */
  lang: string;
}

/** Sends e-mail. */
export interface Mailer {
  /** Hands `message` to the SMTP server; resolves once the server accepted it, or throws MBPROV_MAIL_UNAVAILABLE. */
  send(message: MailMessage): Promise<void>;
  /** Closes what the transport keeps open. */
  close(): void;
}

/** What a test may change about the SMTP connection. */
export interface SmtpMailerOptions {
  /** The name the portal gives itself in EHLO (default: the host name of the machine). */
  clientName?: string;
}

/** The value of the environment variable `name` that a setting names (a credential: never quoted). */
function credential(env: Record<string, string | undefined>, setting: string, name: string): string {
  const value = env[name];
  if (!value)
    throw new MbprovError(
      'MBPROV_CONFIG_INVALID',
      `smtp.${setting}: the environment variable ${name} is not set`,
    );
  return value;
}

/**
 * What went wrong, for the log and the job's error: nodemailer's code, the SMTP reply code and the command's verb.
 * Never the server's reply text nor nodemailer's message: they can quote the recipient's address.
 */
function failure(settings: SmtpSettings, error: unknown): MbprovError {
  const e = error as { code?: unknown; responseCode?: unknown; command?: unknown };
  const parts = [
    typeof e.code === 'string' ? e.code : 'error',
    ...(typeof e.responseCode === 'number' ? [String(e.responseCode)] : []),
    ...(typeof e.command === 'string' ? [`after ${e.command.split(' ')[0]}`] : []),
  ];
  return new MbprovError(
    'MBPROV_MAIL_UNAVAILABLE',
    `SMTP ${settings.host}:${settings.port} did not take the message: ${parts.join(' ')}`,
  );
}

/**
 * Opens the mailer of the `smtp` settings: nodemailer's SMTP transport with TLS required (implicit, or STARTTLS that
 * the server must offer), the server's certificate verified against the public roots and `caFile`, the login from
 * the environment variables the settings name (AUTH PLAIN or LOGIN, whichever the server offers), every wait bounded
 * by `timeoutMs`, and no logging. A missing variable or an unreadable CA file is MBPROV_CONFIG_INVALID at start.
 */
export async function openSmtpMailer(
  settings: SmtpSettings,
  env: Record<string, string | undefined> = process.env,
  options: SmtpMailerOptions = {},
): Promise<Mailer> {
  const auth =
    settings.userEnv && settings.passwordEnv
      ? {
          user: credential(env, 'userEnv', settings.userEnv),
          pass: credential(env, 'passwordEnv', settings.passwordEnv),
        }
      : undefined;
  let ca: string[] | undefined;
  if (settings.caFile) {
    try {
      ca = [...rootCertificates, readFileSync(settings.caFile, 'utf8')];
    } catch (error) {
      throw new MbprovError(
        'MBPROV_CONFIG_INVALID',
        `smtp.caFile: cannot read ${settings.caFile}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
      );
    }
  }
  // Loaded on first use: a portal without SMTP never loads it.
  const nodemailer = await import('nodemailer');
  const transport = nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    requireTLS: !settings.secure,
    ...(auth ? { auth } : {}),
    tls: { minVersion: 'TLSv1.2', ...(ca ? { ca } : {}) },
    ...(options.clientName ? { name: options.clientName } : {}),
    connectionTimeout: settings.timeoutMs,
    greetingTimeout: settings.timeoutMs,
    socketTimeout: settings.timeoutMs,
    dnsTimeout: settings.timeoutMs,
    logger: false,
    debug: false,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  const domain = settings.from.address.slice(settings.from.address.lastIndexOf('@') + 1);
  return {
    async send(message) {
      try {
        await transport.sendMail({
          from: { name: settings.from.name ?? message.senderName, address: settings.from.address },
          to: message.to,
          subject: message.subject,
          text: message.text,
          html: message.html,
          messageId: `<${message.key}@${domain}>`,
          headers: { 'Content-Language': message.lang },
        });
      } catch (error) {
        throw failure(settings, error);
      }
    },
    close() {
      transport.close();
    },
  };
}
