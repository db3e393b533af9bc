// One reconcile pass at a time per instance. Cloud Scheduler calls /reconcile on a timer whatever the
// last call is doing, and a pass can wait a minute on a lock a crashed process left (Firestore keeps a
// dead transaction's locks until it expires); overlapping passes would only retry the same contended
// transactions side by side. Calls that arrive while a pass runs share ONE next pass, which starts after
// the running one ends — so every caller gets a pass that began after it called.
export function coalesced<T>(fn: () => Promise<T>): () => Promise<T> {
  let running: Promise<T> | undefined;
  let next: Promise<T> | undefined;
  const start = (): Promise<T> => {
    const p = fn().finally(() => {
      if (running === p) running = undefined;
    });
    running = p;
    return p;
  };
  return () => {
    if (!running) return start();
    next ??= running.then(
      () => undefined,
      () => undefined,
    ).then(() => {
      next = undefined;
      return start();
    });
    return next;
  };
}
