import type { SignallingKind } from '../../../schemas/events.ts';
import type { DayPlan } from '../people/build-day-plan.ts';
import type { Segment, XY } from '../people/segment.ts';
import type { Subscriber } from '../people/subscriber.ts';
import { Rng } from '../rng.ts';
import { BURSTS_PER_HOUR } from './activity-profile.ts';
import type { DeviceWorld } from './device-world.ts';

const S = 1_000;
const MIN = 60_000;
const H = 3_600_000;
const DAY = 86_400_000;
const MAX_RATE = Math.max(...BURSTS_PER_HOUR);
/** Bounds of the interval between serving-cell checks on the move. */
const MIN_CHECK = 5 * S;
const MAX_CHECK = 60 * S;
/** Checks on the move are at least this far apart, m (a cell visit shorter than this may be skipped). */
const MIN_STEP_M = 150;

/**
 * The network-side life of one device: follows its day plan and emits, at the true position's
 * serving cell, periodic TAU (every `tauMs` of silence), handovers when the serving cell changes on
 * the move, call/sms/data bursts (with paging before incoming ones), detach at night and attach in the
 * morning for night-off phones, and GPS fixes for devices that have them. Nothing while detached.
 *
 * Drive it with `while (device.next < sliceEnd) device.step()`.
 */
export class Device {
  readonly sub: Subscriber;
  readonly #rng: Rng;
  readonly #world: DeviceWorld;
  /** The timeline: the current day's plan (plus a move carried over midnight). */
  segs: Segment[] = [];
  /** Index of the current segment. */
  seg = 0;
  /** Index of the first segment the truth still needs. */
  truthSeg = 0;
  attached: boolean;
  /** This day's phone-on time (-Infinity when on at midnight) and phone-off time (Infinity when none). */
  attachAt = -Infinity;
  detachAt = Infinity;
  /** Earliest pending action, epoch ms. */
  next = Infinity;
  #cell = '';
  #cellUntil = -Infinity;
  /** Speed of the current move, m/ms. */
  #speed = 0;
  /** How far the device can go before its serving cell could change, m (from the last lookup). */
  #margin = 0;
  #lastSignal = -Infinity;
  #nextSeg = Infinity;
  #nextSwitch = Infinity;
  #nextMove = Infinity;
  #nextTau = Infinity;
  #nextBurst = Infinity;
  #nextFix = Infinity;
  /** Next ping-pong action (start or end of an episode). */
  #nextPing = Infinity;
  /** The serving cell to return to while a ping-pong episode lasts, else ''. */
  #pingFrom = '';
  readonly #pingRng: Rng;
  readonly #pos: XY = { x: 0, y: 0 };

  constructor(sub: Subscriber, seed: number, world: DeviceWorld) {
    this.sub = sub;
    this.#rng = Rng.seeded(seed, 0xde7, sub.index);
    this.#pingRng = Rng.seeded(seed, 0x9199, sub.index);
    this.#world = world;
    this.attached = !sub.nightOff;
  }

  /** Installs the plan of a new day at `t` (midnight); a move in progress is finished first. */
  setPlan(plan: DayPlan, t: number): void {
    const cur = this.segs[this.seg];
    const first = this.segs.length === 0;
    this.segs = cur && cur.moving && cur.to > t ? [cur, ...plan.segments] : plan.segments;
    this.seg = 0;
    this.truthSeg = 0;
    this.attachAt = plan.attachAt;
    this.detachAt = plan.detachAt;
    this.#nextSeg = this.segs[0]!.to;
    if (!this.segs[0]!.moving) this.#nextMove = Infinity;
    if (this.attached) {
      this.#nextSwitch = plan.detachAt;
      if (first) {
        // Random TAU phase at the start of the run: the devices did not all attach at midnight.
        this.#nextTau = t + Math.floor(this.#rng.next() * this.#world.tauMs);
        this.#nextBurst = this.#burstAfter(t);
        this.#nextFix = this.#fixAfter(t);
        if (!this.segs[0]!.moving) this.#nextPing = this.#pingAfter(t);
      }
    } else this.#nextSwitch = Number.isFinite(plan.attachAt) ? plan.attachAt : t;
    this.#refresh();
  }

  /** Performs the earliest pending action. */
  step(): void {
    const t = this.next;
    if (t === this.#nextSeg) this.#advance(t);
    else if (t === this.#nextSwitch) this.#switch(t);
    else if (t === this.#nextMove) this.#moveCheck(t);
    else if (t === this.#nextTau) this.#emit(t, 'tau', this.#cellAt(t));
    else if (t === this.#nextBurst) this.#burst(t);
    else if (t === this.#nextPing) this.#ping(t);
    else this.#fix(t);
    this.#refresh();
  }

  #refresh(): void {
    this.next = Math.min(this.#nextSeg, this.#nextSwitch, this.#nextMove, this.#nextTau, this.#nextBurst, this.#nextFix, this.#nextPing);
  }

  #advance(t: number): void {
    const s = this.segs[++this.seg]!;
    this.#nextSeg = s.to;
    if (s.moving) {
      if (this.#pingFrom !== '') this.#cell = this.#pingFrom;
      this.#pingFrom = '';
      this.#nextPing = Infinity;
      this.#speed = s.maxSpeed;
      this.#nextMove = t + MIN_CHECK;
      if (this.attached && this.sub.fixes) this.#nextFix = Math.min(this.#nextFix, t + Math.round(this.#rng.range(20, 60) * S));
    } else {
      this.#nextMove = Infinity;
      if (this.attached) {
        this.#handover(t);
        this.#nextPing = this.#pingAfter(t);
      }
    }
  }

  /** Next ping-pong episode of a stationary phone (Poisson, {@link DeviceWorld.pingPongPerHour}). */
  #pingAfter(t: number): number {
    const rate = this.#world.pingPongPerHour;
    return rate > 0 ? t + 1 + Math.floor(this.#pingRng.exp(H / rate)) : Infinity;
  }

  /**
   * A ping-pong episode of a stationary phone: handed over to the neighbouring site's cell facing it,
   * then back after a short dwell (exponential, mean 40 s, at most 4 min). Records in between go
   * to the neighbour, as on a real network.
   */
  #ping(t: number): void {
    if (this.#pingFrom !== '') {
      if (this.#lastSignal >= t) {
        // A burst on the neighbour is still sending: the phone goes back once it is done.
        this.#nextPing = this.#lastSignal + 1_000;
        return;
      }
      const back = this.#pingFrom;
      this.#pingFrom = '';
      this.#cell = back;
      this.#emit(t, 'handover', back);
      this.#nextPing = this.#pingAfter(t);
      return;
    }
    const from = this.#cellAt(t);
    this.segs[this.seg]!.locate(t, this.#pos);
    const code = this.#world.index.neighbour(this.#pos.x, this.#pos.y, t);
    const to = code < 0 ? '' : this.#world.index.cellId(code);
    if (to === '' || to === from) {
      this.#nextPing = this.#pingAfter(t);
      return;
    }
    this.#pingFrom = from;
    this.#cell = to;
    this.#emit(t, 'handover', to);
    this.#nextPing = t + 1_000 + Math.floor(Math.min(4 * MIN - 1_000, this.#pingRng.exp(40 * S)));
  }

  /**
   * Checks the serving cell on the move, then schedules the next check for when the device may have
   * covered the margin the lookup reported (at least 150 m): sparse where cells are large.
   */
  #moveCheck(t: number): void {
    if (this.attached) this.#handover(t);
    else this.#cell = this.#serving(t);
    const wait = this.#speed > 0 ? Math.max(MIN_STEP_M, this.#margin) / this.#speed : MAX_CHECK;
    this.#nextMove = Math.min(this.#cellUntil, t + Math.round(Math.min(MAX_CHECK, Math.max(MIN_CHECK, wait))));
  }

  /** Re-selects the serving cell at the true position; a change is a handover. */
  #handover(t: number): void {
    const cell = this.#serving(t);
    if (cell === this.#cell) return;
    const had = this.#cell !== '';
    this.#cell = cell;
    if (had) this.#emit(t, 'handover', cell);
  }

  /** The serving cell at `t`: cached on a stay until the next re-plan, tracked by handovers on the move. */
  #cellAt(t: number): string {
    if (this.#cell === '' || t >= this.#cellUntil) this.#cell = this.#serving(t);
    return this.#cell;
  }

  /** Looks up the cell serving the true position at `t`. */
  #serving(t: number): string {
    const index = this.#world.index;
    this.segs[this.seg]!.locate(t, this.#pos);
    const code = index.serve(this.#pos.x, this.#pos.y, t);
    if (code < 0) throw new RangeError(`no cell site valid at ${t}`);
    this.#margin = index.margin;
    this.#cellUntil = this.#replanAfter(t);
    return index.cellId(code);
  }

  #replanAfter(t: number): number {
    for (const r of this.#world.replanTimes) if (r > t) return r;
    return Infinity;
  }

  /** Sends a signalling record; any signalling restarts the periodic TAU timer. */
  #emit(ts: number, event: SignallingKind, cell: string): void {
    this.#world.sink.signalling(ts, this.sub.imsi, cell, event);
    if (ts > this.#lastSignal) this.#lastSignal = ts;
    this.#nextTau = this.#lastSignal + this.#world.tauMs + Math.floor(this.#rng.next() * 5 * S);
  }

  #switch(t: number): void {
    if (this.attached) {
      if (this.#pingFrom !== '') this.#cell = this.#pingFrom;
      this.#pingFrom = '';
      this.#emit(t, 'detach', this.#cellAt(t));
      this.attached = false;
      this.#nextTau = this.#nextBurst = this.#nextFix = this.#nextSwitch = this.#nextPing = Infinity;
      return;
    }
    this.attached = true;
    this.#cell = '';
    this.#emit(t, 'attach', this.#cellAt(t));
    this.#nextBurst = this.#burstAfter(t);
    this.#nextFix = this.#fixAfter(t);
    if (!this.segs[this.seg]!.moving) this.#nextPing = this.#pingAfter(t);
    this.#nextSwitch = this.detachAt > t ? this.detachAt : Infinity;
  }

  /** Next candidate burst (thinning of a Poisson process at the peak rate). */
  #burstAfter(t: number): number {
    return t + 1 + Math.floor(this.#rng.exp(H / (MAX_RATE * this.sub.activity)));
  }

  #burst(t: number): void {
    const rng = this.#rng;
    this.#nextBurst = this.#burstAfter(t);
    const hour = Math.floor((((t - this.#world.start) % DAY) + DAY) % DAY / H);
    if (!rng.chance(BURSTS_PER_HOUR[hour]! / MAX_RATE)) return;
    const cell = this.#cellAt(t);
    const sink = this.#world.sink;
    const r = rng.next();
    let n = 0;
    const kinds: SignallingKind[] = [];
    const times: number[] = [];
    const add = (k: SignallingKind, dt: number) => {
      kinds.push(k);
      times.push(t + dt);
      n++;
    };
    if (r < 0.55) {
      const count = 1 + rng.int(3);
      let dt = 0;
      for (let i = 0; i < count; i++, dt += Math.round(rng.range(2, 20) * S)) add('data', dt);
    } else if (r < 0.97) {
      const kind: SignallingKind = r < 0.75 ? 'call' : 'sms';
      if (rng.chance(kind === 'call' ? 0.5 : 0.6)) {
        add('paging', 0);
        add(kind, Math.round(rng.range(1, 3) * S));
      } else add(kind, 0);
    } else add('paging', 0);
    const batch = n > 1 && rng.chance(this.#world.arrayRate);
    if (batch) sink.openBatch();
    for (let i = 0; i < n; i++) this.#emit(times[i]!, kinds[i]!, cell);
    if (batch) sink.closeBatch();
  }

  #fixAfter(t: number): number {
    if (!this.sub.fixes) return Infinity;
    const s = this.segs[this.seg];
    const rng = this.#rng;
    if (s && s.moving) return t + Math.round(rng.range(20, 60) * S);
    const hour = Math.floor((((t - this.#world.start) % DAY) + DAY) % DAY / H);
    return t + Math.round((hour < 6 ? rng.range(30, 90) : rng.range(5, 20)) * MIN);
  }

  #fix(t: number): void {
    this.#nextFix = this.#fixAfter(t);
    const s = this.segs[this.seg]!;
    s.locate(t, this.#pos);
    const rng = this.#rng;
    // Outdoors on the move GPS is sharp; indoors it is wider. σ per axis so that ~68 % fall within it.
    const acc = Math.round((s.moving ? 4 + rng.exp(8) : 10 + rng.exp(25)) * 10) / 10;
    const sd = acc / 1.51;
    this.#world.sink.fix(t, this.sub.imsi, this.#pos.x + rng.normal(0, sd), this.#pos.y + rng.normal(0, sd), acc);
  }
}
