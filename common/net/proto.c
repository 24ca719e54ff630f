/* proto.c - encoding and decoding of coordinator/worker messages.
 * Everything is little-endian on the wire, whatever the host, so that a
 * worker on another machine can join a coordinator.
 */
#include "proto.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "wire.h"
#include "xalloc.h"

static void
put_le(struct buf *b, uint64_t v, unsigned n)
{
	uint8_t tmp[8];

	wire_put_le(tmp, v, n);
	/* Messages are bounded (a histogram, a command line) far below the
	 * PROTO_MAX_MSG cap of the buffers they are built in. */
	(void)buf_add(b, tmp, n);
}

void
proto_begin(
    struct buf *b, enum proto_type type, uint32_t worker, uint16_t flags)
{
	buf_reset(b);
	put_le(b, PROTO_MAGIC, 2);
	put_le(b, PROTO_VERSION, 2);
	put_le(b, type, 2);
	put_le(b, flags, 2);
	put_le(b, worker, 4);
	put_le(b, 0, 4);
}

void
proto_end(struct buf *b)
{
	uint32_t len = (uint32_t)(b->len - PROTO_HDR_LEN);

	wire_put_le((uint8_t *)b->p + 12, len, 4);
}

void
proto_put_u32(struct buf *b, uint32_t v)
{
	put_le(b, v, 4);
}

void
proto_put_u64(struct buf *b, uint64_t v)
{
	put_le(b, v, 8);
}

void
proto_put_f64(struct buf *b, double v)
{
	uint64_t u;

	memcpy(&u, &v, sizeof(u));
	put_le(b, u, 8);
}

void
proto_put_str(struct buf *b, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	put_le(b, n, 4);
	if (n)
		(void)buf_add(b, s, n);
}

int
proto_open(const void *msg, size_t len, struct proto_hdr *h,
    struct proto_rd *rd, char *err, size_t errlen)
{
	const uint8_t *p = msg;

	if (len < PROTO_HDR_LEN) {
		snprintf(err, errlen,
		    "message of %zu bytes is shorter than the header", len);
		return -EPROTO;
	}
	h->magic   = (uint16_t)wire_get_le(p, 2);
	h->version = (uint16_t)wire_get_le(p + 2, 2);
	h->type    = (uint16_t)wire_get_le(p + 4, 2);
	h->flags   = (uint16_t)wire_get_le(p + 6, 2);
	h->worker  = (uint32_t)wire_get_le(p + 8, 4);
	h->len     = (uint32_t)wire_get_le(p + 12, 4);
	if (h->magic != PROTO_MAGIC) {
		snprintf(err, errlen, "not a tsload message (magic 0x%04x)",
		    h->magic);
		return -EPROTO;
	}
	if (h->version != PROTO_VERSION) {
		snprintf(err, errlen,
		    "protocol version %u, this tsload speaks version %u",
		    h->version, PROTO_VERSION);
		return -EPROTO;
	}
	if (h->len != len - PROTO_HDR_LEN) {
		snprintf(err, errlen, "header says %u payload bytes, got %zu",
		    h->len, len - PROTO_HDR_LEN);
		return -EPROTO;
	}
	rd->p   = p + PROTO_HDR_LEN;
	rd->len = h->len;
	rd->off = 0;
	rd->bad = false;
	return 0;
}

static const uint8_t *
take(struct proto_rd *rd, size_t n)
{
	const uint8_t *p;

	if (rd->bad || rd->len - rd->off < n) {
		rd->bad = true;
		return NULL;
	}
	p = rd->p + rd->off;
	rd->off += n;
	return p;
}

uint32_t
proto_get_u32(struct proto_rd *rd)
{
	const uint8_t *p = take(rd, 4);

	return p ? (uint32_t)wire_get_le(p, 4) : 0;
}

uint64_t
proto_get_u64(struct proto_rd *rd)
{
	const uint8_t *p = take(rd, 8);

	return p ? wire_get_le(p, 8) : 0;
}

double
proto_get_f64(struct proto_rd *rd)
{
	uint64_t u = proto_get_u64(rd);
	double   v;

	memcpy(&v, &u, sizeof(v));
	return v;
}

void
proto_get_str(struct proto_rd *rd, char *out, size_t outlen)
{
	uint32_t       n = proto_get_u32(rd);
	const uint8_t *p = take(rd, n);
	size_t         m = n < outlen - 1 ? n : outlen - 1;

	if (!p)
		m = 0;
	if (m)
		memcpy(out, p, m);
	out[m] = '\0';
}

char *
proto_get_strdup(struct proto_rd *rd)
{
	uint32_t       n = proto_get_u32(rd);
	const uint8_t *p = take(rd, n);

	return p ? xstrndup((const char *)p, n) : xstrdup("");
}

void
proto_put_hello(struct buf *b, const struct proto_hello *m)
{
	proto_put_u32(b, m->pid);
	proto_put_str(b, m->host);
	proto_put_str(b, m->version);
	proto_put_bytes(b, m->nonce, sizeof(m->nonce));
	proto_put_u32(b, m->want);
}

int
proto_get_hello(struct proto_rd *rd, struct proto_hello *m)
{
	m->pid = proto_get_u32(rd);
	proto_get_str(rd, m->host, sizeof(m->host));
	proto_get_str(rd, m->version, sizeof(m->version));
	proto_get_bytes(rd, m->nonce, sizeof(m->nonce));
	m->want = proto_get_u32(rd);
	return rd->bad ? -EPROTO : 0;
}

void
proto_put_assign(struct buf *b, const struct proto_assign *m)
{
	proto_put_u32(b, m->slot);
	proto_put_u32(b, m->index);
	proto_put_u32(b, m->workers);
	proto_put_u32(b, m->first_host);
	proto_put_u32(b, m->end_host);
	proto_put_u32(b, m->threads);
	proto_put_u64(b, (uint64_t)m->t0_ms);
	proto_put_u64(b, m->seed);
	proto_put_str(b, m->options);
}

int
proto_get_assign(struct proto_rd *rd, struct proto_assign *m)
{
	m->slot       = proto_get_u32(rd);
	m->index      = proto_get_u32(rd);
	m->workers    = proto_get_u32(rd);
	m->first_host = proto_get_u32(rd);
	m->end_host   = proto_get_u32(rd);
	m->threads    = proto_get_u32(rd);
	m->t0_ms      = (int64_t)proto_get_u64(rd);
	m->seed       = proto_get_u64(rd);
	m->options    = proto_get_strdup(rd);
	return rd->bad ? -EPROTO : 0;
}

void
proto_assign_free(struct proto_assign *m)
{
	free(m->options);
	m->options = NULL;
}

void
proto_put_bytes(struct buf *b, const void *p, size_t n)
{
	(void)buf_add(b, p, n);
}

void
proto_get_bytes(struct proto_rd *rd, void *out, size_t n)
{
	const uint8_t *p = take(rd, n);

	if (p)
		memcpy(out, p, n);
	else
		memset(out, 0, n);
}
