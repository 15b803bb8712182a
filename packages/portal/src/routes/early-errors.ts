import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { codeInfo } from '@mbprov/core';
import type { FastifyError, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';

type EarlyCode =
  | 'MBPROV_REQUEST_MALFORMED'
  | 'MBPROV_REQUEST_URL_TOO_LONG'
  | 'MBPROV_REQUEST_HEADERS_TOO_LARGE'
  | 'MBPROV_REQUEST_TIMEOUT';

const MESSAGES: Record<EarlyCode, string> = {
  MBPROV_REQUEST_MALFORMED: 'The request could not be read.',
  MBPROV_REQUEST_URL_TOO_LONG: 'A part of the URL is longer than the server accepts.',
  MBPROV_REQUEST_HEADERS_TOO_LARGE: 'The request headers are larger than the server accepts.',
  MBPROV_REQUEST_TIMEOUT: 'The request did not arrive in time.',
};

/** The code of a request node's HTTP parser refused (no request object exists). */
function clientErrorCode(error: NodeJS.ErrnoException): EarlyCode {
  if (error.code === 'HPE_HEADER_OVERFLOW') return 'MBPROV_REQUEST_HEADERS_TOO_LARGE';
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return 'MBPROV_REQUEST_TIMEOUT';
  return 'MBPROV_REQUEST_MALFORMED';
}

/**
 * The answers to requests that never reach a route or a hook, where the security-header hook cannot run: Fastify's
 * own refusals (a URL that does not decode, a path parameter over the router's limit) and node's (headers over
 * maxHeaderSize, a request line it cannot parse, a timeout), which Fastify otherwise writes bare. Each carries
 * `headers` and the portal's error shape, `{ code, message }`, without echoing the request.
 */
export function earlyErrorAnswers(
  headers: Record<string, string>,
): Pick<FastifyServerOptions, 'frameworkErrors' | 'clientErrorHandler'> {
  return {
    frameworkErrors: (error: FastifyError, _request: FastifyRequest, reply: FastifyReply) => {
      reply.headers(headers);
      // An asynchronous route constraint failed (the portal has none): the error handler's answer to a fault.
      if ((error.statusCode ?? 400) >= 500)
        return reply.code(500).send({ code: 'MBPROV_IO_ERROR', message: 'Internal error' });
      const code: EarlyCode =
        error.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? 'MBPROV_REQUEST_URL_TOO_LONG'
          : 'MBPROV_REQUEST_MALFORMED';
      return reply.code(codeInfo(code).status).send({ code, message: MESSAGES[code] });
    },
    clientErrorHandler: (error: NodeJS.ErrnoException, socket: Socket) => {
      // A reset connection has nobody to answer.
      if (error.code === 'ECONNRESET' || socket.destroyed) return;
      const code = clientErrorCode(error);
      const { status } = codeInfo(code);
      const text = JSON.stringify({ code, message: MESSAGES[code] });
      const lines = [
        `HTTP/1.1 ${status} ${STATUS_CODES[status]}`,
        ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
        'Content-Type: application/json; charset=utf-8',
        `Content-Length: ${Buffer.byteLength(text)}`,
        'Connection: close',
      ];
      if (socket.writable) socket.write(`${lines.join('\r\n')}\r\n\r\n${text}`);
      socket.destroy(error);
    },
  };
}
