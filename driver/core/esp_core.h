/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Driver core of the ESP offload card: validates the ioctl ABI's requests and
 * turns them into register operations on the contract's register map
 * (driver/include/esp_contract.h) through an accessor, readl/writel in the
 * kernel and a simulated card in user space.
 *
 * Every function returns 0 or a negative errno. A request that fails changes
 * no state, in the core or on the card.
 */
#ifndef ESP_CORE_H
#define ESP_CORE_H

#include "esp_compat.h"
#include "esp_contract.h"
#include "uapi/esp_ioctl.h"

#ifdef __cplusplus
extern "C" {
#endif

struct esp_hw_ops {
	u32 (*read)(void *ctx, u32 offset);
	void (*write)(void *ctx, u32 offset, u32 value);
};

/* Events kept for readers; a reader that falls further behind loses the oldest. */
#define ESP_CORE_EVENT_RING 1024u

/* How many SA_STATUS polls a command may take before the card is declared hung. */
#define ESP_CORE_BUSY_POLLS 100000u

/* What the card does not read back but `sa get` reports: endpoints, as installed. */
struct esp_sa_endpoints {
	u8 src[16];
	u8 dst[16];
	u16 sport;
	u16 dport;
	u8 dir;
	struct esp_selector sel;
};

struct esp_core {
	const struct esp_hw_ops *ops;
	void *ctx;
	esp_lock_t lock; /* serialises register sequences */
	struct esp_dev_info info;
	u64 slot_used[ESP_N_SA / 64]; /* handles given out */
	struct esp_sa_endpoints endpoints[ESP_N_SA];
	u32 staged[ESP_SA_DATA_WORDS]; /* what SA_DATA holds now: unchanged words are not rewritten
					*/
	struct esp_event events[ESP_CORE_EVENT_RING];
	u64 events_next;    /* seqno the next event gets */
	u64 events_lost_hw; /* EVT_OVERFLOW last read */
	int has_ports;	    /* DEV_CAPS.PORTS: policy table, selectors, ACQUIRE */
	u32 policy_slots;   /* POL_SLOTS */
	u64 policy_used[ESP_N_POLICY / 64];
	u32 policy_id[ESP_N_POLICY]; /* ID of each used slot */
	u64 reg_writes;		     /* control-port writes issued (for the benchmark) */
	u64 reg_reads;
};

int esp_core_init(struct esp_core *c, const struct esp_hw_ops *ops, void *ctx);
void esp_core_destroy(struct esp_core *c);

int esp_core_dev_info(struct esp_core *c, struct esp_dev_info *out);
int esp_core_sa_add(struct esp_core *c, struct esp_sa_params *p); /* sets p->handle */
int esp_core_sa_update(struct esp_core *c, const struct esp_sa_params *p);
int esp_core_sa_del(struct esp_core *c, u32 handle);
int esp_core_sa_get(struct esp_core *c, struct esp_sa_state *st);
int esp_core_sa_flush(struct esp_core *c);
int esp_core_stats(struct esp_core *c, struct esp_stats *out);

/* Checks an SA request without touching the card (also used by user tools). */
int esp_core_check_sa(const struct esp_core *c, const struct esp_sa_params *p);

/*
 * Policies (by ID) and the port registers; -EOPNOTSUPP on a card without ports.
 * Errors: -EINVAL (a field out of range, see esp_selector_problem / esp_policy_problem;
 * an SA that is inbound), -ENOENT (unknown ID, SA not installed), -EEXIST (ID in use),
 * -ENOSPC (table full).
 */
int esp_core_policy_add(struct esp_core *c, const struct esp_policy *p);
int esp_core_policy_update(struct esp_core *c, const struct esp_policy *p);
int esp_core_policy_del(struct esp_core *c, u32 id);
int esp_core_policy_get(struct esp_core *c, struct esp_policy_state *st);
int esp_core_policy_next(struct esp_core *c, struct esp_policy_state *st);
int esp_core_policy_flush(struct esp_core *c);
int esp_core_port_get(struct esp_core *c, struct esp_port_config *out);
int esp_core_port_set(struct esp_core *c, const struct esp_port_config *in);
int esp_core_port_stats(struct esp_core *c, struct esp_port_stats *out);

/*
 * What is wrong with a selector / policy request, in words, or NULL when nothing is
 * (the checks the core applies before the card sees it; user tools print them).
 * allow_none: family 0 (an SA without selector) is accepted.
 */
const char *esp_selector_problem(const struct esp_selector *s, int allow_none);
const char *esp_policy_problem(const struct esp_policy *p);

/* Moves pending card events into the ring; returns how many arrived. */
int esp_core_poll_events(struct esp_core *c);

/*
 * Copies up to max events with seqno >= *cursor into out and advances *cursor.
 * Returns the count; events a slow reader missed are skipped.
 */
int esp_core_read_events(struct esp_core *c, u64 *cursor, struct esp_event *out, unsigned int max);

/* Dispatches an ioctl whose argument is already in kernel (or local) memory. */
long esp_core_ioctl(struct esp_core *c, unsigned int cmd, void *arg);

#ifdef __cplusplus
}
#endif

#endif /* ESP_CORE_H */
