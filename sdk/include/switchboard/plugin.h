/* Switchboard native plugin ABI (C). A plugin is a shared library exporting one function,
 * sb_plugin_init, which names the plugin and registers its capabilities through the host's
 * function table.
 *
 * Compatibility policy
 * - SB_PLUGIN_API_MAJOR changes only when something here changes incompatibly; the host
 *   refuses plugins built for another major. SB_PLUGIN_API_MINOR grows when entries are
 *   added; the host refuses plugins built for a newer minor than its own.
 * - Every struct crossing the boundary begins with its size (struct_size): the host reads
 *   only the fields it knows, so older plugins keep working.
 * - sb_host_api only grows at the end. A plugin built for minor N may NULL-check entries
 *   added after N before calling them.
 *
 * Strings: UTF-8. JSON in and out. Ownership is stated on each declaration: a `const
 * char*` given to a callback is valid only during that call; a `char*` returned by the host
 * is the plugin's and is released with host->free; strings the plugin passes to the host
 * are copied before the call returns, except the names/descriptions in sb_plugin and the
 * *_def structs, which must stay valid until the plugin is unloaded (use literals).
 *
 * Threading: callbacks run on the server's dispatcher, request and ingestion threads,
 * concurrently. A plugin guards its own shared state. Callbacks must not block for long:
 * the host records a call over its time limit as failed (it cannot interrupt native code).
 *
 * Native plugins are trusted code: they run inside the server process with its rights.
 * See docs/plugin-sdk.md. */
#ifndef SWITCHBOARD_PLUGIN_H
#define SWITCHBOARD_PLUGIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SB_PLUGIN_API_MAJOR 1
#define SB_PLUGIN_API_MINOR 3

#if defined(__GNUC__)
#define SB_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define SB_PLUGIN_EXPORT
#endif

/* Results of every plugin callback. The event bus owns retries: SB_RETRY asks for the
 * delivery to be tried again later, SB_ERROR fails it for good. */
typedef enum sb_status { SB_OK = 0, SB_RETRY = 1, SB_ERROR = 2 } sb_status;

typedef enum sb_log_level {
  SB_LOG_DEBUG = 0,
  SB_LOG_INFO = 1,
  SB_LOG_WARN = 2,
  SB_LOG_ERROR = 3
} sb_log_level;

/* Capability flags, declared as data (shown by GET /v1/plugins). */
#define SB_FLAG_READS_ONLY 1u     /* never writes CRM data */
#define SB_FLAG_SENDS_MESSAGES 2u /* contacts customers (email, SMS, webhooks) */

/* One call of a plugin callback: which team it acts for and where its result goes. Opaque;
 * valid only during the callback it is given to. Every host function that reads or writes
 * data takes it, so a plugin can only reach the team the call is for. */
typedef struct sb_call sb_call;

/* What sb_plugin_init fills in about the plugin. The host zeroes it and sets struct_size. */
typedef struct sb_plugin {
  uint32_t struct_size;
  uint32_t api_major;      /* set to SB_PLUGIN_API_MAJOR */
  uint32_t api_minor;      /* set to SB_PLUGIN_API_MINOR */
  const char* name;        /* [a-z0-9_]{1,40}; prefixes the plugin's actions ("name.action") */
  const char* version;     /* free text, "1.2.0" */
  const char* description; /* one line */
  void* user_data;         /* the plugin's own state, given back to on_unload */
  /* Optional: called once before the library is closed (reload, shutdown, failed load). */
  void (*on_unload)(void* user_data);
  /* API 1.3, optional: the settings the plugin reads, a NULL-terminated list of keys that
   * stays valid until unload. When set, a key in the plugin's .conf file that is not listed
   * refuses the load (a typo such as "treshold" is an error, not a silent default). NULL:
   * any key is accepted, as before 1.3. */
  const char* const* config_keys;
} sb_plugin;

/* An action: callable from Lua as crm.actions["<plugin>.<name>"](args) and over REST as
 * POST /v1/actions/<plugin>.<name> (admins). `input` is a JSON value (args); the result is
 * set with host->set_result (JSON) or host->set_error. */
typedef sb_status (*sb_action_fn)(sb_call* call, const char* input, size_t input_len,
                                  void* user_data);
typedef struct sb_action_def {
  uint32_t struct_size;
  const char* name; /* [a-z0-9_]{1,40} */
  const char* description;
  uint32_t flags; /* SB_FLAG_* */
  sb_action_fn fn;
  void* user_data;
} sb_action_def;

/* An event subscriber: `pattern` is an event type, "prefix.*" or "*". `event` is the event
 * as JSON ({"id","type","subject_type","subject_id","created_at","attempt","payload"}).
 * Delivered through the event bus: at least once, in order per contact; use host->once to
 * make side effects happen once. */
typedef sb_status (*sb_event_fn)(sb_call* call, const char* event, size_t event_len,
                                 void* user_data);
typedef struct sb_subscriber_def {
  uint32_t struct_size;
  const char* name; /* [a-z0-9_]{1,40}, unique within the plugin */
  const char* pattern;
  sb_event_fn fn;
  void* user_data;
} sb_subscriber_def;

/* A chat-capture extractor: reads one user message and adds what it finds with
 * host->extracted. Runs on the ingestion path: must be fast and must not fail. */
typedef struct sb_extraction sb_extraction;
typedef void (*sb_extract_fn)(sb_extraction* out, const char* text, size_t text_len,
                              void* user_data);
typedef struct sb_extractor_def {
  uint32_t struct_size;
  const char* name;
  sb_extract_fn fn;
  void* user_data;
} sb_extractor_def;

/* A channel provider (channel "sms" first): sends one message. `message` is
 * {"to": E.164, "text", "from"?, "message_id", "status_callback"?}; the result set with
 * set_result is {"provider_id", "status"}. SB_RETRY for transient failures.
 * `status` (API 1.1, optional) reads a delivery report the provider POSTed to
 * `status_callback`: `message` is {"form": {...}, "query": {...}, "body": "..."} and the
 * result {"provider_id", "status": "queued|sent|delivered|failed|undelivered", "error"?}.
 * `session_window_s` (API 1.2, 0 = none): like WhatsApp, the channel takes free-form
 * messages only within this many seconds of the contact's last inbound message (chat or
 * SMS reply); outside it only templates are sent, and a free-form message is skipped with
 * reason `session_window`. */
typedef sb_status (*sb_send_fn)(sb_call* call, const char* message, size_t message_len,
                                void* user_data);
typedef struct sb_provider_def {
  uint32_t struct_size;
  const char* channel; /* "sms" */
  const char* name;
  uint32_t flags;
  sb_send_fn send;
  void* user_data;
  sb_send_fn status;         /* API 1.1: may be NULL */
  uint32_t session_window_s; /* API 1.2 */
} sb_provider_def;

/* The host's function table. Returned ints: 0 success, -1 failure (then host->last_error
 * says why, for calls that take an sb_call). */
typedef struct sb_host_api {
  uint32_t struct_size;
  uint32_t api_major;
  uint32_t api_minor;

  /* Registration: only during sb_plugin_init. A duplicate name, a bad name or a failed
   * init rolls back everything the plugin registered. */
  int (*register_action)(sb_plugin* self, const sb_action_def* def);
  int (*register_subscriber)(sb_plugin* self, const sb_subscriber_def* def);
  int (*register_extractor)(sb_plugin* self, const sb_extractor_def* def);
  int (*register_provider)(sb_plugin* self, const sb_provider_def* def);

  /* Anywhere. `message` is copied. */
  void (*log)(const sb_plugin* self, sb_log_level level, const char* message);
  /* The plugin's setting `key` from <plugins dir>/<plugin name>.conf ("key = value"
   * lines), or NULL. Valid until the plugin is unloaded. */
  const char* (*config)(const sb_plugin* self, const char* key);

  /* In callbacks. The call's result (a JSON value, copied) or error message (copied). */
  int (*set_result)(sb_call* call, const char* json, size_t json_len);
  void (*set_error)(sb_call* call, const char* message);
  /* Why the last host function on this call failed ("" if none). Valid until the next
   * host call on it. */
  const char* (*last_error)(sb_call* call);
  int64_t (*team_id)(sb_call* call);

  /* Contacts of the call's team, through the same store code as REST: validation, events,
   * timeline. Results are JSON, owned by the plugin: release with host->free. NULL on
   * failure (not found, invalid patch, ...: see last_error). */
  char* (*contact_get)(sb_call* call, int64_t contact_id);
  /* `filter_json`: the contacts filter language (docs/contacts.md); a JSON array, at most
   * `limit` (1..500) contacts. */
  char* (*contact_find)(sb_call* call, const char* filter_json, int limit);
  /* `patch_json`: fields as in PATCH /v1/contacts/{id}. Returns the updated contact. */
  char* (*contact_update)(sb_call* call, int64_t contact_id, const char* patch_json);

  /* 1 the first time `key` is seen for the call's team and this plugin (the caller then
   * does its side effect), 0 afterwards, -1 on failure. Keys are kept with the event
   * bus's effect keys. */
  int (*once)(sb_call* call, const char* key);
  /* Queues event "<plugin>.<name>" (payload: a JSON object) for the call's team after
   * `delay_ms`; subscribers (the plugin's own too) receive it. */
  int (*schedule)(sb_call* call, const char* name, const char* payload_json, int64_t delay_ms);

  /* Extractors: adds one finding (field as in docs/capture.md: email, phone, name,
   * company, purchase_intent, sentiment, interests, custom.<key>). */
  void (*extracted)(sb_extraction* out, const char* field, const char* value, double confidence,
                    double score);

  /* Releases a string the host returned. */
  void (*free)(void* p);

  /* ---- API 1.1 ---- */
  /* The call's team's active users, ascending id: [{"id", "name", "email", "role"}].
   * Owned by the plugin (host->free); NULL on failure. */
  char* (*users)(sb_call* call);
  /* How many of the team's contacts match `filter_json` (as contact_find); -1 on failure. */
  int64_t (*contact_count)(sb_call* call, const char* filter_json);
  /* Wall-clock time in `time_zone` (IANA name, "UTC" or "+07:00") at `utc_ms`, written to
   * *local_ms as milliseconds since the epoch read as if UTC. 0 success, -1 unknown zone.
   * Uses the server's time zone database, so plugins need none. */
  int (*local_time)(const char* time_zone, int64_t utc_ms, int64_t* local_ms);
} sb_host_api;

/* The one entry point. Fill in *self (api_major/minor first), register capabilities,
 * return 0; anything else refuses the load and rolls back its registrations. */
typedef int (*sb_plugin_init_fn)(const sb_host_api* host, sb_plugin* self);
SB_PLUGIN_EXPORT int sb_plugin_init(const sb_host_api* host, sb_plugin* self);

#ifdef __cplusplus
}
#endif

#endif /* SWITCHBOARD_PLUGIN_H */
