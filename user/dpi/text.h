/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers for the line-oriented protocols (HTTP/1.x, SSH): bounded line scanning
 * and copying attacker-chosen bytes into display strings.
 */
#ifndef XDT_DPI_TEXT_H
#define XDT_DPI_TEXT_H

#include <stddef.h>
#include <stdint.h>

/*
 * Copy @n bytes into @dst (room for @cap bytes including the NUL), replacing
 * anything that is not printable ASCII with '?', truncating to fit.
 */
void xdt_text_copy(char *dst, size_t cap, const uint8_t *src, size_t n);

/*
 * Length of the line starting at @buf (without its CR LF or LF), or -1 when no
 * line end is within @len bytes.
 */
long xdt_text_line(const uint8_t *buf, size_t len);

#endif
