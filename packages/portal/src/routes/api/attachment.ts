import type { FastifyReply } from 'fastify';

/** Sends `body` as a file download named `filename` (for operators who save the answer, not read it). */
export function sendAttachment(reply: FastifyReply, contentType: string, filename: string, body: string) {
  return reply
    .header('content-type', contentType)
    .header('content-disposition', `attachment; filename="${filename}"`)
    .send(body);
}
