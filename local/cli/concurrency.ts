/**
 * Maps items with at most `limit` calls of `work` running at once; results keep item order.
 * Raises a RangeError unless `limit` is an integer of at least 1, because a smaller limit
 * would start no worker and return without calling `work`.
 */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  if (!(Number.isInteger(limit) && limit >= 1)) {
    throw new RangeError(`invalid concurrency limit ${limit}: use an integer of at least 1`);
  }
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await work(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
