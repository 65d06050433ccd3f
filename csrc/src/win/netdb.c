/* The services and protocols databases on Windows: the files that Winsock's
 * getservbyname and getprotobyname read themselves
 * (%SystemRoot%\System32\drivers\etc\services and ...\protocol), parsed here
 * on each call. Nothing is shared between calls, so every lookup is
 * reentrant without a lock; and the answer is the file's, also under Wine,
 * whose getservbyport misses many of the file's entries and whose
 * getservbyname ignores aliases. */
#include "../internal.h"

#include <stdio.h>

#define MAX_WORDS 64
#define LINE_MAX_CHARS 1024

/* The database file `name` in the system's drivers\etc directory. */
static FILE *open_database(const char *name) {
  char path[MAX_PATH + 32];
  UINT n = GetSystemDirectoryA(path, MAX_PATH);
  if (n == 0 || n >= MAX_PATH) return NULL;
  snprintf(path + n, sizeof(path) - n, "\\drivers\\etc\\%s", name);
  return fopen(path, "r");
}

static bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Splits `line` in place (strtok keeps state between calls: not here). */
static int split_words(char *line, char **words) {
  int n = 0;
  char *p = line;
  for (;;) {
    while (is_blank(*p)) p++;
    if (*p == '\0' || n == MAX_WORDS - 1) break;
    words[n++] = p;
    while (*p != '\0' && !is_blank(*p)) p++;
    if (*p == '\0') break;
    *p++ = '\0';
  }
  words[n] = NULL;
  return n;
}

/* Splits the next line with words into words[0..n), NULL after them,
 * dropping comments. Returns n, or 0 at the end of the file. A line longer
 * than the buffer is cut, and its rest skipped. */
static int next_words(FILE *f, char *line, char **words) {
  while (fgets(line, LINE_MAX_CHARS, f) != NULL) {
    char *p;
    int n;
    if (strchr(line, '\n') == NULL && !feof(f)) {
      int c;
      while ((c = fgetc(f)) != EOF && c != '\n') {
      }
    }
    p = strchr(line, '#');
    if (p != NULL) *p = '\0';
    n = split_words(line, words);
    if (n > 0) return n;
  }
  return 0;
}

/* "80/tcp" → 80 and "tcp". False for anything else. */
static bool parse_port_proto(char *text, long *port, char **proto) {
  char *end;
  if (text[0] < '0' || text[0] > '9') return false;
  *port = strtol(text, &end, 10);
  if (*end != '/' || end[1] == '\0' || *port > 65535) return false;
  *proto = end + 1;
  return true;
}

static bool names_match(char **words, int n, const char *name) {
  int i;
  for (i = 0; i < n; i++) {
    if (i != 1 && strcmp(words[i], name) == 0) return true;
  }
  return false;
}

/* The first services line for `name` (its name or an alias) or, when `name`
 * is NULL, for `port`; `proto` NULL matches any. */
static int servent_lookup(const char *name, ns_port port, const char *proto,
                          ns_servent *out) {
  char *line, *words[MAX_WORDS];
  FILE *f;
  int n, rc = NS_ENOENT;
  line = (char *)malloc(LINE_MAX_CHARS);
  if (line == NULL) return NS_ENOMEM;
  f = open_database("services");
  if (f == NULL) {
    free(line);
    return NS_ENOENT;
  }
  while (rc == NS_ENOENT && (n = next_words(f, line, words)) > 0) {
    long line_port;
    char *line_proto;
    if (n < 2 || !parse_port_proto(words[1], &line_port, &line_proto))
      continue;
    if (proto != NULL && strcmp(proto, line_proto) != 0) continue;
    if (name != NULL ? !names_match(words, n, name) : line_port != port)
      continue;
    rc = nsi_servent_fill(out, words[0], &words[2], (ns_port)line_port,
                          line_proto);
  }
  fclose(f);
  free(line);
  return rc;
}

int nsi_service_by_name(const char *name, const char *proto, ns_servent *out) {
  return servent_lookup(name, 0, proto, out);
}

int nsi_service_by_port(ns_port port, const char *proto, ns_servent *out) {
  return servent_lookup(NULL, port, proto, out);
}

/* Lines of the protocol file: name, number, aliases. */
int nsi_protocol_by_name(const char *name, int *proto) {
  char *line, *words[MAX_WORDS];
  FILE *f;
  int n, rc = NS_ENOENT;
  line = (char *)malloc(LINE_MAX_CHARS);
  if (line == NULL) return NS_ENOMEM;
  f = open_database("protocol");
  if (f == NULL) {
    free(line);
    return NS_ENOENT;
  }
  while (rc == NS_ENOENT && (n = next_words(f, line, words)) > 0) {
    char *end;
    long number;
    if (n < 2 || !names_match(words, n, name)) continue;
    number = strtol(words[1], &end, 10);
    if (*end != '\0' || end == words[1] || number < 0 || number > 255)
      continue;
    *proto = (int)number;
    rc = NS_OK;
  }
  fclose(f);
  free(line);
  return rc;
}
