import { readFile } from 'node:fs/promises';
import { MbprovError } from '@mbprov/core';

/** Reads a file as bytes; `-` reads standard input. I/O failures become MBPROV_IO_ERROR. */
export async function readInput(file: string): Promise<Uint8Array> {
  try {
    if (file === '-') {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    }
    return await readFile(file);
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new MbprovError('MBPROV_IO_ERROR', `cannot read ${file}: ${reason}`, { cause: error });
  }
}
