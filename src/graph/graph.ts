/**
 * A dependency graph of named nodes (services, networks, volumes). Edges point from a node to what it
 * depends on. Pure: building, cycle detection and ordering have no effects.
 */
import { UserError } from '../errors.js';

export class Graph<T = unknown> {
  private readonly nodes = new Map<string, T>();
  private readonly deps = new Map<string, Set<string>>();
  private readonly dependents = new Map<string, Set<string>>();

  add(name: string, value: T): this {
    if (!this.nodes.has(name)) {
      this.deps.set(name, new Set());
      this.dependents.set(name, new Set());
    }
    this.nodes.set(name, value);
    return this;
  }

  /** `from` depends on `to` (so `to` comes first in dependency order). Both must exist. */
  depend(from: string, to: string): this {
    if (!this.nodes.has(from)) throw new Error(`graph: unknown node ${from}`);
    if (!this.nodes.has(to)) throw new Error(`graph: unknown node ${to}`);
    this.deps.get(from)!.add(to);
    this.dependents.get(to)!.add(from);
    return this;
  }

  has(name: string): boolean { return this.nodes.has(name); }
  get(name: string): T | undefined { return this.nodes.get(name); }
  names(): string[] { return [...this.nodes.keys()]; }
  dependenciesOf(name: string): string[] { return [...(this.deps.get(name) ?? [])]; }
  dependentsOf(name: string): string[] { return [...(this.dependents.get(name) ?? [])]; }

  /** The first cycle found, as a path that starts and ends on the same node, or undefined. */
  findCycle(): string[] | undefined {
    const state = new Map<string, 'visiting' | 'done'>();
    const stack: string[] = [];
    const visit = (n: string): string[] | undefined => {
      state.set(n, 'visiting');
      stack.push(n);
      for (const d of [...this.deps.get(n)!].sort()) {
        const s = state.get(d);
        if (s === 'visiting') return [...stack.slice(stack.indexOf(d)), d];
        if (s === undefined) {
          const c = visit(d);
          if (c) return c;
        }
      }
      stack.pop();
      state.set(n, 'done');
      return undefined;
    };
    for (const n of [...this.nodes.keys()].sort()) {
      if (!state.has(n)) {
        const c = visit(n);
        if (c) return c;
      }
    }
    return undefined;
  }

  /** Throws a UserError naming the cycle (`a -> b -> a`) when there is one. */
  assertAcyclic(kind = 'dependency'): void {
    const c = this.findCycle();
    if (c) throw new UserError('E_CYCLE', `${kind} cycle detected: ${c.join(' -> ')}`);
  }

  /** Dependency order (dependencies first), ties broken by name so the order is stable. */
  order(): string[] {
    this.assertAcyclic();
    const remaining = new Map([...this.deps].map(([n, d]) => [n, d.size]));
    const ready = [...remaining].filter(([, k]) => k === 0).map(([n]) => n).sort();
    const out: string[] = [];
    while (ready.length > 0) {
      const n = ready.shift()!;
      out.push(n);
      for (const m of [...this.dependents.get(n)!].sort()) {
        const k = remaining.get(m)! - 1;
        remaining.set(m, k);
        if (k === 0) {
          ready.push(m);
          ready.sort();
        }
      }
    }
    return out;
  }

  /** The sub-graph of `roots` and everything they depend on, transitively. */
  closure(roots: string[]): Set<string> {
    const seen = new Set<string>();
    const stack = [...roots];
    while (stack.length > 0) {
      const n = stack.pop()!;
      if (seen.has(n) || !this.nodes.has(n)) continue;
      seen.add(n);
      stack.push(...this.deps.get(n)!);
    }
    return seen;
  }
}
