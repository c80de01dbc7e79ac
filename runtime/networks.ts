/** Networks as src/ sees them (bridges, endpoints, published ports, resolv.conf and hosts files). */
export * from './network/index.js';
