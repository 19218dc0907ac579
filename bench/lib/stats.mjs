// Summaries over repeated rounds. The median, not the mean, so that one round disturbed by
// other work on the machine does not move the headline figure.

/** The median of `values` (the mean of the middle two for an even count). */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** `{ median, min, max }` of `values`: the figure and how much it moved between rounds. */
export function spread(values) {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

/** The nearest-rank `p`th percentile of ascending `sorted` (an array or typed array), or null. */
export function percentile(sorted, p) {
  return sorted.length ? sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] : null;
}
