// Targets measured in alternating rounds, summarised by medians, compared by per-round ratios:
// the shape every suite shares. Several rounds because this machine may be shared and one round
// can be disturbed; the order flips every round so slow drift on the machine favours no target.
import { median, spread } from './stats.mjs';

/**
 * Measures every target once per round, for `rounds` rounds, in order on even rounds and in
 * reverse on odd ones. Resolves to one `{ [target.name]: result }` per round.
 *
 * @example
 * const rounds = await alternatingRounds(targets, ctx.rounds, (target) => measureIt(target));
 */
export async function alternatingRounds(targets, rounds, measure) {
  const all = [];
  for (let round = 0; round < rounds; round++) {
    const results = {};
    for (const target of round % 2 ? [...targets].reverse() : targets) {
      results[target.name] = await measure(target, round);
    }
    all.push(results);
  }
  return all;
}

/**
 * One row per target: `{ target: name, [key]: median over rounds of fields[key](result) }`.
 * A field that is missing in a result (say, no /proc/stat) gives NaN, printed as "–".
 */
export function medianRows(targets, rounds, fields) {
  return targets.map(({ name }) => {
    const row = { target: name };
    for (const [key, pick] of Object.entries(fields)) row[key] = median(rounds.map((results) => pick(results[name]) ?? NaN));
    return row;
  });
}

/**
 * `{ median, min, max }` of `pick(numerator) / pick(denominator)` taken within each round (both
 * targets measured seconds apart), then summarised: not the ratio of the medians.
 */
export function roundRatio(rounds, numerator, denominator, pick) {
  return spread(rounds.map((results) => pick(results[numerator]) / pick(results[denominator])));
}
