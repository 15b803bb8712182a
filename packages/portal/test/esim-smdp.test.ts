// The ES2+ client against the test SM-DP+ over mutual TLS on loopback: every function, every refusal mapped by its
// subject and reason codes, the test SM-DP+'s own checks of raw requests (it refuses as an SM-DP+ would), the TLS
// handshake refused without a client certificate or with an untrusted one, and hostile SM-DP+s (oversized, malformed,
// silent, trickling answers) ending in named refusals within the timeout.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { createServer, request, type Server } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { parseActivationCode } from '@mbprov/core';
import { Es2plusClient } from '../src/esim/es2plus-client.ts';
import { SmdpError } from '../src/esim/smdp-error.ts';
import { startTestSmdp, type TestSmdp } from '../src/esim/test-smdp.ts';
import { eidOf, iccids, type SmdpPki, smdpPki } from './helpers/smdp.ts';

const OPERATOR = 'operator.example';
const ADDRESS = 'smdp.test.example';

/** Asserts an SmdpError with this code (and subject/reason pair when given). */
async function refused(
  call: Promise<unknown>,
  code: string,
  pair?: string,
  check?: (e: SmdpError) => void,
): Promise<void> {
  await assert.rejects(call, (e: unknown) => {
    assert.ok(e instanceof SmdpError, String(e));
    assert.equal(e.code, code, e.message);
    if (pair) {
      const data = e.execution?.statusCodeData;
      assert.equal(`${data?.subjectCode}/${data?.reasonCode}`, pair, e.message);
    }
    check?.(e);
    return true;
  });
}

describe('ES2+ client and test SM-DP+', () => {
  let pki: SmdpPki;
  let smdp: TestSmdp;
  let client: Es2plusClient;
  const [a, b, c, d, e, f] = iccids(100, 6) as [string, string, string, string, string, string];
  const clientFor = (options: Partial<ConstructorParameters<typeof Es2plusClient>[0]> = {}) =>
    new Es2plusClient({
      url: smdp.url,
      functionRequesterIdentifier: OPERATOR,
      ...pki.client,
      ca: pki.ca,
      timeoutMs: 5000,
      ...options,
    });

  before(async () => {
    pki = await smdpPki();
    smdp = await startTestSmdp({
      tls: pki.server,
      clientCa: pki.ca,
      functionRequesterIdentifier: OPERATOR,
      address: ADDRESS,
      profiles: [
        { iccid: a },
        { iccid: b },
        { iccid: c, profileType: 'gold' },
        { iccid: d, profileType: 'gold' },
        { iccid: e },
        { iccid: f },
      ],
    });
    client = clientFor();
  });
  after(async () => {
    client.close();
    await smdp.close();
  });

  it('runs every function through the profile states, and each request is what ES2+ defines', async () => {
    const eid = eidOf(1);
    assert.deepEqual(await client.downloadOrder({ eid, iccid: a }), { iccid: a });
    assert.equal(smdp.profile(a)?.state, 'Linked');
    const confirmed = await client.confirmOrder({ iccid: a, eid, releaseFlag: true });
    assert.match(confirmed.matchingId, /^[0-9A-Z]{5}(-[0-9A-Z]{5}){3}$/);
    assert.equal(confirmed.smdpAddress, ADDRESS);
    assert.equal(smdp.profile(a)?.state, 'Released');
    // The matching ID goes into an Activation Code as it is.
    assert.equal(
      parseActivationCode(`1$${ADDRESS}$${confirmed.matchingId}`).matchingId,
      confirmed.matchingId,
    );
    await client.cancelOrder({
      iccid: a,
      eid,
      matchingId: confirmed.matchingId,
      finalProfileStatusIndicator: 'Available',
    });
    assert.deepEqual(smdp.profile(a), { iccid: a, profileType: 'default', state: 'Available' });

    // By profile type, without EID; confirmed without release, then released.
    assert.deepEqual(await client.downloadOrder({ profileType: 'gold' }), { iccid: c });
    assert.equal(smdp.profile(c)?.state, 'Allocated');
    const chosen = await client.confirmOrder({ iccid: c, matchingId: 'MY-OWN-ID-1', releaseFlag: false });
    assert.equal(chosen.matchingId, 'MY-OWN-ID-1');
    assert.equal(smdp.profile(c)?.state, 'Confirmed');
    await client.releaseProfile({ iccid: c });
    assert.equal(smdp.profile(c)?.state, 'Released');
    await client.cancelOrder({ iccid: c, finalProfileStatusIndicator: 'Unavailable' });
    assert.equal(smdp.profile(c)?.state, 'Unavailable');

    const fingerprint = new X509Certificate(pki.client.cert).fingerprint256;
    const seen = new Set<string>();
    for (const r of smdp.requests) {
      assert.equal(r.httpStatus, 200);
      assert.equal(r.answer?.status, 'Executed-Success', JSON.stringify(r));
      assert.equal(r.clientCertificate, fingerprint);
      assert.equal(r.adminProtocol, 'gsma/rsp/v2.5.0');
      assert.equal(r.contentType, 'application/json');
      const header = (
        r.body as { header: { functionRequesterIdentifier: string; functionCallIdentifier: string } }
      ).header;
      assert.equal(header.functionRequesterIdentifier, OPERATOR);
      assert.ok(!seen.has(header.functionCallIdentifier), 'functionCallIdentifier unique');
      seen.add(header.functionCallIdentifier);
    }
    assert.deepEqual(
      smdp.requests.map((r) => r.function),
      [
        'downloadOrder',
        'confirmOrder',
        'cancelOrder',
        'downloadOrder',
        'confirmOrder',
        'releaseProfile',
        'cancelOrder',
      ],
    );
  });

  it('maps every refusal of the SM-DP+ by its subject and reason codes, and nothing changes', async () => {
    const eid = eidOf(2);
    await refused(client.downloadOrder({ iccid: '8900000000000009999' }), 'MBPROV_SMDP_REFUSED', '8.2.1/3.9');
    await client.downloadOrder({ eid, iccid: b });
    await refused(client.downloadOrder({ iccid: b }), 'MBPROV_SMDP_CONFLICT', '8.2.1/3.3');
    await refused(
      client.confirmOrder({ iccid: b, eid: eidOf(3), releaseFlag: true }),
      'MBPROV_SMDP_CONFLICT',
      '8.1.1/3.10',
    );
    await refused(
      client.confirmOrder({ iccid: b, eid, smdsAddress: 'smds.example', releaseFlag: true }),
      'MBPROV_SMDP_UNAVAILABLE',
      '8.9/5.1',
    );
    assert.equal(smdp.profile(b)?.state, 'Linked');
    await refused(client.releaseProfile({ iccid: b }), 'MBPROV_SMDP_CONFLICT', '8.2.1/3.5');
    const { matchingId } = await client.confirmOrder({ iccid: b, eid, releaseFlag: true });
    await refused(
      client.cancelOrder({ iccid: b, matchingId: 'OTHER', finalProfileStatusIndicator: 'Available' }),
      'MBPROV_SMDP_CONFLICT',
      '8.2.6/3.10',
    );
    await client.downloadOrder({ iccid: e });
    await refused(
      client.confirmOrder({ iccid: e, matchingId, releaseFlag: true }),
      'MBPROV_SMDP_CONFLICT',
      '8.2.6/3.3',
    );
    await refused(client.downloadOrder({ profileType: 'platinum' }), 'MBPROV_SMDP_REFUSED', '8.2.5/3.9');
    await client.downloadOrder({ profileType: 'gold' });
    await refused(client.downloadOrder({ profileType: 'gold' }), 'MBPROV_SMDP_CONFLICT', '8.2.5/3.7');
    await refused(client.downloadOrder({}), 'MBPROV_SMDP_REFUSED', '1.6/2.3');
    const stranger = clientFor({ functionRequesterIdentifier: 'someone-else' });
    await refused(stranger.downloadOrder({ iccid: f }), 'MBPROV_SMDP_REFUSED', '1.1/1.1', (err) =>
      assert.match(err.message, /does not know the function requester/),
    );
    stranger.close();
    assert.equal(smdp.profile(f)?.state, 'Available');
    // Every refusal is an ES2+ answer: HTTP 200, Failed, with the codes.
    for (const r of smdp.requests.filter((x) => x.answer?.status === 'Failed'))
      assert.equal(r.httpStatus, 200);
  });

  it('refuses to send what ES2+ does not allow (nothing reaches the SM-DP+)', async () => {
    const before = smdp.requests.length;
    await refused(client.downloadOrder({ eid: '123', iccid: f }), 'MBPROV_SMDP_REFUSED', undefined, (err) => {
      assert.equal(err.outcomeUnknown, false);
      assert.match(err.message, /not valid ES2\+: \/eid/);
    });
    await refused(
      client.confirmOrder({ iccid: f, matchingId: 'lower', releaseFlag: true }),
      'MBPROV_SMDP_REFUSED',
    );
    assert.equal(smdp.requests.length, before);
  });

  it('checks raw requests against the message definitions and refuses as an SM-DP+ does', async () => {
    let call = 0;
    const post = (path: string, body: string, headers: Record<string, string> = {}) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(
          `${smdp.url}${path}`,
          {
            method: 'POST',
            ...pki.client,
            ca: pki.ca,
            headers: {
              'content-type': 'application/json',
              'x-admin-protocol': 'gsma/rsp/v2.2.0',
              ...headers,
            },
          },
          (res) => {
            let text = '';
            res.on('data', (chunk) => {
              text += chunk;
            });
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    const header = (id = `call-${++call}`) => ({
      functionRequesterIdentifier: OPERATOR,
      functionCallIdentifier: id,
    });
    const failure = async (
      body: unknown,
      pair: string,
      message: RegExp,
      headers?: Record<string, string>,
    ) => {
      const answer = await post(
        '/gsma/rsp2/es2plus/downloadOrder',
        typeof body === 'string' ? body : JSON.stringify(body),
        headers,
      );
      assert.equal(answer.status, 200);
      const status = JSON.parse(answer.body).header.functionExecutionStatus;
      assert.equal(status.status, 'Failed');
      assert.equal(`${status.statusCodeData.subjectCode}/${status.statusCodeData.reasonCode}`, pair);
      assert.match(status.statusCodeData.message, message);
    };
    await failure({ header: header(), iccid: f }, '1.6/2.1', /X-Admin-Protocol/, {
      'x-admin-protocol': 'http/1.1',
    });
    await failure({ header: header(), iccid: f }, '1.6/2.1', /Content-Type/, {
      'content-type': 'text/plain',
    });
    await failure('{"header":', '1.6/2.1', /not JSON/);
    await failure({ iccid: f }, '1.6/2.2', /required/);
    await failure(
      { header: { functionRequesterIdentifier: OPERATOR }, iccid: f },
      '1.6/2.2',
      /functionCallIdentifier/,
    );
    await failure({ header: header(), eid: '1'.repeat(31), iccid: f }, '1.6/2.1', /\/eid/);
    await failure({ header: header(), iccid: '89001' }, '1.6/2.1', /\/iccid/);
    await failure({ header: header(), iccid: f, extra: 1 }, '1.6/2.1', /.*/);
    await failure({ header: header('same'), iccid: '8900000000000009999' }, '8.2.1/3.9', /unknown/);
    await failure({ header: header('same'), iccid: f }, '1.6/2.1', /functionCallIdentifier was used before/);
    const confirm = await post(
      '/gsma/rsp2/es2plus/confirmOrder',
      JSON.stringify({ header: header(), iccid: f }),
    );
    assert.match(confirm.body, /"subjectCode":"1.6","reasonCode":"2.2"/);
    assert.equal((await post('/gsma/rsp2/es2plus/unknownFunction', '{}')).status, 404);
    assert.equal((await post('/gsma/rsp2/es2plus/downloadOrder', 'x'.repeat(70_000))).status, 413);
    assert.equal(smdp.profile(f)?.state, 'Available');
  });

  it('refuses the TLS handshake without a client certificate or with an untrusted one', async () => {
    const before = smdp.requests.length;
    for (const options of [{ cert: '', key: '' }, pki.stranger]) {
      const other = new Es2plusClient({
        url: smdp.url,
        functionRequesterIdentifier: OPERATOR,
        ...options,
        ca: pki.ca,
        timeoutMs: 5000,
      });
      // (TLS 1.3 ends the handshake on the client's side before the server checks its certificate: the client sees
      // the connection close, and cannot tell it from a server that failed midway.)
      await refused(other.downloadOrder({ iccid: f }), 'MBPROV_SMDP_UNAVAILABLE', undefined, (err) =>
        assert.match(err.message, /cannot connect/),
      );
      other.close();
    }
    // And the client refuses an SM-DP+ whose certificate its CA did not issue.
    const trusting = clientFor({ ca: pki.stranger.cert });
    await refused(trusting.downloadOrder({ iccid: f }), 'MBPROV_SMDP_UNAVAILABLE', undefined, (err) =>
      assert.match(err.message, /certificate/),
    );
    trusting.close();
    assert.equal(smdp.requests.length, before);
  });
});

describe('ES2+ client against a hostile SM-DP+', () => {
  let pki: SmdpPki;
  let server: Server;
  let behave: (res: import('node:http').ServerResponse) => void = () => {};
  let url: string;

  before(async () => {
    pki = await smdpPki();
    server = createServer(
      { ...pki.server, ca: pki.ca, requestCert: true, rejectUnauthorized: true },
      (req, res) => {
        req.resume();
        req.on('end', () => behave(res));
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const headers = { 'content-type': 'application/json', 'x-admin-protocol': 'gsma/rsp/v2.5.0' };
  const ok = JSON.stringify({ header: { functionExecutionStatus: { status: 'Executed-Success' } } });
  const cases: Array<[string, (res: import('node:http').ServerResponse) => void, RegExp, boolean]> = [
    [
      'oversized',
      (res) => res.writeHead(200, headers).end(`{"pad":"${'x'.repeat(200_000)}"}`),
      /larger than 65536/,
      false,
    ],
    [
      'oversized without content-length',
      (res) => {
        res.writeHead(200, headers);
        for (let i = 0; i < 100; i++) res.write('x'.repeat(1000));
        res.end();
      },
      /larger than 65536/,
      false,
    ],
    ['not JSON', (res) => res.writeHead(200, headers).end('{"header": '), /not JSON/, false],
    [
      'no X-Admin-Protocol',
      (res) => res.writeHead(200, { 'content-type': 'application/json' }).end(ok),
      /X-Admin-Protocol/,
      false,
    ],
    [
      'HTML',
      (res) => res.writeHead(200, { ...headers, 'content-type': 'text/html' }).end('<html>'),
      /application\/json/,
      false,
    ],
    ['HTTP 500', (res) => res.writeHead(500, headers).end(ok), /HTTP 500/, false],
    [
      'no header',
      (res) => res.writeHead(200, headers).end('{"iccid":"8900000000000000001"}'),
      /not an ES2\+ answer/,
      true,
    ],
    [
      'unknown status',
      (res) => res.writeHead(200, headers).end('{"header":{"functionExecutionStatus":{"status":"Maybe"}}}'),
      /not an ES2\+ answer/,
      true,
    ],
    [
      'success without output',
      (res) => res.writeHead(200, headers).end(ok),
      /output is not valid: \/iccid/,
      true,
    ],
    ['silent', () => {}, /no answer within 300 ms/, true],
    [
      'trickling',
      (res) => {
        res.writeHead(200, headers);
        const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write(' ')), 50);
      },
      /no answer within 300 ms/,
      true,
    ],
  ];
  for (const [name, behaviour, message, unknown] of cases) {
    it(`${name}: a named refusal within the timeout`, async () => {
      behave = behaviour;
      const client = new Es2plusClient({
        url,
        functionRequesterIdentifier: OPERATOR,
        ...pki.client,
        ca: pki.ca,
        timeoutMs: /silent|trickling/.test(name) ? 300 : 5000,
      });
      await refused(
        client.downloadOrder({ iccid: '8900000000000000001' }),
        'MBPROV_SMDP_UNAVAILABLE',
        undefined,
        (err) => {
          assert.match(err.message, message);
          if (/silent|trickling|no header|status|output/.test(name))
            assert.equal(err.outcomeUnknown, unknown);
        },
      );
      client.close();
    });
  }
});
