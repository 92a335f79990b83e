/* override.h - scenario values set from outside the file: `headroom sweep
 * --param KEY=...` addresses a value by its YAML path and gives it another
 * value before the loader reads the file, so every bound and check of the
 * loader holds for the new value as for one written in the file.
 *
 * A key is the value's path in the YAML document, segments joined by '.':
 * mapping keys by name (`fleet.max`, `slo.latency_p95`), list items by
 * their `name` (`traffic.events.black-friday.multiplier`,
 * `policies.cpu-60.target`) or by 0-based index (`policies.0.target`). Names
 * may contain dots; the longest name that fits is taken. The last segment
 * may name a key the mapping does not have yet (a default the file leaves
 * out, `policies.cpu-60.cooldown`): it is added, and the loader decides
 * whether that key belongs there. A value reached through a YAML alias is
 * the anchored value: changing it changes every alias.
 *
 * The override edits the text: the value's characters are replaced (or a
 * `key: value` line added), the rest of the file is kept byte for byte, so
 * the scenario text stored with a run is the file as it would be written
 * with that value, and `headroom run` of that text gives the same run. */
#ifndef HEADROOM_OVERRIDE_H
#define HEADROOM_OVERRIDE_H

#include <stddef.h>

#include "headroom/error.h"

/* The places of some keys in one scenario text. */
typedef struct hr_override hr_override;

/* Find each of keys[0..n_keys) in the scenario text (len bytes; path names
 * it in messages). On success *out must be freed with hr_override_free.
 * Fails with HR_EINVAL and "KEY: what is wrong (PATH:LINE:COL); what would
 * be right" for a key that addresses nothing (an unknown key or item, a
 * mapping or list rather than a value, a value written as a block scalar,
 * two keys for the same value), the loader's message for text that is not
 * YAML, or HR_ENOMEM. */
int hr_override_new(const char *path, const char *text, size_t len, const char *const *keys,
                    size_t n_keys, hr_override **out, hr_error *err);

void hr_override_free(hr_override *o);

/* The name of the policy key i lies under (`policies.NAME....` or
 * `policies.INDEX....`), or NULL when it is not a policy's key. Borrowed
 * from o. */
const char *hr_override_policy(const hr_override *o, size_t i);

/* The text with key i set to values[i] for every key, in *text (malloc'd,
 * NUL-terminated; the caller frees it) and its length in *len. A value is
 * written plain when YAML reads it back as the same text (numbers,
 * durations, names), else double-quoted. HR_ENOMEM, or HR_EINVAL for an
 * empty value or one with a line break. */
int hr_override_apply(const hr_override *o, const char *const *values, char **text, size_t *len,
                      hr_error *err);

#endif
