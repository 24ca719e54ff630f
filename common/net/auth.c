/* auth.c - HMAC-SHA256 challenge and response of remote workers. */
#include "auth.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

int
auth_nonce(uint8_t n[AUTH_NONCE_LEN])
{
	return getrandom(n, AUTH_NONCE_LEN, 0) == AUTH_NONCE_LEN ? 0 : -EIO;
}

void
auth_mac(const char *token, const void *a, size_t alen, const void *b,
    size_t blen, uint8_t mac[AUTH_MAC_LEN])
{
	uint8_t      data[256];
	unsigned int len = AUTH_MAC_LEN;

	/* both parts are short: a nonce and an id or a label */
	if (alen > sizeof(data))
		alen = sizeof(data);
	if (blen > sizeof(data) - alen)
		blen = sizeof(data) - alen;
	memcpy(data, a, alen);
	memcpy(data + alen, b, blen);
	HMAC(EVP_sha256(), token, (int)strlen(token), data, alen + blen, mac,
	    &len);
}

void
auth_response(const char *token, const uint8_t nonce[AUTH_NONCE_LEN],
    const char *id, uint8_t mac[AUTH_MAC_LEN])
{
	auth_mac(token, nonce, AUTH_NONCE_LEN, id, strlen(id), mac);
}

void
auth_proof(const char *token, const uint8_t wnonce[AUTH_NONCE_LEN],
    uint8_t mac[AUTH_MAC_LEN])
{
	static const char label[] = "coordinator";

	auth_mac(token, label, sizeof(label) - 1, wnonce, AUTH_NONCE_LEN, mac);
}

bool
auth_equal(const uint8_t a[AUTH_MAC_LEN], const uint8_t b[AUTH_MAC_LEN])
{
	return CRYPTO_memcmp(a, b, AUTH_MAC_LEN) == 0;
}

bool
auth_version_ok(const char *theirs, const char *ours, char *why, size_t n)
{
	if (!strcmp(theirs, ours))
		return true;
	snprintf(why, n,
	    "version mismatch: the worker is tsload %s, the coordinator tsload %s",
	    theirs, ours);
	return false;
}
