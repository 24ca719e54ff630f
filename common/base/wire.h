/* wire.h - the one little-endian codec of the wire formats (the nng
 * protocol in proto.c, the query latencies in qsummary.c).
 */
#ifndef TSL_WIRE_H
#define TSL_WIRE_H

#include <stdint.h>

/* Stores the low n bytes (n <= 8) of v at p, least significant first. */
static inline void
wire_put_le(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Reads n bytes (n <= 8) at p, least significant first. */
static inline uint64_t
wire_get_le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

#endif
