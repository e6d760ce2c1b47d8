// SPDX-License-Identifier: GPL-2.0-only
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include <linux/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "capture/ifwatch.h"

/* rtnetlink link messages built as the kernel lays them out (NLMSG/RTA alignment). */
struct msgbuf {
	char b[4096] __attribute__((aligned(NLMSG_ALIGNTO)));
	size_t len;
};

static void add_link(struct msgbuf *m, int type, int ifindex, const char *name, int mtu,
		     unsigned int flags)
{
	struct nlmsghdr *nh = (struct nlmsghdr *)(m->b + m->len);
	struct ifinfomsg *ifi;
	struct rtattr *rta;
	size_t len = NLMSG_LENGTH(sizeof(*ifi));

	memset(nh, 0, NLMSG_SPACE(sizeof(*ifi)) + 64);
	ifi = NLMSG_DATA(nh);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	ifi->ifi_flags = flags;
	if (name) {
		rta = (struct rtattr *)((char *)nh + NLMSG_ALIGN(len));
		rta->rta_type = IFLA_IFNAME;
		rta->rta_len = (unsigned short)RTA_LENGTH(strlen(name) + 1);
		memcpy(RTA_DATA(rta), name, strlen(name) + 1);
		len = NLMSG_ALIGN(len) + RTA_ALIGN(rta->rta_len);
	}
	if (mtu >= 0) {
		uint32_t v = (uint32_t)mtu;

		rta = (struct rtattr *)((char *)nh + NLMSG_ALIGN(len));
		rta->rta_type = IFLA_MTU;
		rta->rta_len = RTA_LENGTH(sizeof(v));
		memcpy(RTA_DATA(rta), &v, sizeof(v));
		len = NLMSG_ALIGN(len) + RTA_ALIGN(rta->rta_len);
	}
	nh->nlmsg_len = (uint32_t)len;
	nh->nlmsg_type = (uint16_t)type;
	m->len += NLMSG_ALIGN(len);
}

struct seen {
	struct xdt_ifev ev[16];
	int n;
};

static void record(const struct xdt_ifev *ev, void *ctx)
{
	struct seen *s = ctx;

	cr_assert_lt(s->n, 16);
	s->ev[s->n++] = *ev;
}

#define UPRUN (IFF_UP | IFF_RUNNING)
static const char *const names[] = { "xdt0", "xdt1" };

/* A watcher that has seen xdt0 as ifindex 7, up, MTU 1500 (the start-up dump). */
static struct xdt_ifwatch *started(void)
{
	struct xdt_ifwatch *w = xdt_ifwatch_new_detached(names, 2);
	struct msgbuf m = { .len = 0 };
	struct seen s = { .n = 0 };

	cr_assert_not_null(w);
	add_link(&m, RTM_NEWLINK, 7, "xdt0", 1500, UPRUN);
	add_link(&m, RTM_NEWLINK, 3, "other", 1500, UPRUN);
	cr_assert_eq(xdt_ifwatch_feed(w, m.b, m.len, record, &s), 1);
	cr_assert_eq(s.ev[0].kind, XDT_IFEV_BACK);
	cr_assert_eq(xdt_ifwatch_ifindex(w, 0), 7);
	cr_assert_eq(xdt_ifwatch_ifindex(w, 1), 0);
	cr_assert(xdt_ifwatch_running(w, 0));
	return w;
}

static struct seen feed1(struct xdt_ifwatch *w, int type, int ifindex, const char *name, int mtu,
			 unsigned int flags)
{
	struct msgbuf m = { .len = 0 };
	struct seen s = { .n = 0 };

	add_link(&m, type, ifindex, name, mtu, flags);
	cr_assert_geq(xdt_ifwatch_feed(w, m.b, m.len, record, &s), 0);
	return s;
}

Test(ifwatch, down_and_up_by_admin_state_and_carrier)
{
	struct xdt_ifwatch *w = started();
	struct seen s;

	s = feed1(w, RTM_NEWLINK, 7, "xdt0", 1500, 0);
	cr_assert_eq(s.n, 1);
	cr_assert_eq(s.ev[0].kind, XDT_IFEV_DOWN);
	cr_assert_eq(s.ev[0].admin_up, 0);
	cr_assert_str_eq(s.ev[0].name, "xdt0");
	cr_assert_not(xdt_ifwatch_running(w, 0));
	/* The same state again (the kernel repeats itself): nothing new. */
	s = feed1(w, RTM_NEWLINK, 7, "xdt0", 1500, 0);
	cr_assert_eq(s.n, 0);
	/* Admin up, carrier still missing: still down, no event. */
	s = feed1(w, RTM_NEWLINK, 7, "xdt0", 1500, IFF_UP);
	cr_assert_eq(s.n, 0);
	s = feed1(w, RTM_NEWLINK, 7, "xdt0", 1500, UPRUN);
	cr_assert_eq(s.n, 1);
	cr_assert_eq(s.ev[0].kind, XDT_IFEV_UP);
	/* Carrier lost while admin up: down, and it says so. */
	s = feed1(w, RTM_NEWLINK, 7, "xdt0", 1500, IFF_UP);
	cr_assert_eq(s.n, 1);
	cr_assert_eq(s.ev[0].kind, XDT_IFEV_DOWN);
	cr_assert_eq(s.ev[0].admin_up, 1);
	cr_assert_eq(s.ev[0].running, 0);
	xdt_ifwatch_free(w);
}

Test(ifwatch, mtu_change_reports_old_and_new)
{
	struct xdt_ifwatch *w = started();
	struct seen s = feed1(w, RTM_NEWLINK, 7, "xdt0", 9000, UPRUN);

	cr_assert_eq(s.n, 1);
	cr_assert_eq(s.ev[0].kind, XDT_IFEV_MTU);
	cr_assert_eq(s.ev[0].old_mtu, 1500);
	cr_assert_eq(s.ev[0].mtu, 9000);
	/* A message without IFLA_MTU says nothing about the MTU. */
	s = feed1(w, RTM_NEWLINK, 7, "xdt0", -1, UPRUN);
	cr_assert_eq(s.n, 0);
	xdt_ifwatch_free(w);
}

Test(ifwatch, deleted_then_created_again_with_a_new_ifindex)
{
	struct xdt_ifwatch *w = started();
	struct seen s;

	/* Others' links come and go unnoticed. */
	s = feed1(w, RTM_DELLINK, 3, "other", 1500, 0);
	cr_assert_eq(s.n, 0);
	s = feed1(w, RTM_DELLINK, 7, "xdt0", 1500, 0);
	cr_assert_eq(s.n, 1);
	cr_assert_eq(s.ev[0].kind, XDT_IFEV_GONE);
	cr_assert_eq(s.ev[0].ifindex, 7);
	cr_assert_eq(xdt_ifwatch_ifindex(w, 0), 0);
	/* Created again, down at first (as ip link add makes it), then set up. */
	s = feed1(w, RTM_NEWLINK, 12, "xdt0", 1500, 0);
	cr_assert_eq(s.n, 1);
	cr_assert_eq(s.ev[0].kind, XDT_IFEV_BACK);
	cr_assert_eq(s.ev[0].ifindex, 12);
	cr_assert_eq(s.ev[0].admin_up, 0);
	s = feed1(w, RTM_NEWLINK, 12, "xdt0", 1500, UPRUN);
	cr_assert_eq(s.n, 1);
	cr_assert_eq(s.ev[0].kind, XDT_IFEV_UP);
	cr_assert_eq(xdt_ifwatch_ifindex(w, 0), 12);
	xdt_ifwatch_free(w);
}

Test(ifwatch, a_rename_away_is_a_loss_and_a_new_ifindex_under_the_name_implies_one)
{
	struct xdt_ifwatch *w = started();
	struct seen s;

	s = feed1(w, RTM_NEWLINK, 7, "renamed", 1500, UPRUN);
	cr_assert_eq(s.n, 1);
	cr_assert_eq(s.ev[0].kind, XDT_IFEV_GONE);
	s = feed1(w, RTM_NEWLINK, 7, "xdt0", 1500, UPRUN);
	cr_assert_eq(s.n, 1);
	cr_assert_eq(s.ev[0].kind, XDT_IFEV_BACK);
	cr_assert_eq(s.ev[0].ifindex, 7);
	/* The name on a new ifindex without a deletion heard of: gone, then back. */
	s = feed1(w, RTM_NEWLINK, 20, "xdt0", 1500, UPRUN);
	cr_assert_eq(s.n, 2);
	cr_assert_eq(s.ev[0].kind, XDT_IFEV_GONE);
	cr_assert_eq(s.ev[0].ifindex, 7);
	cr_assert_eq(s.ev[1].kind, XDT_IFEV_BACK);
	cr_assert_eq(s.ev[1].ifindex, 20);
	xdt_ifwatch_free(w);
}

Test(ifwatch, the_second_name_is_its_own_slot)
{
	struct xdt_ifwatch *w = started();
	struct seen s = feed1(w, RTM_NEWLINK, 9, "xdt1", 1400, UPRUN);

	cr_assert_eq(s.n, 1);
	cr_assert_eq(s.ev[0].slot, 1);
	cr_assert_eq(s.ev[0].mtu, 1400);
	cr_assert_eq(xdt_ifwatch_ifindex(w, 0), 7);
	xdt_ifwatch_free(w);
}

Test(ifwatch, lying_lengths_are_refused_without_reading_past_the_datagram)
{
	struct xdt_ifwatch *w = started();
	struct msgbuf m = { .len = 0 };
	struct seen s = { .n = 0 };
	struct nlmsghdr *nh;

	add_link(&m, RTM_NEWLINK, 7, "xdt0", 9000, UPRUN);
	nh = (struct nlmsghdr *)m.b;
	/* nlmsg_len past the datagram. */
	nh->nlmsg_len = (uint32_t)m.len + 4;
	cr_assert_eq(xdt_ifwatch_feed(w, m.b, m.len, record, &s), -EINVAL);
	/* Shorter than an ifinfomsg. */
	nh->nlmsg_len = NLMSG_LENGTH(4);
	cr_assert_eq(xdt_ifwatch_feed(w, m.b, NLMSG_LENGTH(4), record, &s), -EINVAL);
	/* Below the header itself. */
	nh->nlmsg_len = 3;
	cr_assert_eq(xdt_ifwatch_feed(w, m.b, m.len, record, &s), -EINVAL);
	cr_assert_eq(s.n, 0);
	/* A truncated datagram (less than a header): nothing, no error. */
	cr_assert_eq(xdt_ifwatch_feed(w, m.b, 8, record, &s), 0);
	xdt_ifwatch_free(w);
}

Test(ifwatch, an_unterminated_name_is_refused)
{
	struct xdt_ifwatch *w = started();
	struct msgbuf m = { .len = 0 };
	struct seen s = { .n = 0 };
	struct rtattr *rta;

	add_link(&m, RTM_NEWLINK, 7, "xdt0", -1, 0);
	rta = IFLA_RTA((struct ifinfomsg *)NLMSG_DATA((struct nlmsghdr *)m.b));
	cr_assert_eq(rta->rta_type, IFLA_IFNAME);
	memset(RTA_DATA(rta), 'x', RTA_PAYLOAD(rta));
	cr_assert_eq(xdt_ifwatch_feed(w, m.b, m.len, record, &s), -EINVAL);
	cr_assert_eq(s.n, 0);
	cr_assert(xdt_ifwatch_running(w, 0));
	xdt_ifwatch_free(w);
}

Test(ifwatch, other_message_types_are_skipped)
{
	struct xdt_ifwatch *w = started();
	struct msgbuf m = { .len = 0 };
	struct seen s = { .n = 0 };

	add_link(&m, RTM_NEWADDR, 7, "xdt0", 9000, 0);
	add_link(&m, RTM_NEWLINK, 7, "xdt0", 9000, UPRUN);
	cr_assert_eq(xdt_ifwatch_feed(w, m.b, m.len, record, &s), 1);
	cr_assert_eq(s.ev[0].kind, XDT_IFEV_MTU);
	xdt_ifwatch_free(w);
}
