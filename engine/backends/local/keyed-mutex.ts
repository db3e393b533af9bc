// Named in-process locks. DuckDB resolves concurrent writers optimistically (the loser of a
// write-write race fails and must retry), and it only detects conflicts on rows both sides wrote, so
// read-modify-write of state is not serializable by itself. Serializing the writers of one logical
// resource inside the process (the only process that can open the file) makes those transactions
// serializable and avoids needless conflict retries.
import { AsyncLocalStorage } from 'node:async_hooks';

interface Held {
  key: string;
  released: boolean;
}

export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();
  /** Keys held by the current async context, to turn a would-be deadlock into an error. */
  private readonly held = new AsyncLocalStorage<readonly Held[]>();

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const outer = this.held.getStore() ?? [];
    if (outer.some((h) => h.key === key && !h.released)) {
      throw new Error(
        `lock "${key}" is already held by this call chain: a transaction was started inside another ` +
          `transaction on the same database, which would wait for itself forever — finish the outer one first`,
      );
    }
    const prev = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = prev.then(() => mine);
    this.tails.set(key, tail);
    await prev;
    const token: Held = { key, released: false };
    try {
      return await this.held.run([...outer, token], fn);
    } finally {
      token.released = true;
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
