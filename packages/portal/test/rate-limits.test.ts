// The rate limit counters (src/rate-limits/): windows aligned to the clock, in memory and bounded; batches of hits
// that stay exact however many processes count at once, in PostgreSQL (and SQLite, which the portal does not share
// but the same statements run on) and in Redis; the fallback to memory when the shared store fails; limits used up
// answered without the store; the sweep of past windows.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { freeLoopbackPort } from '../src/free-port.ts';
import { sweepRateLimits } from '../src/jobs/tasks.ts';
import {
  BatchedCounter,
  type CounterAdd,
  type CounterBackend,
  type CounterWindow,
} from '../src/rate-limits/batched-counter.ts';
import type { RateCounter, WindowCount } from '../src/rate-limits/counter.ts';
import { DatabaseBackend } from '../src/rate-limits/database-backend.ts';
import { FallbackCounter, SHARED_RETRY_MS } from '../src/rate-limits/fallback-counter.ts';
import { MemoryCounter } from '../src/rate-limits/memory-counter.ts';
import { RateLimits } from '../src/rate-limits/rate-limits.ts';
import { RedisBackend } from '../src/rate-limits/redis-backend.ts';
import {
  addRateLimitHits,
  deleteExpiredRateLimits,
  readRateLimitCounts,
} from '../src/storage/rate-limits.ts';
import {
  countRows,
  DIALECTS,
  memoryLogger,
  REDIS_URL,
  type TestContext,
  testContext,
} from './helpers/context.ts';

const MINUTE = 60_000;

/** A promise and the functions that settle it. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A shared store in a Map that records each call and answers when the test says so (or at once). */
class RecordingBackend implements CounterBackend {
  readonly description = 'recording';
  readonly counts = new Map<string, number>();
  readonly adds: CounterAdd[][] = [];
  readonly reads: CounterWindow[][] = [];
  /** When set, the next call waits for it. */
  gate?: Promise<void>;
  failure?: Error;

  private async pass(): Promise<void> {
    const gate = this.gate;
    this.gate = undefined;
    if (gate) await gate;
    if (this.failure) throw this.failure;
  }

  async add(entries: readonly CounterAdd[]): Promise<number[]> {
    this.adds.push([...entries]);
    await this.pass();
    return entries.map((e) => {
      const key = `${e.start} ${e.name}`;
      const count = (this.counts.get(key) ?? 0) + e.by;
      this.counts.set(key, count);
      return count;
    });
  }

  async read(entries: readonly CounterWindow[]): Promise<number[]> {
    this.reads.push([...entries]);
    await this.pass();
    return entries.map((e) => this.counts.get(`${e.start} ${e.name}`) ?? 0);
  }

  async close(): Promise<void> {}
}

const counts = (answers: WindowCount[]) => answers.map((a) => a.count);

describe('MemoryCounter', () => {
  it('counts in windows aligned to the clock: a new window starts on the minute, whenever the first hit came', async () => {
    const counter = new MemoryCounter();
    const at = 10 * MINUTE;
    assert.deepEqual(await counter.hit('a', MINUTE, at + 59_000), { count: 1, resetMs: 1_000 });
    assert.deepEqual(await counter.hit('a', MINUTE, at + 59_999), { count: 2, resetMs: 1 });
    assert.deepEqual(await counter.hit('a', MINUTE, at + MINUTE), { count: 1, resetMs: MINUTE });
    assert.deepEqual(await counter.read('a', MINUTE, at + MINUTE + 5), { count: 1, resetMs: MINUTE - 5 });
    assert.equal((await counter.read('b', MINUTE, at)).count, 0);
  });

  it('forgets the name counted longest ago when it holds its most names, so memory stays bounded', () => {
    const counter = new MemoryCounter(2);
    counter.hitNow('a', MINUTE, 0);
    counter.hitNow('b', MINUTE, 1);
    counter.hitNow('c', MINUTE, 2); // forgets a
    assert.equal(counter.readNow('a', MINUTE, 3).count, 0, 'a starts afresh');
    assert.equal(counter.readNow('c', MINUTE, 3).count, 1);
  });
});

describe('BatchedCounter', () => {
  it('hits that arrive while a round trip runs go together in the next one, and get exact counts in arrival order', async () => {
    const backend = new RecordingBackend();
    const counter = new BatchedCounter(backend);
    const gate = deferred<void>();
    backend.gate = gate.promise;
    const first = counter.hit('x', MINUTE, 0);
    await Promise.resolve(); // the first round trip starts
    const rest = [counter.hit('y', MINUTE, 1), counter.hit('x', MINUTE, 2), counter.hit('x', MINUTE, 3)];
    assert.equal(backend.adds.length, 1, 'one round trip in flight, the others wait');
    gate.resolve();
    assert.equal((await first).count, 1);
    assert.deepEqual(counts(await Promise.all(rest)), [1, 2, 3]);
    assert.equal(backend.adds.length, 2, 'the three waiting hits went in one round trip');
    assert.deepEqual(
      backend.adds[1]?.map((e) => [e.name, e.by]),
      [
        ['x', 2],
        ['y', 1],
      ],
      'one entry per window, sorted by name, adding as many hits as it had',
    );
  });

  it('a hit and a read asked together share a round trip; answers tell the time left in the window', async () => {
    const backend = new RecordingBackend();
    const counter = new BatchedCounter(backend);
    const [hit, read] = await Promise.all([
      counter.hit('k', MINUTE, 1_000),
      counter.read('f', MINUTE, 1_500),
    ]);
    assert.deepEqual(hit, { count: 1, resetMs: 59_000 });
    assert.deepEqual(read, { count: 0, resetMs: 58_500 });
    assert.deepEqual([backend.adds.length, backend.reads.length], [1, 1]);
  });

  it('a failing or slow store fails the callers of that round trip only', async () => {
    const backend = new RecordingBackend();
    const counter = new BatchedCounter(backend, 50);
    backend.failure = new Error('connection refused');
    await assert.rejects(counter.hit('a', MINUTE, 0), /connection refused/);
    backend.failure = undefined;
    backend.gate = new Promise(() => {}); // never answers
    await assert.rejects(counter.hit('a', MINUTE, 0), /took over 50 ms/);
    assert.equal((await counter.hit('a', MINUTE, 0)).count, 1, 'the next round trip goes on');
  });
});

describe('FallbackCounter', () => {
  it('counts in memory while the shared store fails, warns once, tries the store again after a while and says when it is back', async () => {
    const backend = new RecordingBackend();
    const log = memoryLogger();
    let now = 0;
    const counter = new FallbackCounter(new BatchedCounter(backend), log, () => now);
    assert.equal((await counter.hit('a', MINUTE, 0)).count, 1);

    backend.failure = new Error('ECONNREFUSED');
    assert.deepEqual(counts([await counter.hit('a', MINUTE, 0), await counter.hit('a', MINUTE, 0)]), [1, 2]);
    assert.equal(
      backend.adds.length,
      2,
      'after the failure, counting stays in memory without asking the store',
    );
    now += SHARED_RETRY_MS;
    assert.equal((await counter.hit('a', MINUTE, 0)).count, 3, 'the store failed again: memory still');
    assert.equal(backend.adds.length, 3);
    assert.deepEqual(
      log.lines.map((l) => [l.level, l.msg]),
      [['warn', 'rate limits: the shared store does not answer; counting in this process until it does']],
    );

    backend.failure = undefined;
    now += SHARED_RETRY_MS;
    assert.equal((await counter.hit('a', MINUTE, 0)).count, 2, 'the store counts again from its own count');
    assert.equal(log.lines.at(-1)?.msg, 'rate limits: the shared store answers again');
  });
});

describe('RateLimits', () => {
  it('a name that used its limit is answered from memory until its window ends, then asks the counter again', async () => {
    let asked = 0;
    const memory = new MemoryCounter();
    const counter: RateCounter = {
      description: 'counting calls',
      hit: (...args) => {
        asked++;
        return memory.hit(...args);
      },
      read: (...args) => {
        asked++;
        return memory.read(...args);
      },
      close: async () => {},
    };
    const limits = new RateLimits(counter);
    const hits = [];
    for (let i = 0; i < 5; i++) hits.push((await limits.hit('ip', 2, MINUTE, 1_000)).count);
    assert.deepEqual(hits, [1, 2, 3, 3, 3], 'past the limit: over it, whatever the count');
    assert.equal(asked, 2);
    assert.deepEqual(await limits.read('ip', 2, MINUTE, 2_000), { count: 2, resetMs: 58_000 });
    assert.equal(asked, 2);
    assert.equal((await limits.hit('ip', 2, MINUTE, MINUTE)).count, 1, 'a new window');
    assert.equal(asked, 3);
  });
});

for (const dialect of DIALECTS) {
  describe(`rate limit counts in the database (${dialect})`, () => {
    let ctx: TestContext;
    before(async () => {
      ctx = await testContext(dialect);
    });
    after(() => ctx.close());

    it('concurrent batches from two store handles (two processes) give every hit its own count, none lost', async () => {
      const sibling = await ctx.openSibling();
      try {
        const counters = [ctx.store, sibling].map(
          (store) => new BatchedCounter(new DatabaseBackend(store.db, store.description)),
        );
        const now = Date.now();
        const answers = await Promise.all(
          Array.from({ length: 120 }, (_, i) =>
            (counters[i % 2] as BatchedCounter).hit(i % 3 ? 'shared' : 'other', MINUTE, now),
          ),
        );
        const of = (name: string) =>
          answers
            .filter((_, i) => (i % 3 ? 'shared' : 'other') === name)
            .map((a) => a.count)
            .sort((a, b) => a - b);
        assert.deepEqual(
          of('shared'),
          Array.from({ length: 80 }, (_, i) => i + 1),
        );
        assert.deepEqual(
          of('other'),
          Array.from({ length: 40 }, (_, i) => i + 1),
        );
        assert.equal((await (counters[1] as BatchedCounter).read('shared', MINUTE, now)).count, 80);
      } finally {
        await sibling.close();
      }
    });

    it('reads answer 0 for windows without a row; the sweep deletes expired rows only, in bounded statements', async () => {
      const db = ctx.store.db;
      const window = (i: number) => new Date(Date.UTC(2020, 0, 1, 0, i)).toISOString();
      await addRateLimitHits(
        db,
        Array.from({ length: 5 }, (_, i) => ({
          name: `old ${i}`,
          windowStart: window(i),
          by: 1,
          expiresAt: window(i + 2),
        })),
      );
      assert.deepEqual(
        await readRateLimitCounts(db, [
          { name: 'old 1', windowStart: window(1) },
          { name: 'old 1', windowStart: window(2) },
        ]),
        [1, 0],
      );
      const now = window(30);
      assert.equal(await deleteExpiredRateLimits(db, now, 3), 3, 'at most the limit');
      const sweepCtx = { ...ctx, clock: () => new Date(now) };
      assert.equal(await sweepRateLimits(sweepCtx), 2, 'the sweep goes on until none is left');
      assert.equal(await sweepRateLimits(sweepCtx), 0);
      assert.equal(await countRows(ctx, 'rate_limits'), 2, 'the windows of the test above are current: kept');
    });

    if (dialect === 'postgres')
      it('the table is UNLOGGED on PostgreSQL (no write-ahead log for a count)', async () => {
        const { rows } = await sql<{ relpersistence: string }>`
          select relpersistence from pg_class where oid = 'rate_limits'::regclass`.execute(ctx.store.db);
        assert.equal(rows[0]?.relpersistence, 'u');
      });
  });
}

describe('rate limit counts in Redis', () => {
  const prefix = `mbprov-test:${process.pid}:${Date.now()}:`;
  const log = memoryLogger();
  let backends: RedisBackend[] = [];
  let redis: Redis;
  before(async () => {
    backends = [
      await RedisBackend.connect(REDIS_URL, prefix, log),
      await RedisBackend.connect(REDIS_URL, prefix, log),
    ];
    redis = new Redis(REDIS_URL);
  });
  after(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
    for (const backend of backends) await backend.close();
  });

  it('two connections (two processes) give every hit its own count; a key expires one window after its window', async () => {
    const counters = backends.map((b) => new BatchedCounter(b));
    const now = Date.now();
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) => (counters[i % 2] as BatchedCounter).hit('ip', MINUTE, now)),
    );
    assert.deepEqual(
      counts(answers).sort((a, b) => a - b),
      Array.from({ length: 100 }, (_, i) => i + 1),
    );
    assert.equal((await (counters[0] as BatchedCounter).read('ip', MINUTE, now)).count, 100);
    assert.equal((await (counters[0] as BatchedCounter).read('nobody', MINUTE, now)).count, 0);
    const start = now - (now % MINUTE);
    const ttl = await redis.pttl(`${prefix}ip@${start}`);
    assert.ok(ttl > MINUTE - (Date.now() - start) && ttl <= 2 * MINUTE, `PTTL ${ttl}`);
    assert.deepEqual(log.lines, []);
  });

  it('a Redis that comes up after the portal, goes away and comes back: counted in memory meanwhile, in Redis again after', async () => {
    const port = await freeLoopbackPort();
    const server = () =>
      spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        {
          stdio: 'ignore',
        },
      );
    const down = memoryLogger();
    let now = 0;
    const backend = await RedisBackend.connect(`redis://127.0.0.1:${port}`, prefix, down);
    const counter = new FallbackCounter(new BatchedCounter(backend), down, () => now);
    /** Hits until Redis counts one (the connection is retried in the background), at most 10 s. */
    const untilRedisCounts = async () => {
      for (let i = 0; i < 50; i++) {
        now += SHARED_RETRY_MS;
        await counter.hit('ip', MINUTE, Date.now());
        if (down.lines.at(-1)?.msg === 'rate limits: the shared store answers again') return;
        await sleep(200);
      }
      assert.fail(`Redis never counted: ${JSON.stringify(down.lines)}`);
    };
    let redis = server();
    try {
      assert.match(down.lines[0]?.msg ?? '', /Redis does not answer at start/);
      await untilRedisCounts();
      redis.kill();
      await once(redis, 'exit');
      const during = [
        await counter.hit('ip', MINUTE, Date.now()),
        await counter.hit('ip', MINUTE, Date.now()),
      ];
      assert.ok(during.every((c) => c.count >= 1));
      assert.match(down.lines.at(-1)?.msg ?? '', /does not answer; counting in this process/);
      redis = server();
      await untilRedisCounts();
    } finally {
      await backend.close();
      redis.kill();
    }
  });

  it('a Redis that does not answer: the portal starts with a warning, counts fail at once and the fallback counts in memory', async () => {
    const port = await freeLoopbackPort(); // nothing listens there
    const down = memoryLogger();
    const backend = await RedisBackend.connect(`redis://127.0.0.1:${port}`, prefix, down);
    try {
      assert.match(down.lines[0]?.msg ?? '', /Redis does not answer at start/);
      await assert.rejects(backend.add([{ name: 'a', start: 0, end: MINUTE, by: 1 }]));
      const counter = new FallbackCounter(new BatchedCounter(backend), down);
      assert.deepEqual(
        counts([await counter.hit('a', MINUTE, 0), await counter.hit('a', MINUTE, 0)]),
        [1, 2],
      );
      assert.match(down.lines.at(-1)?.msg ?? '', /counting in this process/);
    } finally {
      await backend.close();
    }
  });
});
