import { describe, expect, it } from 'vitest';
import { parseCron } from '../../src/jobs/schedule/cron-schedule.ts';
import type { CatchUpPolicy } from '../../src/jobs/schedule/plan-runs.ts';
import type { JobEvent } from '../../src/jobs/run/job-event.ts';
import { JobError, type JobTask } from '../../src/jobs/run/job-task.ts';
import type { ScheduledJob } from '../../src/jobs/run/scheduled-job.ts';
import { Scheduler } from '../../src/jobs/run/scheduler.ts';
import { FakeClock } from './support/fake-clock.ts';
import { MemoryJobStore } from './support/memory-job-store.ts';

const M = 60_000;
const at = (s: string) => Date.parse(s);
const iso = (ms: number) => new Date(ms).toISOString();

function job(name: string, task: JobTask, over: Partial<ScheduledJob> = {}): ScheduledJob {
  return {
    name,
    schedule: parseCron('0 * * * *'),
    timeZone: 'UTC',
    policy: 'catch_up' as CatchUpPolicy,
    retry: { maxAttempts: 3, backoffMs: 1000, maxBackoffMs: 60_000 },
    leaseMs: 30 * M,
    graceMs: 5 * M,
    maxCatchUp: 100,
    task,
    ...over,
  };
}

/** A task that waits until released, counting calls. */
function gate() {
  let release!: () => void;
  const opened = new Promise<void>((r) => (release = r));
  const calls: number[] = [];
  const task: JobTask = async (ctx) => {
    calls.push(ctx.scheduledFor);
    await opened;
    return { rows: 1 };
  };
  return { task, calls, release: () => release() };
}

const tick = () => new Promise((r) => setImmediate(r));

function setup(jobs: ScheduledJob[], start = at('2026-03-02T08:00:30Z')) {
  const clock = new FakeClock(start);
  const store = new MemoryJobStore(clock);
  const events: JobEvent[] = [];
  const scheduler = new Scheduler({ jobs, store, clock, owner: 'A', log: (e) => events.push(e) });
  return { clock, store, events, scheduler };
}

describe('no overlap', () => {
  it('two concurrent triggers in one process: one run, the other reports overlap', async () => {
    const g = gate();
    const { store, scheduler } = setup([job('j', g.task)]);
    const slot = at('2026-03-02T08:00Z');
    const both = Promise.all([scheduler.trigger('j', slot), scheduler.trigger('j', slot)]);
    await tick();
    g.release();
    const [a, b] = await both;
    expect(a.status).toBe('succeeded');
    expect(b.status).toBe('overlap');
    expect(g.calls).toHaveLength(1);
    expect(store.runs.map((r) => [r.job, r.status])).toEqual([['j', 'succeeded']]);
  });

  it('a poll while the job runs does not start it again', async () => {
    const g = gate();
    const { clock, scheduler } = setup([job('j', g.task)], at('2026-03-02T07:59Z'));
    clock.set(at('2026-03-02T08:00:05Z'));
    const first = scheduler.poll();
    await tick();
    clock.set(at('2026-03-02T09:00:05Z'));
    await scheduler.poll(); // the 09:00 slot is due but j is still running its 08:00 slot
    expect(g.calls).toHaveLength(1);
    g.release();
    await first;
  });

  it('two schedulers sharing a store (two processes): the lock lets one run, the other sees it held', async () => {
    const g = gate();
    const clock = new FakeClock(at('2026-03-02T08:00:30Z'));
    const store = new MemoryJobStore(clock);
    const a = new Scheduler({ jobs: [job('j', g.task)], store, clock, owner: 'A' });
    const b = new Scheduler({ jobs: [job('j', g.task)], store, clock, owner: 'B' });
    const slot = at('2026-03-02T08:00Z');
    const ra = a.trigger('j', slot, 'schedule');
    await tick();
    const rb = await b.trigger('j', slot, 'schedule');
    expect(rb.status).toBe('held');
    g.release();
    expect((await ra).status).toBe('succeeded');
    // Once settled, the other process does not run the slot again.
    expect((await b.trigger('j', slot, 'schedule')).status).toBe('settled');
    expect(g.calls).toHaveLength(1);
  });

  it('a lock whose owner died frees itself at lease expiry; the dead run is marked abandoned', async () => {
    const clock = new FakeClock(at('2026-03-02T08:00:30Z'));
    const store = new MemoryJobStore(clock);
    const slot = at('2026-03-02T08:00Z');
    // Process A took the lock and died.
    await store.acquire({ job: 'j', scheduledFor: slot, attempt: 1, status: 'running', trigger: 'schedule', owner: 'A', started: clock.now(), finished: null, rows: null, error: null, detail: null }, clock.now() + 10 * M);
    const b = new Scheduler({ jobs: [job('j', async () => ({ rows: 2 }))], store, clock, owner: 'B' });
    expect((await b.trigger('j', slot, 'schedule')).status).toBe('held');
    clock.set(clock.now() + 11 * M);
    expect((await b.trigger('j', slot, 'schedule')).status).toBe('succeeded');
    expect(store.runs.map((r) => [r.owner, r.status])).toEqual([['A', 'abandoned'], ['B', 'succeeded']]);
  });
  it('when recording an attempt fails, the next poll runs the slot again and the stale row is abandoned', async () => {
    const ran: number[] = [];
    const { clock, store, scheduler } = setup([job('hourly', async (c) => (ran.push(c.scheduledFor), { rows: 1 }))]);
    const finish = store.finish.bind(store);
    let failures = 1;
    store.finish = async (run, release) => {
      if (failures-- > 0) throw new Error('IO Error: Could not set lock on file');
      return finish(run, release);
    };
    clock.set(at('2026-03-02T09:00:30Z'));
    await scheduler.poll();
    clock.set(at('2026-03-02T09:01:30Z'));
    await scheduler.poll();
    expect(ran.map(iso)).toEqual(['2026-03-02T09:00:00.000Z', '2026-03-02T09:00:00.000Z']);
    expect(store.runs.map((r) => r.status)).toEqual(['abandoned', 'succeeded']);
    expect(store.locks.size).toBe(0);
  });
});

describe('missed slots after downtime', () => {
  function downtime(policy: CatchUpPolicy) {
    const ran: string[] = [];
    const j = job('hourly', async (ctx) => (ran.push(iso(ctx.scheduledFor)), { rows: 0 }), { policy });
    const { clock, store, scheduler } = setup([j], at('2026-03-02T08:00:30Z'));
    return { ran, clock, store, scheduler, j };
  }

  it('catch_up runs every missed slot, oldest first, then nothing more', async () => {
    const { ran, clock, store, scheduler } = downtime('catch_up');
    // A previous process settled 08:00, then the machine was off until 11:30.
    await store.insert({ job: 'hourly', scheduledFor: at('2026-03-02T08:00Z'), attempt: 1, status: 'succeeded', trigger: 'schedule', owner: 'old', started: 0, finished: 0, rows: 0, error: null, detail: null });
    clock.set(at('2026-03-02T11:30Z'));
    await scheduler.poll();
    expect(ran).toEqual(['2026-03-02T09:00:00.000Z', '2026-03-02T10:00:00.000Z', '2026-03-02T11:00:00.000Z']);
    expect(store.runs.filter((r) => r.owner === 'A').map((r) => r.trigger)).toEqual(['catch_up', 'catch_up', 'catch_up']);
    await scheduler.poll();
    expect(ran).toHaveLength(3);
  });

  it('skip records the missed slots once and runs only on-time slots', async () => {
    const { ran, clock, store, scheduler } = downtime('skip');
    await store.insert({ job: 'hourly', scheduledFor: at('2026-03-02T08:00Z'), attempt: 1, status: 'succeeded', trigger: 'schedule', owner: 'old', started: 0, finished: 0, rows: 0, error: null, detail: null });
    clock.set(at('2026-03-02T11:30Z'));
    await scheduler.poll();
    expect(ran).toEqual([]);
    const skipped = store.runs.filter((r) => r.status === 'skipped');
    expect(skipped).toHaveLength(1);
    expect(iso(skipped[0]!.scheduledFor)).toBe('2026-03-02T11:00:00.000Z');
    expect(JSON.parse(skipped[0]!.detail!)).toMatchObject({ policy: 'skip', count: 3, first: '2026-03-02T09:00:00.000Z' });
    clock.set(at('2026-03-02T12:00:40Z'));
    await scheduler.poll();
    expect(ran).toEqual(['2026-03-02T12:00:00.000Z']);
  });

  it('skip still runs a slot that is late by less than the grace', async () => {
    const { ran, clock, scheduler } = downtime('skip');
    clock.set(at('2026-03-02T09:03Z'));
    await scheduler.poll();
    expect(ran).toEqual(['2026-03-02T09:00:00.000Z']);
  });

  it('catch_up is bounded by maxCatchUp: the oldest slots are skipped', async () => {
    const ran: number[] = [];
    const { clock, store, scheduler } = setup([job('hourly', async (c) => (ran.push(c.scheduledFor), { rows: 0 }), { maxCatchUp: 2 })]);
    clock.set(at('2026-03-02T13:10Z'));
    await scheduler.poll();
    expect(ran.map(iso)).toEqual(['2026-03-02T12:00:00.000Z', '2026-03-02T13:00:00.000Z']);
    expect(JSON.parse(store.runs.find((r) => r.status === 'skipped')!.detail!).count).toBe(3);
  });

  it('a never-run job starts from the scheduler start, not from the epoch', async () => {
    const ran: number[] = [];
    const { clock, scheduler } = setup([job('hourly', async (c) => (ran.push(c.scheduledFor), { rows: 0 }))], at('2026-03-02T08:10Z'));
    clock.set(at('2026-03-02T08:59Z'));
    await scheduler.poll();
    expect(ran).toEqual([]);
    clock.set(at('2026-03-02T09:00:01Z'));
    await scheduler.poll();
    expect(ran.map(iso)).toEqual(['2026-03-02T09:00:00.000Z']);
  });
});

describe('retries', () => {
  it('backs off exponentially, records every attempt, then records the failure', async () => {
    let calls = 0;
    const j = job('flaky', async () => {
      calls++;
      throw new Error(`boom ${calls}`);
    }, { retry: { maxAttempts: 4, backoffMs: 1000, maxBackoffMs: 3000 } });
    const { clock, store, events, scheduler } = setup([j]);
    const done = scheduler.trigger('flaky', at('2026-03-02T08:00Z'), 'schedule');
    const waits: number[] = [];
    for (let i = 0; i < 3; i++) {
      while (clock.nextDeadline === undefined || clock.nextDeadline - clock.now() >= 30 * M) await tick();
      waits.push(clock.nextDeadline - clock.now());
      clock.advance(clock.nextDeadline - clock.now());
    }
    const outcome = await done;
    expect(waits).toEqual([1000, 2000, 3000]); // 1 s, 2 s, then capped at 3 s
    expect(outcome).toMatchObject({ status: 'failed', attempts: 4, error: 'Error: boom 4' });
    expect(store.runs.map((r) => [r.attempt, r.status, r.error])).toEqual([
      [1, 'retrying', 'Error: boom 1'],
      [2, 'retrying', 'Error: boom 2'],
      [3, 'retrying', 'Error: boom 3'],
      [4, 'failed', 'Error: boom 4'],
    ]);
    expect(store.locks.size).toBe(0);
    expect(events.filter((e) => e.type === 'attempt.end').map((e) => (e as { retryInMs: number | null }).retryInMs)).toEqual([1000, 2000, 3000, null]);
    // A failed slot is settled: the next poll does not retry it.
    expect((await store.lastSettled()).get('flaky')).toBe(at('2026-03-02T08:00Z'));
  });

  it('succeeds on a later attempt', async () => {
    let calls = 0;
    const j = job('flaky', async () => {
      if (++calls < 2) throw new Error('transient');
      return { rows: 7, detail: { ok: true } };
    });
    const { clock, store, scheduler } = setup([j]);
    const done = scheduler.trigger('flaky', at('2026-03-02T08:00Z'));
    while (clock.nextDeadline === undefined || clock.nextDeadline - clock.now() >= 30 * M) await tick();
    clock.advance(1000);
    expect(await done).toMatchObject({ status: 'succeeded', attempts: 2, rows: 7 });
    expect(store.runs.map((r) => [r.status, r.rows, r.detail])).toEqual([['retrying', null, null], ['succeeded', 7, '{"ok":true}']]);
  });

  it('does not retry an error marked retriable: false', async () => {
    const j = job('bad', async () => {
      throw new JobError('no such table', { retriable: false });
    });
    const { store, scheduler } = setup([j]);
    expect((await scheduler.trigger('bad', at('2026-03-02T08:00Z'))).status).toBe('failed');
    expect(store.runs).toHaveLength(1);
  });
});

describe('time zones', () => {
  it('Asia/Shanghai: a 06:00 daily job fires at 22:00 UTC', async () => {
    const ran: number[] = [];
    const j = job('daily', async (c) => (ran.push(c.scheduledFor), { rows: 0 }), { schedule: parseCron('0 6 * * *'), timeZone: 'Asia/Shanghai' });
    const { clock, scheduler } = setup([j], at('2026-03-02T12:00Z'));
    clock.set(at('2026-03-02T21:59Z'));
    await scheduler.poll();
    expect(ran).toEqual([]);
    clock.set(at('2026-03-02T22:00:10Z'));
    await scheduler.poll();
    expect(ran.map(iso)).toEqual(['2026-03-02T22:00:00.000Z']);
  });

  it('Europe/Rome: a 02:30 daily job runs once on the spring-forward and fall-back days, polled every minute', async () => {
    for (const [from, to, expected] of [
      ['2026-03-28T12:00Z', '2026-03-30T12:00Z', ['2026-03-29T01:30:00.000Z', '2026-03-30T00:30:00.000Z']],
      ['2026-10-24T12:00Z', '2026-10-26T12:00Z', ['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z']],
    ] as const) {
      const ran: number[] = [];
      const j = job('daily', async (c) => (ran.push(c.scheduledFor), { rows: 0 }), { schedule: parseCron('30 2 * * *'), timeZone: 'Europe/Rome' });
      const { clock, scheduler } = setup([j], at(from));
      for (let t = at(from); t <= at(to); t += M) {
        clock.set(t);
        await scheduler.poll();
      }
      expect(ran.map(iso)).toEqual(expected);
    }
  });
});

describe('stop (SIGTERM)', () => {
  it('waits for the running job to finish, without aborting it, and starts nothing after', async () => {
    const g = gate();
    let signal: AbortSignal | undefined;
    const j = job('long', async (ctx) => {
      signal = ctx.signal;
      return g.task(ctx);
    });
    const other = gate();
    const { store, scheduler } = setup([j, job('other', other.task)]);
    const running = scheduler.trigger('long', at('2026-03-02T08:00Z'));
    const queued = scheduler.trigger('other', at('2026-03-02T08:00Z'));
    await tick();
    let stopped = false;
    const stopping = scheduler.stop().then(() => (stopped = true));
    await tick();
    expect(stopped).toBe(false);
    expect(signal?.aborted).toBe(false);
    g.release();
    await stopping;
    expect((await running).status).toBe('succeeded');
    expect((await queued).status).toBe('aborted');
    expect(other.calls).toEqual([]);
    expect(store.runs.map((r) => [r.job, r.status])).toEqual([['long', 'succeeded']]);
    await scheduler.poll();
    expect(store.runs).toHaveLength(1);
  });

  it('abort() aborts the running attempt; it is recorded aborted and the slot stays due', async () => {
    const j = job('long', (ctx) => new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason))));
    const { store, scheduler } = setup([j]);
    const running = scheduler.trigger('long', at('2026-03-02T08:00Z'), 'schedule');
    await tick();
    await scheduler.abort(new Error('SIGTERM twice'));
    expect((await running).status).toBe('aborted');
    expect(store.runs[0]).toMatchObject({ status: 'aborted', error: 'Error: SIGTERM twice' });
    expect((await store.lastSettled()).has('long')).toBe(false);
  });

  it('a graceful stop during a backoff wait ends the slot without another attempt', async () => {
    const j = job('flaky', async () => {
      throw new Error('down');
    });
    const { clock, store, scheduler } = setup([j]);
    const done = scheduler.trigger('flaky', at('2026-03-02T08:00Z'));
    while (clock.nextDeadline === undefined || clock.nextDeadline - clock.now() >= 30 * M) await tick();
    await scheduler.stop();
    expect((await done).status).toBe('retrying');
    expect(store.runs).toHaveLength(1);
    expect(store.locks.size).toBe(0);
  });

  it('an attempt running past its lease is aborted', async () => {
    const j = job('stuck', (ctx) => new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason))), { leaseMs: 10 * M });
    const { clock, store, scheduler } = setup([j]);
    const done = scheduler.trigger('stuck', at('2026-03-02T08:00Z'));
    await tick();
    clock.advance(10 * M);
    expect((await done).status).toBe('aborted');
    expect(store.runs[0]!.error).toMatch(/LeaseExpiredError.*lease of 600000 ms/);
  });
});

