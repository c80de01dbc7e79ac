/* A small JSON reader and writer for config.json, shim.json, state.json and ctl.sock lines.
 * Hand-written so the shim has no dependencies; inputs are small, so a malloc'd DOM is fine. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <fcntl.h>
#include <unistd.h>
#include "spec.h"

struct pstate { const char *p; char *err; size_t errlen; int depth; };

static void skip_ws(struct pstate *ps) {
  while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r') ps->p++;
}

static struct jv *jnew(enum jtype t) {
  struct jv *v = calloc(1, sizeof *v);
  if (v) v->t = t;
  return v;
}

static void put_utf8(struct sbuf *b, unsigned cp) {
  char o[4]; size_t n;
  if (cp < 0x80) { o[0] = (char)cp; n = 1; }
  else if (cp < 0x800) { o[0] = (char)(0xC0 | (cp >> 6)); o[1] = (char)(0x80 | (cp & 0x3F)); n = 2; }
  else if (cp < 0x10000) { o[0] = (char)(0xE0 | (cp >> 12)); o[1] = (char)(0x80 | ((cp >> 6) & 0x3F)); o[2] = (char)(0x80 | (cp & 0x3F)); n = 3; }
  else { o[0] = (char)(0xF0 | (cp >> 18)); o[1] = (char)(0x80 | ((cp >> 12) & 0x3F)); o[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); o[3] = (char)(0x80 | (cp & 0x3F)); n = 4; }
  sb_put(b, o, n);
}

static int hex4(const char *p, unsigned *out) {
  unsigned v = 0;
  for (int i = 0; i < 4; i++) {
    char c = p[i]; v <<= 4;
    if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
    else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
    else return -1;
  }
  *out = v;
  return 0;
}

static char *parse_string(struct pstate *ps) {
  struct sbuf b = {0};
  ps->p++; /* opening quote */
  for (;;) {
    char c = *ps->p;
    if (c == '\0') { errf(ps->err, ps->errlen, "unterminated string"); free(b.p); return NULL; }
    if (c == '"') { ps->p++; break; }
    if (c == '\\') {
      char e = ps->p[1]; ps->p += 2;
      switch (e) {
        case '"': sb_put(&b, "\"", 1); break;
        case '\\': sb_put(&b, "\\", 1); break;
        case '/': sb_put(&b, "/", 1); break;
        case 'b': sb_put(&b, "\b", 1); break;
        case 'f': sb_put(&b, "\f", 1); break;
        case 'n': sb_put(&b, "\n", 1); break;
        case 'r': sb_put(&b, "\r", 1); break;
        case 't': sb_put(&b, "\t", 1); break;
        case 'u': {
          unsigned cp, lo;
          if (hex4(ps->p, &cp)) { errf(ps->err, ps->errlen, "bad \\u escape"); free(b.p); return NULL; }
          ps->p += 4;
          if (cp >= 0xD800 && cp < 0xDC00 && ps->p[0] == '\\' && ps->p[1] == 'u' && !hex4(ps->p + 2, &lo) && lo >= 0xDC00 && lo < 0xE000) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            ps->p += 6;
          }
          put_utf8(&b, cp);
          break;
        }
        default: errf(ps->err, ps->errlen, "bad escape"); free(b.p); return NULL;
      }
      continue;
    }
    sb_put(&b, ps->p, 1);
    ps->p++;
  }
  if (!b.p) sb_put(&b, "", 0);
  return b.p;
}

static struct jv *parse_value(struct pstate *ps);

static int push(struct jv *v, char *key, struct jv *item) {
  if ((v->len & (v->len - 1)) == 0) { /* grow at powers of two */
    int cap = v->len ? v->len * 2 : 1;
    struct jv **ni = realloc(v->items, (size_t)cap * sizeof *ni);
    if (!ni) return -1;
    v->items = ni;
    if (v->t == J_OBJ) {
      char **nk = realloc(v->keys, (size_t)cap * sizeof *nk);
      if (!nk) return -1;
      v->keys = nk;
    }
  }
  if (v->t == J_OBJ) v->keys[v->len] = key;
  v->items[v->len++] = item;
  return 0;
}

static struct jv *parse_container(struct pstate *ps, bool obj) {
  struct jv *v = jnew(obj ? J_OBJ : J_ARR);
  if (++ps->depth > 64) { errf(ps->err, ps->errlen, "nesting too deep"); return NULL; }
  ps->p++;
  skip_ws(ps);
  if (*ps->p == (obj ? '}' : ']')) { ps->p++; ps->depth--; return v; }
  for (;;) {
    char *key = NULL;
    skip_ws(ps);
    if (obj) {
      if (*ps->p != '"') { errf(ps->err, ps->errlen, "expected a key"); return NULL; }
      if (!(key = parse_string(ps))) return NULL;
      skip_ws(ps);
      if (*ps->p != ':') { errf(ps->err, ps->errlen, "expected ':' after \"%s\"", key); return NULL; }
      ps->p++;
    }
    struct jv *item = parse_value(ps);
    if (!item || push(v, key, item)) return NULL;
    skip_ws(ps);
    if (*ps->p == ',') { ps->p++; continue; }
    if (*ps->p == (obj ? '}' : ']')) { ps->p++; break; }
    errf(ps->err, ps->errlen, "expected ',' or '%c'", obj ? '}' : ']');
    return NULL;
  }
  ps->depth--;
  return v;
}

static struct jv *parse_value(struct pstate *ps) {
  skip_ws(ps);
  char c = *ps->p;
  if (c == '{') return parse_container(ps, true);
  if (c == '[') return parse_container(ps, false);
  if (c == '"') { struct jv *v = jnew(J_STR); if (!(v->s = parse_string(ps))) return NULL; return v; }
  if (!strncmp(ps->p, "true", 4)) { ps->p += 4; struct jv *v = jnew(J_BOOL); v->b = true; return v; }
  if (!strncmp(ps->p, "false", 5)) { ps->p += 5; return jnew(J_BOOL); }
  if (!strncmp(ps->p, "null", 4)) { ps->p += 4; return jnew(J_NULL); }
  if (c == '-' || (c >= '0' && c <= '9')) {
    char *end;
    struct jv *v = jnew(J_NUM);
    v->n = strtod(ps->p, &end);
    ps->p = end;
    return v;
  }
  errf(ps->err, ps->errlen, "unexpected character '%c'", c ? c : '?');
  return NULL;
}

struct jv *json_parse(const char *text, char *err, size_t errlen) {
  struct pstate ps = { text, err, errlen, 0 };
  struct jv *v = parse_value(&ps);
  if (!v) return NULL;
  skip_ws(&ps);
  if (*ps.p) { errf(err, errlen, "trailing data after the JSON value"); return NULL; }
  return v;
}

struct jv *json_get(const struct jv *obj, const char *key) {
  if (!obj || obj->t != J_OBJ) return NULL;
  for (int i = 0; i < obj->len; i++)
    if (!strcmp(obj->keys[i], key)) return obj->items[i];
  return NULL;
}

const char *json_str(const struct jv *v, const char *key) {
  struct jv *x = json_get(v, key);
  return x && x->t == J_STR ? x->s : NULL;
}

int64_t json_int(const struct jv *v, const char *key, int64_t dflt) {
  struct jv *x = json_get(v, key);
  return x && x->t == J_NUM ? (int64_t)x->n : dflt;
}

bool json_bool(const struct jv *v, const char *key, bool dflt) {
  struct jv *x = json_get(v, key);
  return x && x->t == J_BOOL ? x->b : dflt;
}

char *read_file(const char *path, size_t *lenp) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return NULL;
  struct sbuf b = {0};
  char tmp[4096];
  ssize_t n;
  while ((n = read(fd, tmp, sizeof tmp)) > 0) sb_put(&b, tmp, (size_t)n);
  close(fd);
  if (n < 0) { free(b.p); return NULL; }
  if (!b.p) sb_put(&b, "", 0);
  if (lenp) *lenp = b.len;
  return b.p;
}

void sb_put(struct sbuf *b, const char *s, size_t n) {
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + n + 1) cap *= 2;
    char *np = realloc(b->p, cap);
    if (!np) abort();
    b->p = np; b->cap = cap;
  }
  memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = '\0';
}

void sb_printf(struct sbuf *b, const char *fmt, ...) {
  char tmp[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if ((size_t)n < sizeof tmp) { sb_put(b, tmp, (size_t)n); return; }
  char *big = malloc((size_t)n + 1);
  va_start(ap, fmt);
  vsnprintf(big, (size_t)n + 1, fmt, ap);
  va_end(ap);
  sb_put(b, big, (size_t)n);
  free(big);
}

void sb_json_str(struct sbuf *b, const char *s, size_t n) {
  sb_put(b, "\"", 1);
  size_t run = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c != '"' && c != '\\') { run++; continue; }
    sb_put(b, s + i - run, run); run = 0;
    switch (c) {
      case '"': sb_put(b, "\\\"", 2); break;
      case '\\': sb_put(b, "\\\\", 2); break;
      case '\n': sb_put(b, "\\n", 2); break;
      case '\r': sb_put(b, "\\r", 2); break;
      case '\t': sb_put(b, "\\t", 2); break;
      default: sb_printf(b, "\\u%04x", c);
    }
  }
  sb_put(b, s + n - run, run);
  sb_put(b, "\"", 1);
}

void json_free(struct jv *v) {
  if (!v) return;
  for (int i = 0; i < v->len; i++) { json_free(v->items[i]); if (v->keys) free(v->keys[i]); }
  free(v->items); free(v->keys); free(v->s); free(v);
}

/* ---- writing (runtime runc rewrites a copy of config.json for restarts) ---- */
struct jv *json_new_str(const char *s) {
  struct jv *v = jnew(J_STR);
  if (v) v->s = strdup(s);
  return v;
}

int json_set(struct jv *obj, const char *key, struct jv *val) {
  if (!obj || obj->t != J_OBJ) return -1;
  for (int i = 0; i < obj->len; i++) {
    if (strcmp(obj->keys[i], key)) continue;
    json_free(obj->items[i]);
    obj->items[i] = val;
    return 0;
  }
  return push(obj, strdup(key), val);
}

void json_dump(struct sbuf *b, const struct jv *v) {
  switch (v->t) {
    case J_NULL: sb_put(b, "null", 4); break;
    case J_BOOL: v->b ? sb_put(b, "true", 4) : sb_put(b, "false", 5); break;
    case J_NUM:
      /* integers (every number config.json holds) exactly; anything else round-trips through %.17g */
      if (v->n > -9e18 && v->n < 9e18 && v->n == (double)(long long)v->n) sb_printf(b, "%lld", (long long)v->n);
      else sb_printf(b, "%.17g", v->n);
      break;
    case J_STR: sb_json_str(b, v->s, strlen(v->s)); break;
    case J_ARR: case J_OBJ: {
      bool obj = v->t == J_OBJ;
      sb_put(b, obj ? "{" : "[", 1);
      for (int i = 0; i < v->len; i++) {
        if (i) sb_put(b, ",", 1);
        if (obj) { sb_json_str(b, v->keys[i], strlen(v->keys[i])); sb_put(b, ":", 1); }
        json_dump(b, v->items[i]);
      }
      sb_put(b, obj ? "}" : "]", 1);
      break;
    }
  }
}
