/**
 * Walks a graph in dependency order (a node starts once all its dependencies finished) or in reverse
 * (a node starts once all its dependents finished), running up to `parallel` visits at once (-1: unlimited).
 * A failed visit stops new visits from starting; visits already running finish; the first error is thrown
 * after they settle, so callers can report which node failed and leave the rest as docker compose does.
 */
import type { Graph } from './graph.js';

export interface WalkOptions {
  parallel: number;
  reverse?: boolean;
  /** Only these nodes are visited (others count as done); default all. */
  only?: Set<string>;
}

export class WalkError extends Error {
  constructor(readonly node: string, override readonly cause: unknown) {
    super(`${node}: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

export async function walk<T>(graph: Graph<T>, visit: (name: string, value: T) => Promise<void>, opts: WalkOptions): Promise<void> {
  graph.assertAcyclic();
  const selected = graph.names().filter((n) => !opts.only || opts.only.has(n));
  const waitsOn = (n: string) => (opts.reverse ? graph.dependentsOf(n) : graph.dependenciesOf(n)).filter((d) => selected.includes(d));
  const pending = new Map(selected.map((n) => [n, new Set(waitsOn(n))]));
  const limit = opts.parallel > 0 ? opts.parallel : Infinity;
  let running = 0;
  let failure: WalkError | undefined;

  return new Promise<void>((resolve, reject) => {
    const pump = () => {
      if (failure) {
        if (running === 0) reject(failure.cause && (failure.cause as { userFacing?: boolean }).userFacing ? failure.cause : failure);
        return;
      }
      if (pending.size === 0 && running === 0) return resolve();
      const ready = [...pending].filter(([, w]) => w.size === 0).map(([n]) => n).sort();
      for (const n of ready) {
        if (running >= limit) break;
        pending.delete(n);
        running++;
        visit(n, graph.get(n) as T).then(
          () => {
            running--;
            for (const w of pending.values()) w.delete(n);
            pump();
          },
          (e: unknown) => {
            running--;
            failure ??= new WalkError(n, e);
            pump();
          },
        );
      }
    };
    pump();
  });
}
