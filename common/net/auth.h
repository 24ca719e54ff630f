/* auth.h - the shared secret of a run across hosts (--token).
 *
 * Challenge and response over the coordinator's tcp:// socket; the token
 * itself never goes on the wire:
 *
 *   worker                             coordinator
 *   HELLO (id, version, wnonce)    ->  CHALLENGE (cnonce,
 *                                        proof = MAC("coordinator" || wnonce))
 *   AUTH (MAC(cnonce || id))       ->  ACK (wait) / ASSIGN / REFUSE (why)
 *
 * MAC is HMAC-SHA256 keyed with the token; id is the worker's "host:pid".
 * The proof lets the worker refuse a coordinator without the token
 * before it sends anything that a stranger could use.
 */
#ifndef TSL_AUTH_H
#define TSL_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { AUTH_NONCE_LEN = 32, AUTH_MAC_LEN = 32 };

/** Fills n with fresh random bytes. @return 0 or -errno. */
int auth_nonce(uint8_t n[AUTH_NONCE_LEN]);
/** HMAC-SHA256(token, a || b) into mac. */
void auth_mac(const char *token, const void *a, size_t alen, const void *b,
    size_t blen, uint8_t mac[AUTH_MAC_LEN]);
/** The worker's answer to the coordinator's nonce. */
void auth_response(const char *token, const uint8_t nonce[AUTH_NONCE_LEN],
    const char *id, uint8_t mac[AUTH_MAC_LEN]);
/** The coordinator's proof that it holds the token too. */
void auth_proof(const char *token, const uint8_t wnonce[AUTH_NONCE_LEN],
    uint8_t mac[AUTH_MAC_LEN]);
/** Compares two MACs in constant time. */
bool auth_equal(const uint8_t a[AUTH_MAC_LEN], const uint8_t b[AUTH_MAC_LEN]);
/** Whether a worker of version theirs may join a coordinator of version
 *  ours; when not, one line with both versions into why. */
bool auth_version_ok(
    const char *theirs, const char *ours, char *why, size_t n);

#endif
