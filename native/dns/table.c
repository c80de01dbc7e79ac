/* The names of the network (its names file) and the host's upstream resolvers (/etc/resolv.conf), each
 * re-read when the file changed (mtime, size or inode: the TypeScript side replaces the names file by rename,
 * so an attach or detach is seen on the very next query without any signal). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "dns.h"

struct name_rec { char *name; uint32_t ip; };                       /* ip in host order */
struct link_rec { uint32_t client; char *alias; char *name; };      /* client in network order */
struct up_rec { uint32_t client; struct upstream up; };

static struct name_rec *names; static size_t n_names, cap_names;
static struct link_rec *links; static size_t n_links, cap_links;
static struct up_rec *ups; static size_t n_ups, cap_ups;
static struct upstream host_ups[DNS_MAX_UPSTREAMS]; static size_t n_host_ups;
static char stamp[96], resolv_stamp[96];

static void *grow(void *arr, size_t *cap, size_t need, size_t size) {
  if (need <= *cap) return arr;
  size_t c = *cap ? *cap * 2 : 32;
  void *p = realloc(arr, c * size);
  if (!p) return NULL;
  *cap = c;
  return p;
}

static void lower(char *s) { for (; *s; s++) if (*s >= 'A' && *s <= 'Z') *s = (char)(*s + 32); }
static void strip_dot(char *s) { size_t l = strlen(s); if (l > 0 && s[l - 1] == '.') s[l - 1] = '\0'; }

static int parse_ip(const char *s, uint32_t *net) {
  struct in_addr a;
  if (inet_pton(AF_INET, s, &a) != 1) return -1;
  *net = a.s_addr;
  return 0;
}

/* "1.2.3.4" or "1.2.3.4:5353" */
static int parse_upstream(char *s, struct upstream *u) {
  char *colon = strchr(s, ':');
  u->port = htons(53);
  if (colon) {
    *colon = '\0';
    long p = strtol(colon + 1, NULL, 10);
    if (p <= 0 || p > 65535) return -1;
    u->port = htons((uint16_t)p);
  }
  return parse_ip(s, &u->addr);
}

static void clear_table(void) {
  for (size_t i = 0; i < n_names; i++) free(names[i].name);
  for (size_t i = 0; i < n_links; i++) { free(links[i].alias); free(links[i].name); }
  n_names = n_links = n_ups = 0;
}

static void load(FILE *f) {
  char line[1024];
  clear_table();
  while (fgets(line, sizeof line, f)) {
    char kind[4], a[300], b[300], c[300];
    int k = sscanf(line, "%3s %299s %299s %299s", kind, a, b, c);
    if (k < 3 || kind[0] == '#') continue;
    if (strcmp(kind, "A") == 0) {
      uint32_t ip;
      if (parse_ip(b, &ip) < 0 || strlen(a) >= DNS_NAME_MAX) continue;
      struct name_rec *p = grow(names, &cap_names, n_names + 1, sizeof *names);
      if (!p) continue;
      names = p;
      lower(a); strip_dot(a);
      names[n_names].name = strdup(a);
      names[n_names].ip = ntohl(ip);
      if (names[n_names].name) n_names++;
    } else if (strcmp(kind, "L") == 0 && k == 4) {
      uint32_t client;
      if (parse_ip(a, &client) < 0) continue;
      struct link_rec *p = grow(links, &cap_links, n_links + 1, sizeof *links);
      if (!p) continue;
      links = p;
      lower(b); strip_dot(b); lower(c); strip_dot(c);
      links[n_links] = (struct link_rec){ client, strdup(b), strdup(c) };
      if (links[n_links].alias && links[n_links].name) n_links++;
    } else if (strcmp(kind, "U") == 0) {
      uint32_t client;
      struct upstream u;
      if (parse_ip(a, &client) < 0 || parse_upstream(b, &u) < 0) continue;
      struct up_rec *p = grow(ups, &cap_ups, n_ups + 1, sizeof *ups);
      if (!p) continue;
      ups = p;
      ups[n_ups++] = (struct up_rec){ client, u };
    }
  }
}

static int changed(const char *file, char *st_buf, size_t size, int *gone) {
  struct stat st;
  char now[96];
  *gone = stat(file, &st) < 0;
  if (*gone) return 0;
  snprintf(now, sizeof now, "%lld.%ld:%lld:%llu", (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
           (long long)st.st_size, (unsigned long long)st.st_ino);
  if (strcmp(now, st_buf) == 0) return 0;
  snprintf(st_buf, size, "%s", now);
  return 1;
}

static void load_resolv_conf(void) {
  FILE *f = fopen("/etc/resolv.conf", "re");
  n_host_ups = 0;
  if (!f) return;
  char line[512];
  while (fgets(line, sizeof line, f) && n_host_ups < DNS_MAX_UPSTREAMS) {
    char key[32], val[64];
    uint32_t ip;
    if (sscanf(line, " %31s %63s", key, val) != 2 || strcmp(key, "nameserver") != 0) continue;
    if (parse_ip(val, &ip) < 0) continue;  /* IPv4 only: we forward from the host over IPv4 */
    host_ups[n_host_ups++] = (struct upstream){ ip, htons(53) };
  }
  fclose(f);
}

int table_refresh(const char *file) {
  int gone;
  if (changed(file, stamp, sizeof stamp, &gone)) {
    FILE *f = fopen(file, "re");
    /* replaced between stat and open: keep the last table, the next query reads the new one */
    if (f) { load(f); fclose(f); } else stamp[0] = '\0';
  }
  if (gone) return -1;
  int rgone;
  if (changed("/etc/resolv.conf", resolv_stamp, sizeof resolv_stamp, &rgone)) load_resolv_conf();
  if (rgone) { n_host_ups = 0; resolv_stamp[0] = '\0'; }
  return 0;
}

static size_t add_ips_of(const char *name, uint32_t *out, size_t n, size_t max) {
  for (size_t i = 0; i < n_names && n < max; i++) {
    if (strcmp(names[i].name, name) != 0) continue;
    size_t j = 0;
    while (j < n && out[j] != names[i].ip) j++;
    if (j == n) out[n++] = names[i].ip;
  }
  return n;
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

size_t table_lookup(uint32_t client, const char *name, uint32_t *out, size_t max) {
  size_t n = 0;
  /* a link of the asking container wins over the network's names, as Docker's per-endpoint aliases do */
  for (size_t i = 0; i < n_links; i++)
    if (links[i].client == client && strcmp(links[i].alias, name) == 0) n = add_ips_of(links[i].name, out, n, max);
  if (n == 0) n = add_ips_of(name, out, n, max);
  qsort(out, n, sizeof *out, cmp_u32);
  return n;
}

size_t table_upstreams(uint32_t client, uint32_t self, struct upstream *out, size_t max) {
  size_t n = 0;
  for (size_t i = 0; i < n_ups && n < max; i++) if (ups[i].client == client) out[n++] = ups[i].up;
  if (n > 0) return n;
  /* never forward to ourselves (a host whose resolv.conf points at a bridge gateway) */
  for (size_t i = 0; i < n_host_ups && n < max; i++) if (host_ups[i].addr != self) out[n++] = host_ups[i];
  return n;
}
