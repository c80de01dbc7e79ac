/* tscompose-dns: the embedded resolver of one network (see main.c for where it runs and why). */
#ifndef TSCOMPOSE_DNS_H
#define TSCOMPOSE_DNS_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#define DNS_NAME_MAX 256
#define DNS_MAX_IPS 64
#define DNS_MAX_UPSTREAMS 8
#define DNS_UDP_LIMIT 512

/* An upstream server: IPv4 address and port, both in network byte order. */
struct upstream {
  uint32_t addr;
  uint16_t port;
};

/* table.c: the names file written by the TypeScript side (runtime/network/dns/names-file.ts):
 *   A <name> <ipv4>                  a name of the network (container name, hostname, alias, short id)
 *   L <client-ipv4> <alias> <name>   a link: <alias> asked by <client> means <name>
 *   U <client-ipv4> <ipv4[:port]>    where names unknown here go for <client> (service `dns`)
 * Blank lines and lines starting with # are ignored; so are lines of kinds this version does not know. */
int table_refresh(const char *file);             /* 0 unchanged or reloaded, -1 file gone */
/* IPs (host order, sorted, unique) `name` means for `client` (network order); returns how many. */
size_t table_lookup(uint32_t client, const char *name, uint32_t *out, size_t max);
/* The upstreams for `client`: its own (U lines) or the host's resolv.conf ones, minus `self`. */
size_t table_upstreams(uint32_t client, uint32_t self, struct upstream *out, size_t max);

/* packet.c: parsing one query and building answers (pure). */
struct question {
  char name[DNS_NAME_MAX];  /* lower case, no trailing dot */
  uint16_t type, klass;
  size_t end;               /* offset just past the question in the query */
};
/* 0 ok, -1 not a query we answer at all (no reply, as any resolver would) */
int dns_parse_query(const uint8_t *q, size_t n, struct question *out);
/* A NOERROR/NXDOMAIN answer with `count` A records (TTL 0); `limit` truncates (TC) to fit. */
size_t dns_build_answer(const uint8_t *q, const struct question *qs, int rcode, const uint32_t *ips, size_t count,
                        size_t limit, uint8_t *out, size_t outsize);
size_t dns_build_servfail(const uint8_t *q, const struct question *qs, uint8_t *out, size_t outsize);

#endif
