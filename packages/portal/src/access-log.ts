import { type FastifyReply, type FastifyRequest, LogController } from 'fastify';

/**
 * One access line per request, written when it is answered, with the method and (redacted) URL of the request
 * beside the status and time: Fastify's default writes a second line as each request arrives, which on the hot paths
 * costs about as much as the work. A request that never gets an answer still shows up as the error it ends with.
 */
export class AccessLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null, request: FastifyRequest, reply: FastifyReply): void {
    const line = { req: request, res: reply, responseTime: reply.elapsedTime };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request completed');
  }
}
