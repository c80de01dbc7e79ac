/* DNS wire format for the few messages the resolver makes: parse the first question of a query, build an
 * answer with A records (TTL 0, so a new replica or a recreated container is seen on the next query), an
 * empty NOERROR / NXDOMAIN, or a SERVFAIL. No state, no I/O. */
#include <string.h>
#include "dns.h"

enum { F_QR = 0x8000, F_AA = 0x0400, F_TC = 0x0200, F_RD = 0x0100, F_RA = 0x0080 };

static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }

int dns_parse_query(const uint8_t *q, size_t n, struct question *out) {
  if (n < 12) return -1;
  uint16_t flags = get16(q + 2);
  if (flags & F_QR) return -1;            /* a response sent to us: never answer it (loops) */
  if (get16(q + 4) < 1) return -1;        /* no question */
  size_t off = 12, len = 0;
  for (;;) {
    if (off >= n) return -1;
    uint8_t l = q[off++];
    if (l == 0) break;
    if (l & 0xC0) return -1;              /* compression in a question: not from a real client */
    if (off + l > n || len + l + 1 >= DNS_NAME_MAX) return -1;
    if (len > 0) out->name[len++] = '.';
    for (uint8_t i = 0; i < l; i++) {
      char c = (char)q[off + i];
      out->name[len++] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
    }
    off += l;
  }
  out->name[len] = '\0';
  if (off + 4 > n) return -1;
  out->type = get16(q + off);
  out->klass = get16(q + off + 2);
  out->end = off + 4;
  return 0;
}

static size_t header(const uint8_t *q, const struct question *qs, uint16_t flags, uint16_t ancount, uint8_t *out, size_t outsize) {
  size_t qlen = qs->end - 12;
  if (outsize < 12 + qlen) return 0;
  memcpy(out, q, 2);                      /* id */
  put16(out + 2, flags);
  put16(out + 4, 1);
  put16(out + 6, ancount);
  put16(out + 8, 0);
  put16(out + 10, 0);
  memcpy(out + 12, q + 12, qlen);         /* the question as asked (its case kept) */
  return 12 + qlen;
}

size_t dns_build_answer(const uint8_t *q, const struct question *qs, int rcode, const uint32_t *ips, size_t count,
                        size_t limit, uint8_t *out, size_t outsize) {
  uint16_t flags = F_QR | F_AA | F_RA | (get16(q + 2) & (F_RD | 0x7800 /* opcode */)) | (uint16_t)(rcode & 0xF);
  size_t base = 12 + (qs->end - 12);
  if (limit > outsize) limit = outsize;
  size_t fit = limit > base ? (limit - base) / 16 : 0;
  if (count > fit) { count = fit; flags |= F_TC; }   /* the client asks again over TCP */
  size_t off = header(q, qs, flags, (uint16_t)count, out, outsize);
  if (off == 0) return 0;
  for (size_t i = 0; i < count; i++) {
    uint8_t *a = out + off;
    put16(a, 0xC00C);                     /* the name: a pointer to the question's */
    put16(a + 2, 1);                      /* A */
    put16(a + 4, 1);                      /* IN */
    memset(a + 6, 0, 4);                  /* TTL 0 */
    put16(a + 10, 4);
    a[12] = (uint8_t)(ips[i] >> 24); a[13] = (uint8_t)(ips[i] >> 16); a[14] = (uint8_t)(ips[i] >> 8); a[15] = (uint8_t)ips[i];
    off += 16;
  }
  return off;
}

size_t dns_build_servfail(const uint8_t *q, const struct question *qs, uint8_t *out, size_t outsize) {
  return header(q, qs, F_QR | F_RA | (get16(q + 2) & (F_RD | 0x7800)) | 2, 0, out, outsize);
}
