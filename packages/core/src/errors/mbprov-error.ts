import { type Code, codes } from './codes.ts';

/** An error with a stable catalog code, thrown where a value cannot be returned (I/O, bad configuration). */
export class MbprovError extends Error {
  /** The catalog code. */
  readonly code: Code;
  /** The HTTP status a server answers with. */
  readonly status: number;

  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MbprovError';
    this.code = code;
    this.status = codes[code].status;
  }
}
