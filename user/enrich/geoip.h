/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Country, city and autonomous system of an address, from MaxMind-format
 * databases (libmaxminddb; GeoLite2 and DB-IP "lite" files). The files are
 * mapped at start-up, before the sandbox locks the filesystem; lookups read
 * memory only. Private and special ranges get a label without any database,
 * but a database entry for such an address wins over the label: operators put
 * their private ranges in custom databases, and the label is only a fallback.
 *
 * Search order, first file found per kind wins (kinds: city, country, asn; a
 * city database also answers country when no country database was found):
 *   @dir (--geoip-dir), $XDG_DATA_HOME/xdptop/geoip (default
 *   ~/.local/share/xdptop/geoip; neither if $HOME is unset), /usr/share/GeoIP,
 *   /usr/local/share/GeoIP, /var/lib/GeoIP, the working directory.
 * Every *.mmdb file in those directories is a candidate; its metadata's
 * database_type says its kind (GeoLite2-City, GeoIP2-Country, DBIP-ASN-Lite...:
 * any type containing "City", "Country" or "ASN"), never its name; others are
 * skipped. Within a directory GeoLite2-*.mmdb come first, then dbip-*.mmdb,
 * then the rest, each group by name downwards (dbip-city-lite-2024-06.mmdb
 * before -2024-05). The search stops once all three kinds are found.
 */
#ifndef XDT_ENRICH_GEOIP_H
#define XDT_ENRICH_GEOIP_H

#include <stddef.h>
#include <stdint.h>

struct xdt_geoip;

struct xdt_geo {
	/* The range's label when no database knows the address, "" otherwise;
	 * see xdt_geo_special(). The other fields are then empty. */
	char special[16];
	char country[3];	/* ISO 3166-1 alpha-2, "" if unknown */
	char city[64];		/* English name, "" if unknown or no city database */
	uint32_t asn;		/* 0 if unknown */
	char as_org[96];	/* "" if unknown */
};

/*
 * Find and map the databases. @dir may be NULL. NULL with errno ENOENT if none
 * was found (then @msg says where it looked); otherwise @msg says which files
 * were loaded, for the one start-up line ("GeoIP: /usr/share/GeoIP/GeoLite2-
 * City.mmdb (city), /var/lib/GeoIP/GeoLite2-ASN.mmdb (asn)"). A file that
 * exists but cannot be opened, or is of no known kind, is named in @msg too
 * ("; skipped F (why)") and passed over. @msg is one line, cut at @msglen.
 */
struct xdt_geoip *xdt_geoip_open(const char *dir, char *msg, size_t msglen);

/*
 * @out for @addr (network order, 4 or 16 bytes by @family 4 or 6; an IPv4-mapped
 * IPv6 address is looked up as IPv4). Country from the country database, else
 * from the city database (country.iso_code, else registered_country.iso_code);
 * city (names.en) from the city database; asn and as_org from the ASN database.
 * If no database has anything for @addr, out->special is its range label, if
 * any. 1 if anything is known (a database entry or a label), 0 if nothing.
 * @g may be NULL (no databases): labels only. Thread-safe (a mutex guards the
 * cache: 8192 slots by address, a collision replaces).
 */
int xdt_geoip_lookup(struct xdt_geoip *g, int family, const uint8_t *addr, struct xdt_geo *out);

/*
 * The special-range label of @addr, or NULL for a global unicast address. Pure.
 * IPv4: "unspecified" 0.0.0.0, "reserved" 0/8, 192.0.0/24 and 240/4,
 * "broadcast" 255.255.255.255, "private" 10/8, 172.16/12 and 192.168/16,
 * "cgnat" 100.64/10, "loopback" 127/8, "link-local" 169.254/16,
 * "documentation" 192.0.2/24, 198.51.100/24 and 203.0.113/24, "benchmark"
 * 198.18/15, "multicast" 224/4.
 * IPv6: "unspecified" ::, "loopback" ::1, "reserved" ::/96 (IPv4-compatible),
 * 100::/64 (discard) and fec0::/10 (site-local), "benchmark" 2001:2::/48,
 * "documentation" 2001:db8::/32 and 3fff::/20, "unique-local" fc00::/7,
 * "link-local" fe80::/10, "multicast" ff00::/8; ::ffff:a.b.c.d as a.b.c.d.
 */
const char *xdt_geo_special(int family, const uint8_t *addr);

void xdt_geoip_close(struct xdt_geoip *g);

#endif
