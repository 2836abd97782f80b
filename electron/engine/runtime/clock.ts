/**
 * Time as the engine sees it. The app uses wall time; `simulate` and tests use a virtual clock
 * so a 12-second scenario runs in milliseconds and every run gives the same events.
 */
export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
}

export const wallClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(t) };
  },
};

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/**
 * A clock that only moves when told to: `runUntil` fires timers in time order. Timers sit in a binary
 * heap: a day-long scenario schedules tens of thousands of steps up front, and scanning them all on
 * every fired timer made run time grow with the square of the step count.
 */
export class VirtualClock implements Clock {
  private current: number;
  private seq = 0;
  private readonly heap: Timer[] = [];
  private cancelledInHeap = 0;

  constructor(startMs = 0) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer: Timer = { at: this.current + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    push(this.heap, timer);
    return { cancel: () => this.cancel(timer) };
  }

  /** The next live timer's time, or null. */
  nextAt(): number | null {
    this.dropCancelledTop();
    return this.heap[0]?.at ?? null;
  }

  /**
   * Fire timers in order up to `endMs`. `settle` runs after each timer so async work it started
   * (session creation, queued actions) completes before time moves on.
   */
  async runUntil(endMs: number, settle: () => Promise<void>): Promise<void> {
    for (;;) {
      const at = this.nextAt();
      if (at === null || at > endMs) break;
      const due = pop(this.heap) as Timer;
      this.current = at;
      due.fn();
      await settle();
    }
    this.current = Math.max(this.current, endMs);
  }

  private cancel(timer: Timer): void {
    if (timer.cancelled) return;
    timer.cancelled = true;
    this.cancelledInHeap++;
    // Cancelled timers leave lazily; rebuild when they are most of the heap so it cannot grow without bound.
    if (this.cancelledInHeap > 64 && this.cancelledInHeap * 2 > this.heap.length) this.compact();
  }

  private dropCancelledTop(): void {
    while (this.heap[0]?.cancelled === true) {
      pop(this.heap);
      this.cancelledInHeap--;
    }
  }

  private compact(): void {
    const live = this.heap.filter((t) => !t.cancelled);
    this.heap.length = 0;
    for (const t of live) push(this.heap, t);
    this.cancelledInHeap = 0;
  }
}

function earlier(a: Timer, b: Timer): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

function push(heap: Timer[], timer: Timer): void {
  heap.push(timer);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!earlier(heap[i] as Timer, heap[parent] as Timer)) break;
    swap(heap, i, parent);
    i = parent;
  }
}

function pop(heap: Timer[]): Timer | undefined {
  const top = heap[0];
  const last = heap.pop();
  if (top === undefined || last === undefined || heap.length === 0) return top;
  heap[0] = last;
  for (let i = 0; ;) {
    const smallest = smallestOf(heap, i);
    if (smallest === i) return top;
    swap(heap, i, smallest);
    i = smallest;
  }
}

function smallestOf(heap: Timer[], i: number): number {
  let smallest = i;
  for (const child of [2 * i + 1, 2 * i + 2]) {
    if (child < heap.length && earlier(heap[child] as Timer, heap[smallest] as Timer)) smallest = child;
  }
  return smallest;
}

function swap(heap: Timer[], a: number, b: number): void {
  const t = heap[a] as Timer;
  heap[a] = heap[b] as Timer;
  heap[b] = t;
}
