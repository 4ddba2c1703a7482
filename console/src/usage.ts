/**
 * Cost and token usage from a task's results (waldiez 0.7.1: a list of runs, each with
 * `cost: {usage_including_cached_inference: {total_cost, <model>: {cost, prompt_tokens, …}}, …}`,
 * sometimes as JSON text). Pure: unit-tested in Node.
 */
import { isObject } from './frames';

export interface ModelUsage {
  model: string;
  cost: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export interface Usage {
  totalCost: number;
  models: ModelUsage[];
}

/** null when the results carry no cost at all (most offline flows). */
export function usageOf(results: unknown): Usage | null {
  const runs = Array.isArray(results) ? results : results == null ? [] : [results];
  const byModel = new Map<string, ModelUsage>();
  let totalCost = 0;
  let found = false;
  for (const run of runs) {
    if (!isObject(run)) {
      continue;
    }
    let cost: unknown = run.cost;
    if (typeof cost === 'string') {
      try {
        cost = JSON.parse(cost);
      } catch {
        continue;
      }
    }
    if (!isObject(cost)) {
      continue;
    }
    const usage = isObject(cost.usage_including_cached_inference) ? cost.usage_including_cached_inference : cost;
    for (const [key, value] of Object.entries(usage)) {
      if (key === 'total_cost' && typeof value === 'number') {
        totalCost += value;
        found = true;
      } else if (isObject(value)) {
        const m = byModel.get(key) ?? { model: key, cost: 0, promptTokens: 0, completionTokens: 0, totalTokens: 0 };
        m.cost += num(value.cost);
        m.promptTokens += num(value.prompt_tokens);
        m.completionTokens += num(value.completion_tokens);
        m.totalTokens += num(value.total_tokens) || num(value.prompt_tokens) + num(value.completion_tokens);
        byModel.set(key, m);
        found = true;
      }
    }
  }
  return found ? { totalCost, models: [...byModel.values()] } : null;
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}
