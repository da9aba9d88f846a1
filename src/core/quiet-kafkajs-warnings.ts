/**
 * kafkajs schedules timers with negative delays on Node ≥ 23 (its request queue computes
 * `throttledUntil - Date.now()` with `throttledUntil` at -1 when nothing throttles): Node prints a
 * TimeoutNegativeWarning and clamps the delay to 1 ms, which is harmless. Drops that warning from
 * the process's output and keeps every other one. Call once, at process start.
 */
export function quietKafkajsTimerWarnings(): void {
  const builtin = process.listeners('warning');
  process.removeAllListeners('warning');
  process.on('warning', (w) => {
    if (w.name === 'TimeoutNegativeWarning') return;
    for (const l of builtin) l(w);
  });
}
