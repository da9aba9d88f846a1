import cron from 'node-cron';

/** A running heartbeat; {@link stop} ends it. */
export interface Heartbeat {
  stop(): Promise<void>;
}

/**
 * Calls `onTick` at second 0 of every minute, with node-cron as the live timer. The ticks carry no
 * schedule meaning: the scheduler works out due slots itself (in each job's time zone, DST included),
 * so a tick lost to a suspended machine or a busy event loop is caught up at the next one.
 */
export function startCronHeartbeat(onTick: () => void): Heartbeat {
  const task = cron.schedule('* * * * *', () => onTick(), {
    name: 'citypulse-jobs-heartbeat',
    timezone: 'UTC',
    // A missed tick is harmless (see above), so node-cron need not warn about it.
    suppressMissedWarning: true,
  });
  return {
    async stop() {
      await task.destroy();
    },
  };
}
