/* crc32c.h - CRC-32C (Castagnoli), the checksum of the spool's records.
 */
#ifndef TSL_CRC32C_H
#define TSL_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/** The CRC-32C of n bytes at p, continuing from crc (0 to start):
 *  crc32c(crc32c(0, a, na), b, nb) == crc32c(0, ab, na + nb).
 *  crc32c(0, "123456789", 9) == 0xe3069283. */
uint32_t crc32c(uint32_t crc, const void *p, size_t n);

#endif
