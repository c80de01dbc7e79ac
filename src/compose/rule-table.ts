/**
 * Path-keyed rule tables (compose-go's `services.*.command` patterns), compiled into a trie so a tree
 * walk finds the rule for a child in one map lookup instead of matching every pattern at every node.
 * `*` matches any single mapping key; list items are not part of paths here.
 */
export interface RuleNode<R> {
  rule?: R;
  children: Map<string, RuleNode<R>>;
  star?: RuleNode<R>;
}

export function compileRules<R>(table: Record<string, R>): RuleNode<R> {
  const root: RuleNode<R> = { children: new Map() };
  for (const [pattern, rule] of Object.entries(table)) {
    let node = root;
    for (const seg of pattern.split('.')) {
      if (seg === '*') node = node.star ??= { children: new Map() };
      else {
        let next = node.children.get(seg);
        if (!next) node.children.set(seg, next = { children: new Map() });
        node = next;
      }
    }
    node.rule = rule;
  }
  return root;
}

/** The rule node for `key` under `node`; exact keys win over `*`. */
export function ruleChild<R>(node: RuleNode<R> | undefined, key: string): RuleNode<R> | undefined {
  if (!node) return undefined;
  return node.children.get(key) ?? node.star;
}
