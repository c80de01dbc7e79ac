/**
 * e2e tests need root (namespaces, mounts, iptables). As root they run by default; otherwise they are
 * reported as skipped with this reason.
 */
export const isRoot = process.getuid?.() === 0;
export const needsRoot: string | false = isRoot ? false : 'e2e test needs root (namespaces, mounts, iptables); run the suite as root';
