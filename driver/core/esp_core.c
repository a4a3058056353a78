// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Driver core: ioctl requests to register sequences (see esp_core.h).
 */
#include "esp_core.h"

static u32 rd(struct esp_core *c, u32 off)
{
	c->reg_reads++;
	return c->ops->read(c->ctx, off);
}

static void wr(struct esp_core *c, u32 off, u32 val)
{
	c->reg_writes++;
	c->ops->write(c->ctx, off, val);
}

static u32 field(u32 word, u32 lsb, u32 mask)
{
	return (word >> lsb) & mask;
}

static u64 rd64(struct esp_core *c, u32 lo_off)
{
	u64 lo = rd(c, lo_off); /* reading the low word latches the high word */
	u64 hi = rd(c, ESP_REG_CNT_HI_LATCH);

	return (hi << 32) | lo;
}

static int slot_used(const struct esp_core *c, u32 h)
{
	return (c->slot_used[h / 64] >> (h % 64)) & 1;
}

static void slot_set(struct esp_core *c, u32 h, int used)
{
	if (used)
		c->slot_used[h / 64] |= (u64)1 << (h % 64);
	else
		c->slot_used[h / 64] &= ~((u64)1 << (h % 64));
}

static int sa_error_to_errno(u32 err)
{
	switch (err) {
	case ESP_SA_ERR_NONE:
		return 0;
	case ESP_SA_ERR_SLOT_IN_USE:
		return -EBUSY;
	case ESP_SA_ERR_SLOT_EMPTY:
		return -ENOENT;
	case ESP_SA_ERR_DUPLICATE:
		return -EEXIST;
	case ESP_SA_ERR_HASH_FULL:
		return -ENOSPC;
	default: /* BAD_HANDLE, BAD_PARAM, BAD_OP: the core checked first, so the card disagrees */
		return -EINVAL;
	}
}

/* Waits until the card takes SA commands again; returns SA_STATUS or -ETIMEDOUT. */
static long wait_not_busy(struct esp_core *c)
{
	u32 status, polls;

	for (polls = 0; polls < ESP_CORE_BUSY_POLLS; polls++) {
		status = rd(c, ESP_REG_SA_STATUS);
		if (!(status & (ESP_REG_SA_STATUS_BUSY_MASK << ESP_REG_SA_STATUS_BUSY_LSB)))
			return status;
		esp_relax();
	}
	return -ETIMEDOUT;
}

/* Issues an SA command and waits for it; returns 0 or a negative errno. */
static int sa_command(struct esp_core *c, u32 op, u32 handle)
{
	long status;

	wr(c, ESP_REG_SA_CMD,
	   (op << ESP_REG_SA_CMD_OP_LSB) | (handle << ESP_REG_SA_CMD_HANDLE_LSB));
	status = wait_not_busy(c);
	if (status < 0)
		return (int)status;
	return sa_error_to_errno(
		field((u32)status, ESP_REG_SA_STATUS_ERROR_LSB, ESP_REG_SA_STATUS_ERROR_MASK));
}

/* Writes a staging word only when it differs from what SA_DATA already holds. */
static void stage(struct esp_core *c, u32 word, u32 val)
{
	if (c->staged[word] != val) {
		wr(c, ESP_REG_SA_DATA + 4 * word, val);
		c->staged[word] = val;
	}
}

static void stage_all_zero(struct esp_core *c)
{
	u32 w;

	for (w = 0; w < ESP_SA_DATA_WORDS; w++) {
		wr(c, ESP_REG_SA_DATA + 4 * w, 0);
		c->staged[w] = 0;
	}
}

static u32 be32_at(const u8 *p)
{
	return ((u32)p[0] << 24) | ((u32)p[1] << 16) | ((u32)p[2] << 8) | p[3];
}

static int all_zero(const void *p, unsigned int n)
{
	const u8 *b = (const u8 *)p;
	unsigned int i;

	for (i = 0; i < n; i++)
		if (b[i])
			return 0;
	return 1;
}

int esp_core_check_sa(const struct esp_core *c, const struct esp_sa_params *p)
{
	unsigned int alen;

	if (p->alg != ESP_ALG_AES_GCM_16)
		return -EINVAL;
	if (p->dir != ESP_DIR_OUT && p->dir != ESP_DIR_IN)
		return -EINVAL;
	if (p->mode != ESP_MODE_TUNNEL && p->mode != ESP_MODE_TRANSPORT)
		return -EINVAL;
	if (p->family != ESP_FAMILY_IPV4 && p->family != ESP_FAMILY_IPV6)
		return -EINVAL;
	if (p->key_len != 16 && p->key_len != 32)
		return -EINVAL;
	if (!all_zero(p->key + p->key_len, sizeof(p->key) - p->key_len))
		return -EINVAL;
	if (p->flags & ~ESP_SA_F_ALL)
		return -EINVAL;
	if (p->replay_window > c->info.max_window)
		return -EINVAL;
	alen = p->family == ESP_FAMILY_IPV4 ? 4 : 16;
	if (!all_zero(p->src + alen, sizeof(p->src) - alen) ||
	    !all_zero(p->dst + alen, sizeof(p->dst) - alen))
		return -EINVAL;
	if (p->flags & ESP_SA_F_UDP_ENCAP) {
		if (!p->encap_sport || !p->encap_dport)
			return -EINVAL;
	} else if (p->encap_sport || p->encap_dport) {
		return -EINVAL;
	}
	if (!(p->flags & ESP_SA_F_ESN) && p->seq > 0xffffffffull)
		return -EINVAL;
	if (!all_zero(p->reserved, sizeof(p->reserved)))
		return -EINVAL;
	if (esp_selector_problem(&p->sel, 1))
		return -EINVAL;
	if (p->sel.family && p->dir != ESP_DIR_IN)
		return -EINVAL; /* selectors check decrypted packets */
	if (p->sel.family && !c->has_ports)
		return -EOPNOTSUPP;
	return 0;
}

static void remember_endpoints(struct esp_core *c, u32 h, const struct esp_sa_params *p)
{
	struct esp_sa_endpoints *e = &c->endpoints[h];

	memcpy(e->src, p->src, sizeof(e->src));
	memcpy(e->dst, p->dst, sizeof(e->dst));
	e->sport = p->encap_sport;
	e->dport = p->encap_dport;
	e->dir = p->dir;
	e->sel = p->sel;
}

/*
 * Puts an SA into SA_DATA. Every word of the record is staged (unchanged ones
 * are skipped through the shadow), so nothing of an earlier SA leaks in.
 */
static void stage_sa(struct esp_core *c, const struct esp_sa_params *p)
{
	struct esp_sa_entry e;
	u32 w[ESP_SA_DATA_WORDS], i;

	memset(&e, 0, sizeof(e));
	e.ctrl_dir = p->dir == ESP_DIR_IN;
	e.ctrl_transport = p->mode == ESP_MODE_TRANSPORT;
	e.ctrl_ipv6 = p->family == ESP_FAMILY_IPV6;
	e.ctrl_esn = !!(p->flags & ESP_SA_F_ESN);
	e.ctrl_udp_encap = !!(p->flags & ESP_SA_F_UDP_ENCAP);
	e.ctrl_key256 = p->key_len == 32;
	e.spi = p->spi;
	e.replay_window = p->replay_window;
	e.salt = be32_at(p->salt);
	for (i = 0; i < ESP_SA_W_KEY_COUNT; i++)
		e.key[i] = be32_at(p->key + 4 * i);
	for (i = 0; i < 4; i++) {
		e.src_addr[i] = be32_at(p->src + 4 * i);
		e.dst_addr[i] = be32_at(p->dst + 4 * i);
	}
	e.udp_ports_sport = p->encap_sport;
	e.udp_ports_dport = p->encap_dport;
	e.seq_lo = (u32)p->seq;
	e.seq_hi = (u32)(p->seq >> 32);
	e.byte_soft_lo = (u32)p->byte_soft;
	e.byte_soft_hi = (u32)(p->byte_soft >> 32);
	e.byte_hard_lo = (u32)p->byte_hard;
	e.byte_hard_hi = (u32)(p->byte_hard >> 32);
	e.pkt_soft_lo = (u32)p->packet_soft;
	e.pkt_soft_hi = (u32)(p->packet_soft >> 32);
	e.pkt_hard_lo = (u32)p->packet_hard;
	e.pkt_hard_hi = (u32)(p->packet_hard >> 32);
	esp_sa_entry_pack(&e, w);
	for (i = 0; i < ESP_SA_DATA_WORDS; i++)
		stage(c, i, w[i]);
	esp_wipe(&e, sizeof(e));
	esp_wipe(w, sizeof(w));
}

/* The key must not stay readable in the staging window after a command. */
static void unstage_key(struct esp_core *c)
{
	u32 i;

	for (i = 0; i < ESP_SA_W_KEY_COUNT; i++)
		stage(c, ESP_SA_W_KEY + i, 0);
	stage(c, ESP_SA_W_SALT, 0);
}

/* ---- Policies, SA selectors and ports ---------------------------------------------- */

static int addr_le(const u8 *a, const u8 *b)
{
	return memcmp(a, b, 16) <= 0;
}

const char *esp_selector_problem(const struct esp_selector *s, int allow_none)
{
	unsigned int alen;

	if (s->family == 0 && allow_none)
		return all_zero(s, sizeof(*s)) ? NULL
					       : "a selector without family must be all zero";
	if (s->family != ESP_FAMILY_IPV4 && s->family != ESP_FAMILY_IPV6)
		return "family must be IPv4 or IPv6";
	if (s->reserved0)
		return "reserved field set";
	alen = s->family == ESP_FAMILY_IPV4 ? 4 : 16;
	if (!all_zero(s->src_lo + alen, 16 - alen) || !all_zero(s->src_hi + alen, 16 - alen) ||
	    !all_zero(s->dst_lo + alen, 16 - alen) || !all_zero(s->dst_hi + alen, 16 - alen))
		return "IPv4 addresses use 4 octets";
	if (!addr_le(s->src_lo, s->src_hi))
		return "source range reversed (first address above last)";
	if (!addr_le(s->dst_lo, s->dst_hi))
		return "destination range reversed (first address above last)";
	if (s->sport_lo > s->sport_hi)
		return "source port range reversed";
	if (s->dport_lo > s->dport_hi)
		return "destination port range reversed";
	return NULL;
}

const char *esp_policy_problem(const struct esp_policy *p)
{
	if (p->dir != ESP_POLICY_OUT && p->dir != ESP_POLICY_IN)
		return "dir must be out or in";
	if (p->action > ESP_POLICY_PROTECT)
		return "unknown action";
	if (p->flags & ~ESP_POLICY_F_SA)
		return "unknown flags";
	if ((p->flags & ESP_POLICY_F_SA) && p->action != ESP_POLICY_PROTECT)
		return "only a protect policy takes an SA";
	if ((p->flags & ESP_POLICY_F_SA) && p->dir != ESP_POLICY_OUT)
		return "an SA template belongs to an outbound policy";
	if (!(p->flags & ESP_POLICY_F_SA) && p->sa_handle)
		return "sa_handle set without ESP_POLICY_F_SA";
	if (p->reserved0 || !all_zero(p->reserved, sizeof(p->reserved)))
		return "reserved field set";
	return esp_selector_problem(&p->sel, 0);
}

static void addr_words(const u8 *a, u32 w[4])
{
	u32 i;

	for (i = 0; i < 4; i++)
		w[i] = be32_at(a + 4 * i);
}

static void addr_bytes(const u32 w[4], u8 *a)
{
	u32 i;

	for (i = 0; i < 4; i++) {
		a[4 * i] = (u8)(w[i] >> 24);
		a[4 * i + 1] = (u8)(w[i] >> 16);
		a[4 * i + 2] = (u8)(w[i] >> 8);
		a[4 * i + 3] = (u8)w[i];
	}
}

static int policy_used(const struct esp_core *c, u32 slot)
{
	return (c->policy_used[slot / 64] >> (slot % 64)) & 1;
}

static void policy_set(struct esp_core *c, u32 slot, int used)
{
	if (used)
		c->policy_used[slot / 64] |= (u64)1 << (slot % 64);
	else
		c->policy_used[slot / 64] &= ~((u64)1 << (slot % 64));
}

/* Slot of the policy with this ID, or -1. */
static int policy_slot(const struct esp_core *c, u32 id)
{
	u32 i;

	for (i = 0; i < c->policy_slots; i++)
		if (policy_used(c, i) && c->policy_id[i] == id)
			return (int)i;
	return -1;
}

static int pol_error_to_errno(u32 err)
{
	switch (err) {
	case ESP_POL_ERR_NONE:
		return 0;
	case ESP_POL_ERR_SLOT_IN_USE:
		return -EBUSY;
	case ESP_POL_ERR_SLOT_EMPTY:
		return -ENOENT;
	case ESP_POL_ERR_BAD_SA:
		return -ENOENT;
	default: /* BAD_INDEX, BAD_PARAM, BAD_OP: the core checked first, so the card disagrees */
		return -EINVAL;
	}
}

static int pol_command(struct esp_core *c, u32 op, u32 index)
{
	u32 status, polls;

	wr(c, ESP_REG_POL_CMD,
	   (op << ESP_REG_POL_CMD_OP_LSB) | (index << ESP_REG_POL_CMD_INDEX_LSB));
	for (polls = 0; polls < ESP_CORE_BUSY_POLLS; polls++) {
		status = rd(c, ESP_REG_POL_STATUS);
		if (!(status & (ESP_REG_POL_STATUS_BUSY_MASK << ESP_REG_POL_STATUS_BUSY_LSB)))
			return pol_error_to_errno(field(status, ESP_REG_POL_STATUS_ERROR_LSB,
							ESP_REG_POL_STATUS_ERROR_MASK));
		esp_relax();
	}
	return -ETIMEDOUT;
}

static void selector_words(const struct esp_selector *s, u32 src_lo[4], u32 src_hi[4],
			   u32 dst_lo[4], u32 dst_hi[4])
{
	addr_words(s->src_lo, src_lo);
	addr_words(s->src_hi, src_hi);
	addr_words(s->dst_lo, dst_lo);
	addr_words(s->dst_hi, dst_hi);
}

/* Writes an SA's selector (or "no check") to SEL_DATA and commits it to the handle. */
static int write_selector(struct esp_core *c, u32 handle, const struct esp_selector *s)
{
	struct esp_sa_selector r;
	u32 w[ESP_SEL_DATA_WORDS], i;

	memset(&r, 0, sizeof(r));
	if (s->family) {
		r.ctrl_valid = 1;
		r.ctrl_ipv6 = s->family == ESP_FAMILY_IPV6;
		r.ctrl_proto = s->proto;
		selector_words(s, r.src_lo, r.src_hi, r.dst_lo, r.dst_hi);
		r.sport_lo = s->sport_lo;
		r.sport_hi = s->sport_hi;
		r.dport_lo = s->dport_lo;
		r.dport_hi = s->dport_hi;
	}
	esp_sa_selector_pack(&r, w);
	for (i = 0; i < ESP_SEL_DATA_WORDS; i++)
		wr(c, ESP_REG_SEL_DATA + 4 * i, w[i]);
	return pol_command(c, ESP_POL_OP_SEL_WRITE, handle);
}

static void stage_policy(struct esp_core *c, const struct esp_policy *p)
{
	struct esp_policy_entry e;
	u32 w[ESP_POLICY_DATA_WORDS], i;

	memset(&e, 0, sizeof(e));
	e.ctrl_dir = p->dir == ESP_POLICY_IN;
	e.ctrl_ipv6 = p->sel.family == ESP_FAMILY_IPV6;
	e.ctrl_action = p->action == ESP_POLICY_ALLOW	? ESP_POL_ACT_BYPASS
			: p->action == ESP_POLICY_BLOCK ? ESP_POL_ACT_BLOCK
							: ESP_POL_ACT_PROTECT;
	e.ctrl_has_sa = !!(p->flags & ESP_POLICY_F_SA);
	e.id = p->id;
	e.prio = p->priority;
	e.proto_sa_proto = p->sel.proto;
	e.proto_sa_sa_handle = p->sa_handle;
	selector_words(&p->sel, e.src_lo, e.src_hi, e.dst_lo, e.dst_hi);
	e.sport_lo = p->sel.sport_lo;
	e.sport_hi = p->sel.sport_hi;
	e.dport_lo = p->sel.dport_lo;
	e.dport_hi = p->sel.dport_hi;
	esp_policy_entry_pack(&e, w);
	for (i = 0; i < ESP_POLICY_DATA_WORDS; i++)
		wr(c, ESP_REG_POL_DATA + 4 * i, w[i]);
}

/* Checks a request against the core's state: ports, fields, the SA it names. */
static int check_policy(const struct esp_core *c, const struct esp_policy *p)
{
	if (!c->has_ports)
		return -EOPNOTSUPP;
	if (esp_policy_problem(p))
		return -EINVAL;
	if (p->flags & ESP_POLICY_F_SA) {
		if (p->sa_handle >= c->info.sa_slots || !slot_used(c, p->sa_handle))
			return -ENOENT;
		if (c->endpoints[p->sa_handle].dir != ESP_DIR_OUT)
			return -EINVAL;
	}
	return 0;
}

int esp_core_policy_add(struct esp_core *c, const struct esp_policy *p)
{
	u32 slot;
	int ret = check_policy(c, p);

	if (ret)
		return ret;
	esp_lock(&c->lock);
	if (policy_slot(c, p->id) >= 0) {
		ret = -EEXIST;
		goto out;
	}
	for (slot = 0; slot < c->policy_slots && policy_used(c, slot); slot++)
		;
	if (slot == c->policy_slots) {
		ret = -ENOSPC;
		goto out;
	}
	stage_policy(c, p);
	ret = pol_command(c, ESP_POL_OP_WRITE, slot);
	if (!ret) {
		policy_set(c, slot, 1);
		c->policy_id[slot] = p->id;
	}
out:
	esp_unlock(&c->lock);
	return ret;
}

int esp_core_policy_update(struct esp_core *c, const struct esp_policy *p)
{
	int slot, ret = check_policy(c, p);

	if (ret)
		return ret;
	esp_lock(&c->lock);
	slot = policy_slot(c, p->id);
	if (slot < 0) {
		ret = -ENOENT;
	} else {
		stage_policy(c, p);
		ret = pol_command(c, ESP_POL_OP_UPDATE, (u32)slot);
	}
	esp_unlock(&c->lock);
	return ret;
}

int esp_core_policy_del(struct esp_core *c, u32 id)
{
	int slot, ret;

	if (!c->has_ports)
		return -EOPNOTSUPP;
	esp_lock(&c->lock);
	slot = policy_slot(c, id);
	if (slot < 0) {
		ret = -ENOENT;
	} else {
		ret = pol_command(c, ESP_POL_OP_DELETE, (u32)slot);
		if (!ret)
			policy_set(c, (u32)slot, 0);
	}
	esp_unlock(&c->lock);
	return ret;
}

/* Reads slot back from the card into st (the caller holds the lock). */
static int read_policy(struct esp_core *c, u32 slot, struct esp_policy_state *st)
{
	struct esp_policy_readback r;
	struct esp_policy_entry e;
	struct esp_policy *p = &st->policy;
	u32 w[ESP_POLICY_READ_WORDS], i;
	int ret = pol_command(c, ESP_POL_OP_READ, slot);

	if (ret)
		return ret;
	for (i = 0; i < ESP_POLICY_READ_WORDS; i++)
		w[i] = rd(c, ESP_REG_POL_READ + 4 * i);
	esp_policy_readback_unpack(w, &r);
	memset(w, 0, sizeof(w));
	memcpy(w, r.entry, sizeof(r.entry));
	esp_policy_entry_unpack(w, &e);
	memset(st, 0, sizeof(*st));
	p->id = e.id;
	p->priority = e.prio;
	p->dir = e.ctrl_dir ? ESP_POLICY_IN : ESP_POLICY_OUT;
	p->action = e.ctrl_action == ESP_POL_ACT_BYPASS	 ? ESP_POLICY_ALLOW
		    : e.ctrl_action == ESP_POL_ACT_BLOCK ? ESP_POLICY_BLOCK
							 : ESP_POLICY_PROTECT;
	p->flags = e.ctrl_has_sa ? ESP_POLICY_F_SA : 0;
	p->sa_handle = e.proto_sa_sa_handle;
	p->sel.family = e.ctrl_ipv6 ? ESP_FAMILY_IPV6 : ESP_FAMILY_IPV4;
	p->sel.proto = (u8)e.proto_sa_proto;
	addr_bytes(e.src_lo, p->sel.src_lo);
	addr_bytes(e.src_hi, p->sel.src_hi);
	addr_bytes(e.dst_lo, p->sel.dst_lo);
	addr_bytes(e.dst_hi, p->sel.dst_hi);
	p->sel.sport_lo = (u16)e.sport_lo;
	p->sel.sport_hi = (u16)e.sport_hi;
	p->sel.dport_lo = (u16)e.dport_lo;
	p->sel.dport_hi = (u16)e.dport_hi;
	st->packets = ((u64)r.pkts_hi << 32) | r.pkts_lo;
	st->bytes = ((u64)r.bytes_hi << 32) | r.bytes_lo;
	st->drops = ((u64)r.drops_hi << 32) | r.drops_lo;
	st->slot = slot;
	return 0;
}

int esp_core_policy_get(struct esp_core *c, struct esp_policy_state *st)
{
	int slot, ret;

	if (!c->has_ports)
		return -EOPNOTSUPP;
	esp_lock(&c->lock);
	slot = policy_slot(c, st->policy.id);
	ret = slot < 0 ? -ENOENT : read_policy(c, (u32)slot, st);
	esp_unlock(&c->lock);
	return ret;
}

int esp_core_policy_next(struct esp_core *c, struct esp_policy_state *st)
{
	u32 i, want = st->policy.id;
	int best = -1, ret;

	if (!c->has_ports)
		return -EOPNOTSUPP;
	esp_lock(&c->lock);
	for (i = 0; i < c->policy_slots; i++)
		if (policy_used(c, i) && c->policy_id[i] >= want &&
		    (best < 0 || c->policy_id[i] < c->policy_id[best]))
			best = (int)i;
	ret = best < 0 ? -ENOENT : read_policy(c, (u32)best, st);
	esp_unlock(&c->lock);
	return ret;
}

int esp_core_policy_flush(struct esp_core *c)
{
	int ret;

	if (!c->has_ports)
		return -EOPNOTSUPP;
	esp_lock(&c->lock);
	ret = pol_command(c, ESP_POL_OP_FLUSH, 0);
	if (!ret)
		memset(c->policy_used, 0, sizeof(c->policy_used));
	esp_unlock(&c->lock);
	return ret;
}

int esp_core_port_get(struct esp_core *c, struct esp_port_config *out)
{
	if (!c->has_ports)
		return -EOPNOTSUPP;
	memset(out, 0, sizeof(*out));
	esp_lock(&c->lock);
	out->default_action = rd(c, ESP_REG_DEFAULT_ACTION);
	out->wire_mtu = rd(c, ESP_REG_WIRE_MTU);
	out->acq_holdoff_us = rd(c, ESP_REG_ACQ_HOLDOFF);
	esp_unlock(&c->lock);
	return 0;
}

int esp_core_port_set(struct esp_core *c, const struct esp_port_config *in)
{
	if (!c->has_ports)
		return -EOPNOTSUPP;
	if (in->default_action & ~(ESP_PORT_OUT_BLOCK | ESP_PORT_IN_BLOCK) || in->reserved)
		return -EINVAL;
	if (in->wire_mtu < 68 || in->wire_mtu > ESP_MAX_PACKET_BYTES + 85)
		return -EINVAL;
	esp_lock(&c->lock);
	wr(c, ESP_REG_DEFAULT_ACTION,
	   (!!(in->default_action & ESP_PORT_OUT_BLOCK) << ESP_REG_DEFAULT_ACTION_OUT_BLOCK_LSB) |
		   (!!(in->default_action & ESP_PORT_IN_BLOCK)
		    << ESP_REG_DEFAULT_ACTION_IN_BLOCK_LSB));
	wr(c, ESP_REG_WIRE_MTU, in->wire_mtu);
	wr(c, ESP_REG_ACQ_HOLDOFF, in->acq_holdoff_us);
	esp_unlock(&c->lock);
	return 0;
}

int esp_core_port_stats(struct esp_core *c, struct esp_port_stats *out)
{
	u32 i;

	if (!c->has_ports)
		return -EOPNOTSUPP;
	memset(out, 0, sizeof(*out));
	esp_lock(&c->lock);
	for (i = 0; i < ESP_NUM_PORT_FATES && i < ESP_PORT_FATE_COUNT; i++)
		out->frames[i] = rd64(c, ESP_REG_PORT_CNT + 4 * i);
	out->acquires_lost = rd(c, ESP_REG_ACQ_LOST);
	esp_unlock(&c->lock);
	return 0;
}

/* The ACQUIRE record EVT_POP just latched into ACQ_DATA, as the event's payload. */
static void read_acquire(struct esp_core *c, struct esp_event *e)
{
	struct esp_acquire_record r;
	u32 w[ESP_ACQ_DATA_WORDS], i;

	for (i = 0; i < ESP_ACQ_DATA_WORDS; i++)
		w[i] = rd(c, ESP_REG_ACQ_DATA + 4 * i);
	esp_acquire_record_unpack(w, &r);
	e->handle = r.policy_id;
	e->acquire.family = r.info_ipv6 ? ESP_FAMILY_IPV6 : ESP_FAMILY_IPV4;
	e->acquire.proto = (u8)r.info_proto;
	e->acquire.sport = (u16)r.ports_sport;
	e->acquire.dport = (u16)r.ports_dport;
	e->acquire.policy_slot = r.info_slot;
	addr_bytes(r.src, e->acquire.src);
	addr_bytes(r.dst, e->acquire.dst);
	e->acquire.time_us = r.raised_at;
}

/* The kernel's ioctl buffer is a union of the ABI's structs, sized by esp_sa_params. */
_Static_assert(sizeof(struct esp_port_stats) <= sizeof(struct esp_sa_params), "ioctl buffer");
_Static_assert(sizeof(struct esp_policy_state) <= sizeof(struct esp_sa_params), "ioctl buffer");

int esp_core_init(struct esp_core *c, const struct esp_hw_ops *ops, void *ctx)
{
	memset(c, 0, sizeof(*c));
	c->ops = ops;
	c->ctx = ctx;
	esp_lock_init(&c->lock);
	c->info.dev_id = rd(c, ESP_REG_DEV_ID);
	if (c->info.dev_id != ESP_DEV_ID_VALUE)
		return -ENODEV;
	c->info.version = rd(c, ESP_REG_DEV_VERSION);
	if (c->info.version != ESP_CONTRACT_VERSION)
		return -ENODEV;
	c->info.caps = rd(c, ESP_REG_DEV_CAPS);
	c->info.sa_slots = rd(c, ESP_REG_DEV_SA_SLOTS);
	c->info.max_window = rd(c, ESP_REG_DEV_MAX_WINDOW);
	if (c->info.sa_slots == 0 || c->info.sa_slots > ESP_N_SA)
		return -ENODEV;
	c->has_ports = field(c->info.caps, ESP_REG_DEV_CAPS_PORTS_LSB, 1);
	if (c->has_ports) {
		c->policy_slots = rd(c, ESP_REG_POL_SLOTS);
		if (c->policy_slots == 0 || c->policy_slots > ESP_N_POLICY)
			return -ENODEV;
	}
	/* Start from a known card: empty table, zero counters, empty staging. */
	wr(c, ESP_REG_DEV_CONTROL, 1u << ESP_REG_DEV_CONTROL_SOFT_RESET_LSB);
	/* The RTL clears its table a slot per cycle; SA commands are ignored meanwhile. */
	if (wait_not_busy(c) < 0)
		return -ETIMEDOUT;
	stage_all_zero(c);
	c->events_lost_hw = 0;
	return 0;
}

void esp_core_destroy(struct esp_core *c)
{
	esp_lock(&c->lock);
	unstage_key(c);
	esp_unlock(&c->lock);
	esp_lock_destroy(&c->lock);
}

int esp_core_dev_info(struct esp_core *c, struct esp_dev_info *out)
{
	*out = c->info;
	return 0;
}

int esp_core_sa_add(struct esp_core *c, struct esp_sa_params *p)
{
	u32 h;
	int ret = esp_core_check_sa(c, p);

	if (ret)
		return ret;
	esp_lock(&c->lock);
	for (h = 0; h < c->info.sa_slots && slot_used(c, h); h++)
		;
	if (h == c->info.sa_slots) {
		ret = -ENOSPC;
		goto out;
	}
	/* The selector goes first: an SA is never live without its check. */
	ret = c->has_ports ? write_selector(c, h, &p->sel) : 0;
	if (ret)
		goto out;
	stage_sa(c, p);
	ret = sa_command(c, ESP_SA_OP_WRITE, h);
	unstage_key(c);
	if (!ret) {
		slot_set(c, h, 1);
		remember_endpoints(c, h, p);
		p->handle = h;
	}
out:
	esp_unlock(&c->lock);
	return ret;
}

int esp_core_sa_update(struct esp_core *c, const struct esp_sa_params *p)
{
	int ret = esp_core_check_sa(c, p);

	if (ret)
		return ret;
	if (p->handle >= c->info.sa_slots)
		return -EINVAL;
	esp_lock(&c->lock);
	if (!slot_used(c, p->handle)) {
		ret = -ENOENT;
	} else {
		ret = c->has_ports ? write_selector(c, p->handle, &p->sel) : 0;
		if (!ret) {
			stage_sa(c, p);
			ret = sa_command(c, ESP_SA_OP_UPDATE, p->handle);
			unstage_key(c);
		}
		if (!ret)
			remember_endpoints(c, p->handle, p);
	}
	esp_unlock(&c->lock);
	return ret;
}

int esp_core_sa_del(struct esp_core *c, u32 handle)
{
	int ret;

	if (handle >= c->info.sa_slots)
		return -EINVAL;
	esp_lock(&c->lock);
	if (!slot_used(c, handle)) {
		ret = -ENOENT;
	} else {
		ret = sa_command(c, ESP_SA_OP_DELETE, handle);
		if (!ret)
			slot_set(c, handle, 0);
	}
	esp_unlock(&c->lock);
	return ret;
}

int esp_core_sa_get(struct esp_core *c, struct esp_sa_state *st)
{
	u32 handle = st->handle, w[ESP_SA_READ_WORDS], i;
	struct esp_sa_readback r;
	struct esp_sa_entry ctrl;
	int ret;

	if (handle >= c->info.sa_slots)
		return -EINVAL;
	esp_lock(&c->lock);
	if (!slot_used(c, handle)) {
		ret = -ENOENT;
		goto out;
	}
	ret = sa_command(c, ESP_SA_OP_READ, handle);
	if (ret)
		goto out;
	for (i = 0; i < ESP_SA_READ_WORDS; i++)
		w[i] = rd(c, ESP_REG_SA_READ + 4 * i);
	esp_sa_readback_unpack(w, &r);
	/* STATE.CTRL is the SA's CTRL word: decode it with the sa_entry record. */
	memset(w, 0, sizeof(w));
	w[ESP_SA_W_CTRL] = r.state_ctrl;
	esp_sa_entry_unpack(w, &ctrl);
	memset(st, 0, sizeof(*st));
	st->handle = handle;
	st->state = (r.state_valid ? ESP_SA_S_VALID : 0) |
		    (r.state_disabled ? ESP_SA_S_DISABLED : 0) |
		    (r.state_soft_bytes ? ESP_SA_S_SOFT_BYTES : 0) |
		    (r.state_soft_packets ? ESP_SA_S_SOFT_PACKETS : 0);
	st->dir = ctrl.ctrl_dir ? ESP_DIR_IN : ESP_DIR_OUT;
	st->mode = ctrl.ctrl_transport ? ESP_MODE_TRANSPORT : ESP_MODE_TUNNEL;
	st->family = ctrl.ctrl_ipv6 ? ESP_FAMILY_IPV6 : ESP_FAMILY_IPV4;
	st->key_len = ctrl.ctrl_key256 ? 32 : 16;
	st->flags =
		(ctrl.ctrl_esn ? ESP_SA_F_ESN : 0) | (ctrl.ctrl_udp_encap ? ESP_SA_F_UDP_ENCAP : 0);
	st->spi = r.spi;
	st->replay_window = r.replay_window;
	st->seq = ((u64)r.seq_hi << 32) | r.seq_lo;
	st->packets = ((u64)r.pkts_hi << 32) | r.pkts_lo;
	st->bytes = ((u64)r.bytes_hi << 32) | r.bytes_lo;
	for (i = 0; i < ESP_NUM_DROP_CODES; i++)
		st->drops[i] = ((u64)r.drops[2 * i + 1] << 32) | r.drops[2 * i];
	memcpy(st->src, c->endpoints[handle].src, sizeof(st->src));
	memcpy(st->dst, c->endpoints[handle].dst, sizeof(st->dst));
	st->encap_sport = c->endpoints[handle].sport;
	st->encap_dport = c->endpoints[handle].dport;
	st->sel = c->endpoints[handle].sel;
out:
	esp_unlock(&c->lock);
	return ret;
}

int esp_core_sa_flush(struct esp_core *c)
{
	int ret;

	esp_lock(&c->lock);
	ret = sa_command(c, ESP_SA_OP_FLUSH, 0);
	if (!ret)
		memset(c->slot_used, 0, sizeof(c->slot_used));
	esp_unlock(&c->lock);
	return ret;
}

int esp_core_stats(struct esp_core *c, struct esp_stats *out)
{
	u32 i;

	memset(out, 0, sizeof(*out));
	esp_lock(&c->lock);
	out->packets_in = rd64(c, ESP_REG_CNT_PKTS_IN);
	out->packets_out = rd64(c, ESP_REG_CNT_PKTS_OUT);
	out->bytes_in = rd64(c, ESP_REG_CNT_BYTES_IN);
	out->bytes_out = rd64(c, ESP_REG_CNT_BYTES_OUT);
	for (i = 1; i < ESP_NUM_DROP_CODES; i++)
		out->drops[i] = rd64(c, ESP_REG_CNT_DROPS + 4 * i);
	c->events_lost_hw = rd(c, ESP_REG_EVT_OVERFLOW);
	out->events_lost = c->events_lost_hw;
	esp_unlock(&c->lock);
	return 0;
}

int esp_core_poll_events(struct esp_core *c)
{
	int n = 0;
	u32 pending, word;

	esp_lock(&c->lock);
	pending = rd(c, ESP_REG_EVT_COUNT);
	/* The card holds at most EVENT_QUEUE_DEPTH events; a larger count (all ones from a card
	 * gone from the bus) must not keep the lock for 2^32 reads. */
	if (pending > ESP_EVENT_QUEUE_DEPTH)
		pending = ESP_EVENT_QUEUE_DEPTH;
	while (pending--) {
		struct esp_event *e;
		u32 type;

		word = rd(c, ESP_REG_EVT_POP);
		type = field(word, ESP_EVTW_TYPE_LSB, ESP_EVTW_TYPE_MASK);
		if (type == ESP_EVT_NONE || type >= ESP_EVT_COUNT)
			break;
		e = &c->events[c->events_next % ESP_CORE_EVENT_RING];
		e->type = type;
		e->handle = field(word, ESP_EVTW_HANDLE_LSB, ESP_EVTW_HANDLE_MASK);
		memset(&e->acquire, 0, sizeof(e->acquire));
		if (e->type == ESP_EVT_ACQUIRE)
			read_acquire(c, e);
		e->seqno = c->events_next++;
		/* A hard expiry or exhaustion leaves the slot allocated: the SA is stopped, not
		 * gone. */
		n++;
	}
	esp_unlock(&c->lock);
	return n;
}

int esp_core_read_events(struct esp_core *c, u64 *cursor, struct esp_event *out, unsigned int max)
{
	unsigned int n = 0;

	esp_lock(&c->lock);
	if (c->events_next > ESP_CORE_EVENT_RING && *cursor < c->events_next - ESP_CORE_EVENT_RING)
		*cursor = c->events_next - ESP_CORE_EVENT_RING;
	while (n < max && *cursor < c->events_next) {
		out[n++] = c->events[*cursor % ESP_CORE_EVENT_RING];
		(*cursor)++;
	}
	esp_unlock(&c->lock);
	return (int)n;
}

long esp_core_ioctl(struct esp_core *c, unsigned int cmd, void *arg)
{
	switch (cmd) {
	case ESP_IOC_DEV_INFO:
		return esp_core_dev_info(c, (struct esp_dev_info *)arg);
	case ESP_IOC_SA_ADD:
		return esp_core_sa_add(c, (struct esp_sa_params *)arg);
	case ESP_IOC_SA_UPDATE:
		return esp_core_sa_update(c, (const struct esp_sa_params *)arg);
	case ESP_IOC_SA_DEL:
		return esp_core_sa_del(c, *(const u32 *)arg);
	case ESP_IOC_SA_GET:
		return esp_core_sa_get(c, (struct esp_sa_state *)arg);
	case ESP_IOC_SA_FLUSH:
		return esp_core_sa_flush(c);
	case ESP_IOC_STATS:
		return esp_core_stats(c, (struct esp_stats *)arg);
	case ESP_IOC_POLICY_ADD:
		return esp_core_policy_add(c, (const struct esp_policy *)arg);
	case ESP_IOC_POLICY_UPDATE:
		return esp_core_policy_update(c, (const struct esp_policy *)arg);
	case ESP_IOC_POLICY_DEL:
		return esp_core_policy_del(c, *(const u32 *)arg);
	case ESP_IOC_POLICY_GET:
		return esp_core_policy_get(c, (struct esp_policy_state *)arg);
	case ESP_IOC_POLICY_NEXT:
		return esp_core_policy_next(c, (struct esp_policy_state *)arg);
	case ESP_IOC_POLICY_FLUSH:
		return esp_core_policy_flush(c);
	case ESP_IOC_PORT_GET:
		return esp_core_port_get(c, (struct esp_port_config *)arg);
	case ESP_IOC_PORT_SET:
		return esp_core_port_set(c, (const struct esp_port_config *)arg);
	case ESP_IOC_PORT_STATS:
		return esp_core_port_stats(c, (struct esp_port_stats *)arg);
	default:
		return -ENOTTY;
	}
}
