// SPDX-License-Identifier: GPL-2.0-only
/*
 * The tables were checked against netbase's /etc/services (aliases included) and
 * Wireshark's copy of the IANA registry (one name per port); tests/unit checks the
 * IANA entries against /etc/services again wherever it runs. A COMMON entry names
 * what actually runs on a port that IANA assigned to something else, or did not
 * assign at all; its comment gives IANA's name, if any.
 */
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service.h"

#define IANA 1
#define COMMON 0

static const struct xdt_service tcp_services[] = {
	{ 7, IANA, "echo" },
	{ 9, IANA, "discard" },
	{ 13, IANA, "daytime" },
	{ 19, IANA, "chargen" },
	{ 20, IANA, "ftp-data" },
	{ 21, IANA, "ftp" },
	{ 22, IANA, "ssh" },
	{ 23, IANA, "telnet" },
	{ 25, IANA, "smtp" },
	{ 37, IANA, "time" },
	{ 43, COMMON, "whois" },	/* IANA: nicname */
	{ 49, IANA, "tacacs" },
	{ 53, IANA, "domain" },
	{ 70, IANA, "gopher" },
	{ 79, IANA, "finger" },
	{ 80, IANA, "http" },
	{ 88, IANA, "kerberos" },
	{ 110, IANA, "pop3" },
	{ 111, IANA, "sunrpc" },
	{ 113, COMMON, "auth" },	/* IANA: ident */
	{ 119, IANA, "nntp" },
	{ 135, IANA, "epmap" },
	{ 139, IANA, "netbios-ssn" },
	{ 143, IANA, "imap" },
	{ 179, IANA, "bgp" },
	{ 389, IANA, "ldap" },
	{ 443, IANA, "https" },
	{ 445, IANA, "microsoft-ds" },
	{ 464, IANA, "kpasswd" },
	{ 465, IANA, "submissions" },
	{ 502, IANA, "mbap" },
	{ 513, IANA, "login" },
	{ 514, IANA, "shell" },
	{ 515, IANA, "printer" },
	{ 548, IANA, "afpovertcp" },
	{ 554, IANA, "rtsp" },
	{ 563, IANA, "nntps" },
	{ 587, IANA, "submission" },
	{ 631, IANA, "ipp" },
	{ 636, IANA, "ldaps" },
	{ 853, IANA, "domain-s" },
	{ 873, IANA, "rsync" },
	{ 989, IANA, "ftps-data" },
	{ 990, IANA, "ftps" },
	{ 992, IANA, "telnets" },
	{ 993, IANA, "imaps" },
	{ 995, IANA, "pop3s" },
	{ 1080, IANA, "socks" },
	{ 1099, IANA, "rmiregistry" },
	{ 1194, IANA, "openvpn" },
	{ 1433, IANA, "ms-sql-s" },
	{ 1521, COMMON, "oracle" },	/* Oracle; IANA: ncube-lm */
	{ 1723, IANA, "pptp" },
	{ 1883, IANA, "mqtt" },
	{ 1935, COMMON, "rtmp" },	/* IANA: macromedia-fcs */
	{ 2049, IANA, "nfs" },
	{ 2181, COMMON, "zookeeper" },	/* ZooKeeper; IANA: eforward */
	{ 2375, IANA, "docker" },
	{ 2376, IANA, "docker-s" },
	{ 2379, IANA, "etcd-client" },
	{ 2380, IANA, "etcd-server" },
	{ 3128, COMMON, "squid" },	/* IANA: ndl-aas */
	{ 3260, IANA, "iscsi-target" },
	{ 3268, IANA, "msft-gc" },
	{ 3269, IANA, "msft-gc-ssl" },
	{ 3306, IANA, "mysql" },
	{ 3389, IANA, "ms-wbt-server" },
	{ 3478, IANA, "stun" },
	{ 3690, IANA, "svn" },
	{ 4369, IANA, "epmd" },
	{ 4460, IANA, "ntske" },
	{ 5060, IANA, "sip" },
	{ 5061, COMMON, "sip-tls" },	/* IANA: sips */
	{ 5222, IANA, "xmpp-client" },
	{ 5269, IANA, "xmpp-server" },
	{ 5349, IANA, "stuns" },
	{ 5432, IANA, "postgresql" },
	{ 5671, IANA, "amqps" },
	{ 5672, IANA, "amqp" },
	{ 5900, IANA, "rfb" },
	{ 5938, COMMON, "teamviewer" },	/* unassigned */
	{ 5984, IANA, "couchdb" },
	{ 5985, IANA, "wsman" },
	{ 5986, IANA, "wsmans" },
	{ 6379, IANA, "redis" },
	{ 6443, COMMON, "kubernetes" },	/* Kubernetes API; IANA: sun-sr-https */
	{ 6514, IANA, "syslog-tls" },
	{ 6667, COMMON, "irc" },	/* IANA: ircu */
	{ 6697, IANA, "ircs-u" },
	{ 6881, COMMON, "bittorrent" },	/* unassigned */
	{ 8008, IANA, "http-alt" },
	{ 8080, IANA, "http-alt" },
	{ 8333, COMMON, "bitcoin" },	/* unassigned */
	{ 8443, COMMON, "https-alt" },	/* IANA: pcsync-https */
	{ 8883, IANA, "secure-mqtt" },
	{ 9042, COMMON, "cassandra" },	/* unassigned */
	{ 9092, COMMON, "kafka" },	/* Apache Kafka; IANA: XmlIpcRegSvc */
	{ 9100, COMMON, "jetdirect" },	/* IANA: hp-pdl-datastr */
	{ 9200, COMMON, "elasticsearch" },	/* IANA: wap-wsp */
	{ 9418, IANA, "git" },
	{ 10050, IANA, "zabbix-agent" },
	{ 10051, IANA, "zabbix-trapper" },
	{ 11211, IANA, "memcache" },
	{ 11371, IANA, "hkp" },
	{ 25565, COMMON, "minecraft" },	/* unassigned */
	{ 27017, IANA, "mongodb" },
};

static const struct xdt_service udp_services[] = {
	{ 7, IANA, "echo" },
	{ 9, IANA, "discard" },
	{ 19, IANA, "chargen" },
	{ 37, IANA, "time" },
	{ 49, IANA, "tacacs" },
	{ 53, IANA, "domain" },
	{ 67, IANA, "bootps" },
	{ 68, IANA, "bootpc" },
	{ 69, IANA, "tftp" },
	{ 88, IANA, "kerberos" },
	{ 111, IANA, "sunrpc" },
	{ 123, IANA, "ntp" },
	{ 137, IANA, "netbios-ns" },
	{ 138, IANA, "netbios-dgm" },
	{ 161, IANA, "snmp" },
	{ 162, IANA, "snmptrap" },
	{ 389, IANA, "ldap" },
	{ 443, IANA, "https" },
	{ 464, IANA, "kpasswd" },
	{ 500, IANA, "isakmp" },
	{ 514, IANA, "syslog" },
	{ 520, IANA, "router" },
	{ 546, IANA, "dhcpv6-client" },
	{ 547, IANA, "dhcpv6-server" },
	{ 623, IANA, "asf-rmcp" },
	{ 853, IANA, "domain-s" },
	{ 1194, IANA, "openvpn" },
	{ 1434, IANA, "ms-sql-m" },
	{ 1701, COMMON, "l2tp" },	/* IANA: l2f */
	{ 1812, IANA, "radius" },
	{ 1813, IANA, "radius-acct" },
	{ 1900, IANA, "ssdp" },
	{ 2049, IANA, "nfs" },
	{ 2055, COMMON, "netflow" },	/* IANA: iop */
	{ 3478, IANA, "stun" },
	{ 3702, IANA, "ws-discovery" },
	{ 4500, IANA, "ipsec-nat-t" },
	{ 4739, IANA, "ipfix" },
	{ 4789, IANA, "vxlan" },
	{ 5060, IANA, "sip" },
	{ 5349, IANA, "stuns" },
	{ 5350, IANA, "pcp-multicast" },
	{ 5351, IANA, "pcp" },
	{ 5353, IANA, "mdns" },
	{ 5355, IANA, "llmnr" },
	{ 5683, IANA, "coap" },
	{ 6081, IANA, "geneve" },
	{ 6343, IANA, "sflow" },
	{ 6881, COMMON, "bittorrent" },	/* BitTorrent DHT */
	{ 8472, COMMON, "vxlan" },	/* Linux VXLAN default; IANA: otv */
	{ 11211, IANA, "memcache" },
	{ 19302, COMMON, "stun" },	/* Google's STUN servers */
	{ 27015, COMMON, "steam" },	/* unassigned */
	{ 33434, IANA, "traceroute" },
	{ 41641, COMMON, "tailscale" },	/* unassigned */
	{ 51820, COMMON, "wireguard" },	/* unassigned */
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

const struct xdt_service *xdt_service_table(uint8_t ipproto, size_t *n)
{
	switch (ipproto) {
	case IPPROTO_TCP:
		*n = N(tcp_services);
		return tcp_services;
	case IPPROTO_UDP:
		*n = N(udp_services);
		return udp_services;
	default:
		*n = 0;
		return NULL;
	}
}

/*
 * A port -> name table read from a file: one slot per port and protocol, and a
 * bitmap of the slots that hold a name. Lookups go through the bitmap: every new
 * ephemeral port a flow uses would otherwise read a new page of the 1 MiB
 * names[] array (a read fault costs a resident page too), and RSS would creep up
 * for as long as new ports come, as the soak test saw.
 */
struct loaded {
	uint64_t named[2][65536 / 64];
	char *names[2][65536];	/* [0] tcp, [1] udp; NULL: not named */
};

static int is_named(const struct loaded *l, int slot, unsigned long port)
{
	return (l->named[slot][port / 64] >> (port % 64)) & 1;
}

static const char *loaded_name(const struct loaded *l, int slot, uint16_t port)
{
	return l && is_named(l, slot, port) ? l->names[slot][port] : NULL;
}

static struct loaded *rank_table[2];	/* XDT_SERVICE_OVER, XDT_SERVICE_UNDER */

static int proto_slot(uint8_t ipproto)
{
	return ipproto == IPPROTO_TCP ? 0 : ipproto == IPPROTO_UDP ? 1 : -1;
}

static void loaded_free(struct loaded *l)
{
	size_t p, i;

	if (!l)
		return;
	for (p = 0; p < 2; p++)
		for (i = 0; i < 65536; i++)
			if (is_named(l, (int)p, i))
				free(l->names[p][i]);
	free(l);
}

void xdt_service_unload(void)
{
	loaded_free(rank_table[0]);
	loaded_free(rank_table[1]);
	rank_table[0] = rank_table[1] = NULL;
}

/* "name port/proto ..." -> 1 with the parts, 0 for anything else. */
static int services_line(char *line, char **name, unsigned long *port, int *slot)
{
	char *save = NULL, *n, *pp, *slash, *end;
	size_t i;

	line[strcspn(line, "#\n")] = '\0';
	n = strtok_r(line, " \t", &save);
	pp = n ? strtok_r(NULL, " \t", &save) : NULL;
	if (!pp || strlen(n) > 32)
		return 0;
	for (i = 0; n[i]; i++)
		if (!isgraph((unsigned char)n[i]))
			return 0;
	slash = strchr(pp, '/');
	if (!slash || slash == pp)
		return 0;
	*slash = '\0';
	errno = 0;
	*port = strtoul(pp, &end, 10);
	if (errno || *end || *port > 65535)
		return 0;
	*slot = !strcmp(slash + 1, "tcp") ? 0 : !strcmp(slash + 1, "udp") ? 1 : -1;
	*name = n;
	return *slot >= 0;
}

int xdt_service_load(const char *path, enum xdt_service_rank rank)
{
	struct loaded *l = rank_table[rank == XDT_SERVICE_UNDER];
	int fresh = !l, added = 0, slot;
	char line[1024], *name;
	unsigned long port;
	FILE *f;

	f = fopen(path, "re");
	if (!f)
		return -errno;
	if (fresh && !(l = calloc(1, sizeof(*l)))) {
		fclose(f);
		return -ENOMEM;
	}
	while (fgets(line, sizeof(line), f)) {
		if (!strchr(line, '\n') && !feof(f)) {
			int c;

			/* An overlong line: skip its tail too. */
			while ((c = fgetc(f)) != EOF && c != '\n')
				;
			continue;
		}
		if (!services_line(line, &name, &port, &slot) || is_named(l, slot, port))
			continue;
		l->names[slot][port] = strdup(name);
		if (!l->names[slot][port]) {
			fclose(f);
			if (fresh)
				loaded_free(l);
			return -ENOMEM;
		}
		l->named[slot][port / 64] |= 1ULL << (port % 64);
		added++;
	}
	fclose(f);
	rank_table[rank == XDT_SERVICE_UNDER] = l;
	return added;
}

static const char *builtin_name(uint8_t ipproto, uint16_t port)
{
	size_t lo = 0, hi;
	const struct xdt_service *t = xdt_service_table(ipproto, &hi);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t[mid].port == port)
			return t[mid].name;
		if (t[mid].port < port)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const char *xdt_service_name(uint8_t ipproto, uint16_t port)
{
	int slot = proto_slot(ipproto);
	const char *n;

	if (slot < 0)
		return NULL;
	n = loaded_name(rank_table[0], slot, port);
	if (!n)
		n = builtin_name(ipproto, port);
	return n ? n : loaded_name(rank_table[1], slot, port);
}

uint16_t xdt_service_server_port(uint8_t ipproto, uint16_t port_a, uint16_t port_b)
{
	int known_a = xdt_service_name(ipproto, port_a) != NULL;
	int known_b = xdt_service_name(ipproto, port_b) != NULL;

	if (known_a != known_b)
		return known_a ? port_a : port_b;
	return port_a < port_b ? port_a : port_b;
}

const char *xdt_service_for_flow(uint8_t ipproto, uint16_t port_a, uint16_t port_b)
{
	return xdt_service_name(ipproto, xdt_service_server_port(ipproto, port_a, port_b));
}
