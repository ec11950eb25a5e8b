/* A key's whole life through the C ABI, as a C program sees it.
 * Usage: lifecycle <kind> <base-url> <api-key>
 * The API key comes from the environment variable APIKEYS_KEY when <api-key> is "-",
 * so it does not show in process listings. Prints one line per step; exit 0 on success. */
#include "apikeys.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Prints a failed step with the error JSON, frees it, and returns 1. */
static int print_error(const char *step, apikeys_status status, char *error_json) {
  fprintf(stderr, "%s failed: status %d: %s\n", step, (int)status,
          error_json ? error_json : "(no error JSON)");
  apikeys_string_free(error_json);
  return 1;
}

/* Copies the value of "field":"..." that follows `after` in `json` into out (small, test-only). */
static int json_string_field(const char *json, const char *after, const char *field,
                             char *out, size_t out_len) {
  const char *start = after ? strstr(json, after) : json;
  if (!start) return 0;
  char pattern[64];
  snprintf(pattern, sizeof pattern, "\"%s\":\"", field);
  const char *p = strstr(start, pattern);
  if (!p) return 0;
  p += strlen(pattern);
  const char *end = strchr(p, '"');
  if (!end || (size_t)(end - p) >= out_len) return 0;
  memcpy(out, p, (size_t)(end - p));
  out[end - p] = '\0';
  return 1;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s <kind> <base-url> <api-key|->\n", argv[0]);
    return 2;
  }
  const char *key = strcmp(argv[3], "-") == 0 ? getenv("APIKEYS_KEY") : argv[3];
  if (!key) return 2;
  printf("apikeys %s\n", apikeys_version());

  char config[4096];
  snprintf(config, sizeof config, "{\"kind\":\"%s\",\"baseUrl\":\"%s\",\"apiKey\":\"%s\"}",
           argv[1], argv[2], key);
  uint64_t session = 0;
  char *error = NULL;
  apikeys_status st = apikeys_session_open(config, &session, &error);
  memset(config, 0, sizeof config); /* the config held the key */
  if (st != APIKEYS_STATUS_OK) return print_error("open", st, error);
  printf("open: session %llu\n", (unsigned long long)session);

  const char *new_key = strcmp(argv[1], "immich") == 0
                            ? "{\"name\":\"from-c\",\"permissions\":[\"asset.read\"]}"
                            : "{\"name\":\"from-c\",\"roleIds\":[1]}";
  char *created = NULL;
  st = apikeys_key_create(session, new_key, &created, &error);
  if (st != APIKEYS_STATUS_OK) return print_error("create", st, error);
  char id[128];
  if (!json_string_field(created, "\"key\"", "id", id, sizeof id)) {
    fprintf(stderr, "create: no key id in the answer\n");
    return 1;
  }
  printf("create: id %s, secret received (%s)\n", id, strstr(created, "\"secret\":\"") ? "yes" : "no");
  apikeys_string_free(created); /* zeroes the secret */

  char *json = NULL;
  st = apikeys_key_get(session, id, &json, &error);
  if (st != APIKEYS_STATUS_OK) return print_error("get", st, error);
  char name[256];
  json_string_field(json, NULL, "name", name, sizeof name);
  printf("get: name %s\n", name);
  apikeys_string_free(json);

  st = apikeys_key_list(session, "{\"name\":\"from-*\"}", &json, &error);
  if (st != APIKEYS_STATUS_OK) return print_error("list", st, error);
  printf("list: %s\n", strstr(json, id) ? "found" : "missing");
  apikeys_string_free(json);

  st = apikeys_key_update(session, id, "{\"name\":\"from-c-renamed\"}", &json, &error);
  if (st != APIKEYS_STATUS_OK) return print_error("update", st, error);
  json_string_field(json, NULL, "name", name, sizeof name);
  printf("update: name %s\n", name);
  apikeys_string_free(json);

  st = apikeys_key_rotate(session, id, &json, &error);
  if (st != APIKEYS_STATUS_OK) return print_error("rotate", st, error);
  char new_id[128];
  json_string_field(json, "\"key\"", "id", new_id, sizeof new_id);
  printf("rotate: new id %s\n", strcmp(new_id, id) ? "differs" : "SAME");
  apikeys_string_free(json);

  st = apikeys_key_delete(session, new_id, &error);
  if (st != APIKEYS_STATUS_OK) return print_error("delete", st, error);
  printf("delete: ok\n");

  json = NULL; /* outputs are written only on success: it must stay NULL */
  st = apikeys_key_get(session, new_id, &json, &error);
  if (st != APIKEYS_STATUS_NOT_FOUND) {
    fprintf(stderr, "get after delete: expected NOT_FOUND, got %d\n", (int)st);
    return 1;
  }
  printf("get after delete: not_found (%s)\n", json == NULL ? "no output" : "OUTPUT WRITTEN");
  apikeys_string_free(error);
  error = NULL;

  st = apikeys_session_close(session);
  printf("close: %s\n", st == APIKEYS_STATUS_OK ? "ok" : "failed");
  st = apikeys_key_list(session, NULL, &json, &error);
  printf("use after close: %s\n", st == APIKEYS_STATUS_INVALID_ARGUMENT ? "invalid_argument" : "UNEXPECTED");
  apikeys_string_free(error);
  printf("lifecycle ok\n");
  return 0;
}
