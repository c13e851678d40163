// The server's one queue for work that writes the ledger: receiver micro-batches and commands handed over by the CLI
// run one at a time, in arrival order (design decision 5: one writer, and inside it one ingest at a time).

export class WorkQueue {
  private tail: Promise<void> = Promise.resolve();
  private queued = 0;

  /** Runs `job` after every job queued before it has settled; its result or error is the caller's alone. */
  run<T>(job: () => Promise<T>): Promise<T> {
    this.queued += 1;
    const result = this.tail.then(job);
    this.tail = result.then(
      () => {
        this.queued -= 1;
      },
      () => {
        this.queued -= 1;
      },
    );
    return result;
  }

  /** Jobs waiting or running. */
  get size(): number {
    return this.queued;
  }

  /** Resolves once every job queued so far has settled. */
  idle(): Promise<void> {
    return this.tail;
  }
}
