/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * ioctl ABI of the ESP offload card (/dev/espN). The same structures travel
 * over the simulated card's UNIX socket, so every backend speaks this ABI.
 * All structures have a fixed layout: explicit padding, no pointers, naturally
 * aligned 64-bit fields; reserved fields must be zero (checked by the driver).
 */
#ifndef UAPI_ESP_IOCTL_H
#define UAPI_ESP_IOCTL_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define ESP_IOCTL_MAGIC 'E'

/* esp_sa_params.alg */
#define ESP_ALG_AES_GCM_16 1 /* rfc4106(gcm(aes)), 16-octet ICV */

/* esp_sa_params.dir */
#define ESP_DIR_OUT 0
#define ESP_DIR_IN 1

/* esp_sa_params.mode */
#define ESP_MODE_TUNNEL 0
#define ESP_MODE_TRANSPORT 1

/* esp_sa_params.flags */
#define ESP_SA_F_ESN (1u << 0)
#define ESP_SA_F_UDP_ENCAP (1u << 1)
#define ESP_SA_F_ALL (ESP_SA_F_ESN | ESP_SA_F_UDP_ENCAP)

/* esp_sa_params.family: outer address family */
#define ESP_FAMILY_IPV4 4
#define ESP_FAMILY_IPV6 6

struct esp_dev_info {
	__u32 dev_id;	  /* ESP_DEV_ID_VALUE */
	__u32 version;	  /* ESP_CONTRACT_VERSION */
	__u32 caps;	  /* DEV_CAPS bits */
	__u32 sa_slots;	  /* N_SA */
	__u32 max_window; /* MAX_REPLAY_WINDOW */
	__u32 reserved[3];
};

/*
 * Traffic selector of a policy, or of an inbound SA (checked on decrypted packets;
 * family 0 = no check). Addresses are ranges, lo <= hi (a subnet is the range from its
 * first to its last address), IPv4 in [0..3] with the rest zero. proto 0 = any. Ports
 * (ICMP: type in sport, code in dport) are ranges; 0-65535 also matches packets that
 * carry no ports.
 */
struct esp_selector {
	__u8 family; /* ESP_FAMILY_*, or 0 (SA: no selector) */
	__u8 proto;
	__u16 reserved0;
	__u8 src_lo[16];
	__u8 src_hi[16];
	__u8 dst_lo[16];
	__u8 dst_hi[16];
	__u16 sport_lo;
	__u16 sport_hi;
	__u16 dport_lo;
	__u16 dport_hi;
};

/* An SA as the card holds it. Keys go in, never come back out. */
struct esp_sa_params {
	__u32 handle;	     /* SA_ADD: out (slot chosen by the driver); others: in */
	__u32 alg;	     /* ESP_ALG_* */
	__u8 dir;	     /* ESP_DIR_* */
	__u8 mode;	     /* ESP_MODE_* */
	__u8 family;	     /* ESP_FAMILY_* */
	__u8 key_len;	     /* 16 or 32 (AES key octets, salt excluded) */
	__u32 flags;	     /* ESP_SA_F_* */
	__u32 spi;	     /* host byte order */
	__u32 replay_window; /* 0 (off) or 1..max_window; inbound only */
	__u8 key[32];	     /* AES key, key_len octets used, rest zero */
	__u8 salt[4];	     /* RFC 4106 salt */
	__u8 src[16];	     /* outer source address (IPv4 in src[0..3]) */
	__u8 dst[16];	     /* outer destination address */
	__u16 encap_sport;   /* UDP encapsulation ports (ESP_SA_F_UDP_ENCAP) */
	__u16 encap_dport;
	__u64 seq;	 /* out: last sequence number sent; in: window top */
	__u64 byte_soft; /* lifetime limits on inner bytes / packets; 0 = none */
	__u64 byte_hard;
	__u64 packet_soft;
	__u64 packet_hard;
	struct esp_selector sel; /* inbound: what decrypted packets must match (family 0: none) */
	__u32 reserved[4];
};

/* esp_sa_state.state bits */
#define ESP_SA_S_VALID (1u << 0)
#define ESP_SA_S_DISABLED (1u << 1)
#define ESP_SA_S_SOFT_BYTES (1u << 2)
#define ESP_SA_S_SOFT_PACKETS (1u << 3)

#define ESP_NUM_DROP_CODES 8

struct esp_sa_state {
	__u32 handle; /* in */
	__u32 state;  /* ESP_SA_S_* */
	__u32 spi;
	__u32 replay_window;
	__u8 dir;
	__u8 mode;
	__u8 family;
	__u8 key_len;
	__u32 flags;
	__u64 seq;
	__u64 packets;			 /* processed OK (lifetime counter) */
	__u64 bytes;			 /* inner bytes processed OK (lifetime counter) */
	__u64 drops[ESP_NUM_DROP_CODES]; /* by drop code; [0] unused */
	__u8 src[16];			 /* outer addresses and ports as installed */
	__u8 dst[16];
	__u16 encap_sport;
	__u16 encap_dport;
	__u32 reserved[3];
	struct esp_selector sel; /* as installed */
};

struct esp_stats {
	__u64 packets_in;
	__u64 packets_out;
	__u64 bytes_in;
	__u64 bytes_out;
	__u64 drops[ESP_NUM_DROP_CODES];
	__u64 events_lost;
	__u64 reserved[3];
};

/* Event types, as delivered by read(): one struct esp_event each. */
#define ESP_EV_SOFT_BYTES 1
#define ESP_EV_SOFT_PACKETS 2
#define ESP_EV_HARD_BYTES 3
#define ESP_EV_HARD_PACKETS 4
#define ESP_EV_SEQ_EXHAUSTED 5
#define ESP_EV_SA_DELETED 6
#define ESP_EV_ACQUIRE 7 /* handle: the policy's ID; acquire: the packet */

/* The packet that hit a protect policy without an SA. */
struct esp_acquire {
	__u8 family; /* ESP_FAMILY_* */
	__u8 proto;
	__u16 sport; /* ICMP: type; 0 when the packet has no ports */
	__u16 dport; /* ICMP: code */
	__u16 reserved0;
	__u32 policy_slot;
	__u8 src[16];
	__u8 dst[16];
	__u32 time_us; /* the card's port clock when it was raised */
	__u32 reserved1;
};

struct esp_event {
	__u32 type;		    /* ESP_EV_* */
	__u32 handle;		    /* SA handle; ACQUIRE: policy ID */
	__u64 seqno;		    /* running number of events seen by the driver */
	struct esp_acquire acquire; /* ESP_EV_ACQUIRE only, else zero */
};

/* esp_policy.dir */
#define ESP_POLICY_OUT 0 /* host to wire */
#define ESP_POLICY_IN 1	 /* clear traffic wire to host */

/* esp_policy.action */
#define ESP_POLICY_ALLOW 0
#define ESP_POLICY_BLOCK 1
#define ESP_POLICY_PROTECT 2 /* with sa_handle (ESP_POLICY_F_SA) or, without, drop + ACQUIRE */

/* esp_policy.flags */
#define ESP_POLICY_F_SA (1u << 0)

/* A policy of the card's table. The ID names it (unique); lower priority wins, then lower ID. */
struct esp_policy {
	__u32 id;
	__u32 priority;
	__u8 dir;    /* ESP_POLICY_OUT / IN */
	__u8 action; /* ESP_POLICY_* */
	__u8 flags;  /* ESP_POLICY_F_* */
	__u8 reserved0;
	__u32 sa_handle; /* PROTECT with ESP_POLICY_F_SA: an installed outbound SA */
	struct esp_selector sel;
	__u32 reserved[4];
};

struct esp_policy_state {
	struct esp_policy policy; /* GET: policy.id in; NEXT: the lowest ID wanted in */
	__u64 packets;		  /* frames that matched */
	__u64 bytes;		  /* their IP bytes */
	__u64 drops;		  /* of those, dropped (block, acquire, MTU) */
	__u32 slot;		  /* the card's table slot */
	__u32 reserved[3];
};

/* esp_port_config.default_action bits: what happens to traffic no policy matches */
#define ESP_PORT_OUT_BLOCK (1u << 0)
#define ESP_PORT_IN_BLOCK (1u << 1)

struct esp_port_config {
	__u32 default_action; /* ESP_PORT_*_BLOCK; 0 = bypass both ways */
	__u32 wire_mtu;	      /* longest IP packet sent on the wire, 68..9301 */
	__u32 acq_holdoff_us; /* least time between two ACQUIREs of one policy */
	__u32 reserved;
};

#define ESP_NUM_PORT_FATES 24

struct esp_port_stats {
	__u64 frames[ESP_NUM_PORT_FATES]; /* by fate code (docs/contract.md "Port frame fates") */
	__u64 acquires_lost;
	__u64 reserved;
};

#define ESP_IOC_DEV_INFO _IOR(ESP_IOCTL_MAGIC, 0x01, struct esp_dev_info)
#define ESP_IOC_SA_ADD _IOWR(ESP_IOCTL_MAGIC, 0x10, struct esp_sa_params)
#define ESP_IOC_SA_UPDATE _IOW(ESP_IOCTL_MAGIC, 0x11, struct esp_sa_params)
#define ESP_IOC_SA_DEL _IOW(ESP_IOCTL_MAGIC, 0x12, __u32)
#define ESP_IOC_SA_GET _IOWR(ESP_IOCTL_MAGIC, 0x13, struct esp_sa_state)
#define ESP_IOC_SA_FLUSH _IO(ESP_IOCTL_MAGIC, 0x14)
#define ESP_IOC_STATS _IOR(ESP_IOCTL_MAGIC, 0x20, struct esp_stats)
/* Policies and ports: -EOPNOTSUPP on a card without ports (DEV_CAPS.PORTS). */
#define ESP_IOC_POLICY_ADD _IOW(ESP_IOCTL_MAGIC, 0x30, struct esp_policy)
#define ESP_IOC_POLICY_UPDATE _IOW(ESP_IOCTL_MAGIC, 0x31, struct esp_policy) /* by ID, atomic */
#define ESP_IOC_POLICY_DEL _IOW(ESP_IOCTL_MAGIC, 0x32, __u32)		     /* by ID */
#define ESP_IOC_POLICY_GET _IOWR(ESP_IOCTL_MAGIC, 0x33, struct esp_policy_state)
#define ESP_IOC_POLICY_NEXT                                                                        \
	_IOWR(ESP_IOCTL_MAGIC, 0x34, struct esp_policy_state) /* -ENOENT past the last */
#define ESP_IOC_POLICY_FLUSH _IO(ESP_IOCTL_MAGIC, 0x35)
#define ESP_IOC_PORT_GET _IOR(ESP_IOCTL_MAGIC, 0x36, struct esp_port_config)
#define ESP_IOC_PORT_SET _IOW(ESP_IOCTL_MAGIC, 0x37, struct esp_port_config)
#define ESP_IOC_PORT_STATS _IOR(ESP_IOCTL_MAGIC, 0x38, struct esp_port_stats)

#endif /* UAPI_ESP_IOCTL_H */
