// Interleaves several async iterables (one per choice when n > 1) in arrival order, tagging each
// item with its source index. Ending early (client gone, error) returns every source, so each
// upstream connection is released.

export type Tagged<T> = { index: number; value: T };

export async function* mergeStreams<T>(sources: AsyncIterable<T>[]): AsyncGenerator<Tagged<T>> {
  const iterators = sources.map((s) => s[Symbol.asyncIterator]());
  if (iterators.length === 1) {
    // The common case, without the race bookkeeping.
    try {
      for (;;) {
        const r = await iterators[0]!.next();
        if (r.done) return;
        yield { index: 0, value: r.value };
      }
    } finally {
      await iterators[0]!.return?.();
    }
  }
  const pending = new Map<number, Promise<{ index: number; result: IteratorResult<T> }>>();
  const pull = (index: number) =>
    pending.set(
      index,
      iterators[index]!.next().then((result) => ({ index, result })),
    );
  iterators.forEach((_, i) => pull(i));
  try {
    while (pending.size > 0) {
      const { index, result } = await Promise.race(pending.values());
      if (result.done) {
        pending.delete(index);
        continue;
      }
      pull(index);
      yield { index, value: result.value };
    }
  } finally {
    await Promise.allSettled(iterators.map((it) => it.return?.() ?? Promise.resolve()));
  }
}
