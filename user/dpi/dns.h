/* SPDX-License-Identifier: GPL-2.0-only */
/* DNS messages (RFC 1035, mDNS RFC 6762): header, first question, answer records. */
#ifndef XDT_DPI_DNS_H
#define XDT_DPI_DNS_H

#include <stddef.h>
#include <stdint.h>

#define XDT_DNS_NAME_MAX 256	/* presentation form, NUL-terminated, truncated */
#define XDT_DNS_MAX_ANSWERS 8

#define XDT_DNS_TYPE_A 1
#define XDT_DNS_TYPE_CNAME 5
#define XDT_DNS_TYPE_PTR 12
#define XDT_DNS_TYPE_AAAA 28

#define XDT_DNS_RCODE_NXDOMAIN 3

struct xdt_dns_answer {
	uint16_t type;			/* A, AAAA, CNAME or PTR */
	uint32_t ttl;
	uint8_t addr[16];		/* A: first 4 bytes; AAAA: 16 */
	char name[XDT_DNS_NAME_MAX];	/* the owner name of the record */
	char target[XDT_DNS_NAME_MAX];	/* CNAME/PTR target */
};

struct xdt_dns_info {
	uint16_t id;
	uint8_t is_response;
	uint8_t opcode;
	uint8_t rcode;
	uint8_t qu;			/* mDNS: question asks for a unicast response */
	uint16_t flags;			/* the raw flags word (AA, TC, RD, RA, ...) */
	uint16_t qtype;
	uint16_t qclass;		/* without the mDNS unicast-response bit */
	char qname[XDT_DNS_NAME_MAX];	/* "" when there is no question */
	uint8_t n_answers;		/* parsed into answers[] */
	uint16_t answers_total;		/* ANCOUNT */
	uint16_t answers_skipped;	/* records of other types, not in answers[] */
	struct xdt_dns_answer answers[XDT_DNS_MAX_ANSWERS];
};

/*
 * A DNS message: a UDP payload, or with @tcp set a TCP stream that starts with the
 * 2-byte length prefix. Names are in presentation form without the trailing dot
 * ("." for the root); bytes outside '!'..'~' and '.' or '\' inside a label are
 * written as \DDD, as dig does. Authority and additional records are not read.
 * 0, -EAGAIN (TCP: the message is longer than @len so far), or -EINVAL (not DNS,
 * or malformed). On error *out holds whatever was decoded before the fault.
 */
int xdt_dns_parse(const uint8_t *buf, size_t len, int tcp, struct xdt_dns_info *out);

#endif
