// Runs `fn` over items with at most `limit` calls in flight and returns the results in input
// order. On the first failure no new call starts, the calls still running are told to stop
// through the signal they were given, and that first error is thrown.

export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number, signal: AbortSignal) => Promise<R>,
  signal?: AbortSignal,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  const stop = new AbortController();
  const combined = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
  let next = 0;
  let failure: { error: unknown } | undefined;

  const worker = async () => {
    while (!failure && !combined.aborted && next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i]!, i, combined);
      } catch (error) {
        // Only the first failure is reported; the aborts it causes in sibling calls are noise.
        if (!failure) {
          failure = { error };
          stop.abort(error);
        }
      }
    }
  };

  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker);
  await Promise.all(workers);
  if (failure) throw failure.error;
  if (signal?.aborted) throw signal.reason;
  return results;
}
