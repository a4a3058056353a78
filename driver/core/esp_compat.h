/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * What the driver core needs from its environment, for the Linux kernel and
 * for user space. The core itself is the same C in both: the kernel module
 * runs exactly the code that the simulator and the tests exercise.
 */
#ifndef ESP_COMPAT_H
#define ESP_COMPAT_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/errno.h>
#include <linux/mutex.h>
#include <linux/string.h>
#include <linux/delay.h>

typedef struct mutex esp_lock_t;
#define esp_lock_init(l) mutex_init(l)
#define esp_lock_destroy(l) mutex_destroy(l)
#define esp_lock(l) mutex_lock(l)
#define esp_unlock(l) mutex_unlock(l)
#define esp_wipe(p, n) memzero_explicit((p), (n))
#define esp_relax() cpu_relax()

#else /* user space */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef pthread_mutex_t esp_lock_t;
#define esp_lock_init(l) pthread_mutex_init((l), NULL)
#define esp_lock_destroy(l) pthread_mutex_destroy(l)
#define esp_lock(l) pthread_mutex_lock(l)
#define esp_unlock(l) pthread_mutex_unlock(l)
#define esp_relax() ((void)0)

/* A wipe the compiler may not elide (the kernel has memzero_explicit). */
static inline void esp_wipe(void *p, size_t n)
{
	volatile unsigned char *v = (volatile unsigned char *)p;
	while (n--)
		*v++ = 0;
}
#endif

#endif /* ESP_COMPAT_H */
