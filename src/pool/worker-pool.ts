// One pool of worker threads for every kind of task (src/runner/pool-worker.ts serves them all).
// It knows task kinds and payloads, nothing of MeTTa.
//
// Tasks wait in one queue on the owning thread. Threads pull: each is posted at most one task to
// run and `prefetch` more, so it never waits for a round trip. The owning thread takes tasks from
// the same queue (`steal`): a queued task, or a posted one its thread has not started (a shared
// claim cell decides, protocol.ts), so the owner is never left waiting on work nobody runs, and a
// pool whose threads are slow to start, or never start, costs nothing but the owner's own time.
//
// Threads start one at a time, each after the previous one reported ready, up to the cores (more
// only while tasks are queued), and never more than 4 x the cores: a large count cannot exhaust
// memory. A thread that dies fails the task it was running (its unstarted tasks go back to the
// queue) and is replaced; threads that fail twice in a row to start make the pool unavailable.

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { log } from '../core/index.js';
import { CLAIMED, type FromWorker, type PoolWorkerData, STOLEN, type ToWorker, UNCLAIMED } from './protocol.js';

/** A task whose thread threw or died. */
export class TaskFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TaskFailedError';
  }
}

/** A task still waiting when the pool was closed (the run is over; its result is not wanted). */
export class PoolClosedError extends Error {
  constructor() {
    super('the worker pool is closed');
    this.name = 'PoolClosedError';
  }
}

/** How long close() waits for its threads to exit. */
const CLOSE_WAIT_MS = 2000;

/** The most threads one pool starts: 4 x the cores. */
export function maxPoolThreads(): number {
  return 4 * Math.max(1, availableParallelism());
}

type TaskState = 'queued' | 'posted' | 'settled' | 'stolen';

export class PoolTask<R = unknown> {
  state: TaskState = 'queued';
  /** The thread it was posted to, and its claim cell. */
  slot: Slot | null = null;
  cell = -1;
  readonly result: Promise<R>;
  resolve!: (value: R) => void;
  reject!: (e: Error) => void;

  constructor(
    readonly id: number,
    readonly kind: string,
    readonly payload: unknown,
    /** False for tasks that must run on a thread (tests injecting thread faults). */
    readonly stealable: boolean,
  ) {
    this.result = new Promise<R>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    // A task whose result nobody awaits any more (the batch ended) must not crash the process.
    this.result.catch(() => {});
  }
}

interface Slot {
  readonly worker: Worker;
  ready: boolean;
  readonly posted: Map<number, PoolTask>;
  error: string | null;
}

export interface WorkerPoolOptions {
  /** The compiled entry (may throw: not built). */
  readonly script: () => string;
  /** Threads wanted (clamped to maxPoolThreads()). */
  readonly threads: number;
  /** Passed to every thread (with the claim cells). */
  readonly workerData?: Readonly<Record<string, unknown>>;
  /** Tasks posted to a thread beyond the one it runs (0..2, default 2). */
  readonly prefetch?: number;
  /** Names the pool in log lines. */
  readonly name?: string;
  /** Told once, when no thread can start: the owner runs everything itself. */
  readonly onUnavailable?: (reason: string) => void;
}

export interface WorkerPoolStats {
  /** Tasks threads finished, and those that failed (threw or died). */
  tasks: number;
  faults: number;
  /** Sum of the task times measured on the threads, in milliseconds. */
  busyMs: number;
  /** Most threads that had work at once. */
  peakBusy: number;
  /** Tasks the owner took back to run itself. */
  stolen: number;
  threadsStarted: number;
}

export class WorkerPool {
  readonly threads: number;
  readonly stats: WorkerPoolStats = { tasks: 0, faults: 0, busyMs: 0, peakBusy: 0, stolen: 0, threadsStarted: 0 };
  private readonly name: string;
  private readonly prefetch: number;
  private readonly claims: Int32Array;
  private readonly freeCells: number[] = [];
  private readonly slots: Slot[] = [];
  private starting: Slot | null = null;
  private script: string | null = null;
  private started = false;
  private startFailures = 0;
  private stopStarting = false;
  private readonly urgent: PoolTask[] = [];
  private readonly queue: PoolTask[] = [];
  private queueHead = 0;
  private nextId = 1;
  private active: number;
  private listeners: (() => void)[] = [];
  /** Why no thread can run tasks (null while they can). */
  unavailable: string | null = null;
  closed = false;

  constructor(private readonly options: WorkerPoolOptions) {
    this.name = options.name ?? 'worker pool';
    const max = maxPoolThreads();
    if (options.threads > max) log('warn', `${this.name}: ${options.threads} threads asked for; starting at most ${max} (4 x ${max / 4} cores)`);
    this.threads = Math.max(0, Math.min(Math.floor(options.threads), max));
    this.active = this.threads;
    this.prefetch = Math.max(0, Math.min(2, options.prefetch ?? 2));
    const capacity = Math.max(1, this.threads * (this.prefetch + 1));
    this.claims = new Int32Array(new SharedArrayBuffer(capacity * 4));
    for (let c = capacity - 1; c >= 0; c--) this.freeCells.push(c);
  }

  /** Starts the threads (gradually); they load and warm up while the owner goes on. */
  start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    if (this.threads === 0) return this.fail('no threads');
    try {
      this.script = this.options.script();
    } catch (e) {
      return this.fail(describe(e));
    }
    this.startNext();
  }

  get isStarted(): boolean {
    return this.started;
  }

  /** Threads that can take tasks now. */
  get readyThreads(): number {
    let n = 0;
    for (const s of this.slots) if (s.ready) n++;
    return Math.min(n, this.active);
  }

  /** Limits the threads given tasks (the adaptive sizer); at least one. */
  setActive(n: number): void {
    this.active = Math.max(1, Math.min(this.threads, n));
  }

  /** Resolves at the next event: a reply, a thread ready or gone, the pool unavailable or closed. */
  changed(): Promise<void> {
    return new Promise((resolve) => this.listeners.push(resolve));
  }

  /**
   * True once a thread is ready; false when none ever will be, or none was within `timeoutMs` (a
   * thread that neither reports ready nor exits must not hang its waiter; the pool stays usable
   * if one is ready later).
   */
  async whenReady(timeoutMs = 60_000): Promise<boolean> {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      for (const wake of this.listeners.splice(0)) wake();
    }, timeoutMs);
    timer.unref();
    try {
      for (;;) {
        if (this.readyThreads > 0) return true;
        if (this.closed || this.unavailable !== null) return false;
        if (timedOut) {
          log('warn', `${this.name}: no thread ready after ${timeoutMs} ms`);
          return false;
        }
        await this.changed();
      }
    } finally {
      clearTimeout(timer);
    }
  }

  /** Queues a task (`urgent`: before every queued one). Its result settles when a thread ran it. */
  submit<R>(kind: string, payload: unknown, options: { urgent?: boolean; stealable?: boolean } = {}): PoolTask<R> {
    const task = new PoolTask<R>(this.nextId++, kind, payload, options.stealable ?? true);
    if (this.closed) {
      task.state = 'settled';
      task.reject(new PoolClosedError());
      return task;
    }
    if (!task.stealable && this.unavailable !== null) {
      task.state = 'settled';
      task.reject(new TaskFailedError(this.unavailable));
      return task;
    }
    (options.urgent === true ? this.urgent : this.queue).push(task as unknown as PoolTask);
    this.pump();
    if (this.slots.length < this.threads) this.startNext();
    return task;
  }

  /**
   * Takes a task back for the owner to run: true when no thread started it (it then never
   * settles); false when a thread runs or ran it.
   */
  steal<R>(task: PoolTask<R>): boolean {
    if (!task.stealable) return false;
    if (task.state === 'queued') {
      task.state = 'stolen';
      this.stats.stolen++;
      return true;
    }
    if (task.state === 'posted' && Atomics.compareExchange(this.claims, task.cell, UNCLAIMED, STOLEN) === UNCLAIMED) {
      // The thread skips it when it gets there (and frees the cell then).
      task.state = 'stolen';
      this.stats.stolen++;
      return true;
    }
    return false;
  }

  /** Whether the task waits in the queue (not posted to a thread yet). */
  isQueued<R>(task: PoolTask<R>): boolean {
    return task.state === 'queued';
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const list of [this.urgent, this.queue.slice(this.queueHead)]) for (const t of list) this.settleClosed(t);
    this.urgent.length = 0;
    this.queue.length = 0;
    this.queueHead = 0;
    for (const s of this.slots) for (const t of s.posted.values()) this.settleClosed(t);
    this.notify();
    // Threads are asked to exit between two tasks rather than terminated: one terminated while it
    // interns a symbol (loading the engine interns hundreds) would leave the shared intern table's
    // lock held, and every thread, this one included, would wait on it for good. A thread still
    // loading is left to finish (it is unreferenced, so it keeps no process alive) and asked to
    // exit when it reports ready. Ready threads are waited for, with a timer held so the owner's
    // event loop cannot end mid-close; one still busy with a task after CLOSE_WAIT_MS (a runaway
    // speculative form) is terminated.
    const ready = this.slots.filter((s) => s.ready);
    for (const s of this.slots) if (!s.ready) s.worker.unref();
    const exits = ready.map((s) => new Promise<void>((resolve) => s.worker.once('exit', () => resolve())));
    let timer: NodeJS.Timeout | undefined;
    try {
      for (const s of ready) s.worker.postMessage({ t: 'close' } satisfies ToWorker);
      const closed = await Promise.race([Promise.all(exits).then(() => true), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), CLOSE_WAIT_MS)))]);
      if (!closed) for (const s of ready) void s.worker.terminate();
    } finally {
      clearTimeout(timer);
    }
    this.slots.length = 0;
  }

  private settleClosed(t: PoolTask): void {
    // A posted task not started yet is taken back, so its thread skips it and exits sooner.
    if (t.state === 'posted') Atomics.compareExchange(this.claims, t.cell, UNCLAIMED, STOLEN);
    if (t.state === 'queued' || t.state === 'posted') {
      t.state = 'settled';
      t.reject(new PoolClosedError());
    }
  }

  private notify(): void {
    const listeners = this.listeners;
    this.listeners = [];
    for (const l of listeners) l();
  }

  private fail(reason: string): void {
    if (this.unavailable !== null) return;
    this.unavailable = reason;
    log('debug', `${this.name}: unavailable: ${reason}`);
    this.options.onUnavailable?.(reason);
    // Tasks that only a thread may run fail; the rest wait for the owner to take them.
    for (const t of [...this.urgent, ...this.queue.slice(this.queueHead)]) {
      if (!t.stealable && t.state === 'queued') {
        t.state = 'settled';
        t.reject(new TaskFailedError(reason));
      }
    }
    this.notify();
  }

  private startNext(): void {
    if (!this.started || this.closed || this.unavailable !== null || this.stopStarting || this.starting !== null || this.script === null) return;
    if (this.slots.length >= this.threads) return;
    // Up to the cores, threads start ahead of demand; beyond, only while tasks wait.
    if (this.slots.length >= Math.max(1, availableParallelism()) && !this.hasQueued()) return;
    let worker: Worker;
    try {
      worker = new Worker(this.script, { workerData: { ...this.options.workerData, poolClaims: this.claims } satisfies PoolWorkerData });
    } catch (e) {
      this.startFailed(describe(e));
      return;
    }
    const slot: Slot = { worker, ready: false, posted: new Map(), error: null };
    this.slots.push(slot);
    this.starting = slot;
    this.stats.threadsStarted++;
    worker.on('message', (m: FromWorker) => this.onMessage(slot, m));
    worker.on('error', (e) => {
      slot.error = e.message;
    });
    worker.on('exit', (code) => this.onExit(slot, code));
  }

  private startFailed(reason: string): void {
    this.startFailures++;
    log('debug', `${this.name}: a thread could not start: ${reason}`);
    if (this.startFailures >= 2) {
      this.stopStarting = true;
      if (this.slots.every((s) => !s.ready)) this.fail(`its threads could not start: ${reason}`);
      return;
    }
    this.startNext();
  }

  private onMessage(slot: Slot, m: FromWorker): void {
    if (m.t === 'ready') {
      if (this.closed) {
        slot.worker.postMessage({ t: 'close' } satisfies ToWorker); // it was still loading at close()
        return;
      }
      slot.ready = true;
      this.startFailures = 0;
      // An idle thread does not keep the process alive (an owner that forgot close() can exit).
      slot.worker.unref();
      if (this.starting === slot) this.starting = null;
      log('debug', `${this.name}: thread ${this.stats.threadsStarted} of ${this.threads} ready`);
      this.pump();
      this.startNext();
      this.notify();
      return;
    }
    const task = slot.posted.get(m.id);
    if (task === undefined) return;
    slot.posted.delete(m.id);
    this.freeCells.push(task.cell);
    if (slot.posted.size === 0) slot.worker.unref();
    if (m.t !== 'skipped' && task.state === 'posted') {
      task.state = 'settled';
      this.stats.tasks++;
      if (m.t === 'done') {
        this.stats.busyMs += m.ms;
        task.resolve(m.value);
      } else {
        this.stats.faults++;
        task.reject(new TaskFailedError(m.message));
      }
    }
    this.pump();
    this.notify();
  }

  private onExit(slot: Slot, code: number): void {
    const at = this.slots.indexOf(slot);
    if (at >= 0) this.slots.splice(at, 1);
    if (this.starting === slot) this.starting = null;
    const back: PoolTask[] = [];
    for (const task of slot.posted.values()) {
      const cell = Atomics.load(this.claims, task.cell);
      this.freeCells.push(task.cell);
      if (task.state !== 'posted') continue;
      if (cell === CLAIMED) {
        task.state = 'settled';
        this.stats.tasks++;
        this.stats.faults++;
        task.reject(new TaskFailedError(slot.error ?? `the worker thread exited (code ${code})`));
      } else {
        // Never started: back to the front of the queue, in order.
        task.state = 'queued';
        task.slot = null;
        back.push(task);
      }
    }
    slot.posted.clear();
    this.urgent.unshift(...back);
    if (this.closed) return;
    if (!slot.ready) this.startFailed(slot.error ?? `the thread exited (code ${code}) before it was ready`);
    else {
      log('debug', `${this.name}: a thread exited (code ${code}); starting a replacement`);
      this.startNext();
    }
    this.pump();
    this.notify();
  }

  private hasQueued(): boolean {
    return this.urgent.some((t) => t.state === 'queued') || this.queue.slice(this.queueHead).some((t) => t.state === 'queued');
  }

  private nextTask(): PoolTask | undefined {
    while (this.urgent.length > 0) {
      const t = this.urgent.shift()!;
      if (t.state === 'queued') return t;
    }
    while (this.queueHead < this.queue.length) {
      const t = this.queue[this.queueHead++]!;
      if (t.state === 'queued') return t;
    }
    this.queue.length = 0;
    this.queueHead = 0;
    return undefined;
  }

  /** Posts queued tasks to ready threads, up to one running and `prefetch` waiting each. */
  private pump(): void {
    if (this.closed) return;
    let busy = 0;
    let given = 0;
    for (const slot of this.slots) {
      if (!slot.ready || given >= this.active) continue;
      given++;
      while (slot.posted.size < 1 + this.prefetch) {
        const task = this.nextTask();
        if (task === undefined) break;
        this.post(slot, task);
      }
      if (slot.posted.size > 0) busy++;
    }
    this.stats.peakBusy = Math.max(this.stats.peakBusy, busy);
  }

  private post(slot: Slot, task: PoolTask): void {
    const cell = this.freeCells.pop()!;
    Atomics.store(this.claims, cell, UNCLAIMED);
    task.state = 'posted';
    task.slot = slot;
    task.cell = cell;
    slot.posted.set(task.id, task);
    slot.worker.ref();
    try {
      slot.worker.postMessage({ t: 'task', id: task.id, cell, kind: task.kind, payload: task.payload } satisfies ToWorker);
    } catch (e) {
      // A payload that cannot be copied to a thread: that task fails, the pool goes on.
      slot.posted.delete(task.id);
      this.freeCells.push(cell);
      task.state = 'settled';
      task.reject(new TaskFailedError(describe(e)));
    }
  }
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
