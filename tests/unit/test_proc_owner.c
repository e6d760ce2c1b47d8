// SPDX-License-Identifier: GPL-2.0-only
/*
 * From a kernel-recorded socket owner (pid, comm, uid, when the hook saw it) or a
 * sock_diag snapshot to the process shown. The fixture tree's pid 100 is nginx,
 * started 5000 ticks after boot (50 s at 100 Hz); a socket owner seen before
 * that cannot be it: the pid was reused, and the old process's name must stay.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "proc/owner.h"

#define ROOT "tests/unit/fixtures/proc-tree"

static uint64_t ticks_ns(uint64_t ticks)
{
	return ticks * (1000000000ULL / (uint64_t)sysconf(_SC_CLK_TCK));
}

static struct xdt_flow_owner kernel_owner(int32_t pid, const char *comm, uint64_t ts)
{
	struct xdt_flow_owner o = { .pid = pid, .uid = 33, .ts_boot_ns = ts,
				    .method = XDT_METHOD_KERNEL };

	snprintf(o.comm, sizeof(o.comm), "%s", comm);
	return o;
}

TestSuite(proc_owner);

Test(proc_owner, names_a_live_process_from_proc)
{
	struct xdt_proc_cache *c = xdt_proc_cache_new(ROOT, 16);
	struct xdt_flow_owner o = kernel_owner(100, "nginx", ticks_ns(6000));
	const struct xdt_proc_info *i;

	cr_assert_not_null(c);
	xdt_owner_resolve(c, &o, NULL, 0);
	cr_expect_eq(o.gone, 0);
	cr_expect_str_eq(o.name, "nginx");
	cr_expect_eq(o.start_ticks, 5000);
	i = xdt_owner_info(c, &o);
	cr_assert_not_null(i);
	cr_expect_eq(i->gone, 0);
	xdt_proc_cache_free(c);
}

Test(proc_owner, never_gives_a_reused_pid_the_new_process_name)
{
	struct xdt_proc_cache *c = xdt_proc_cache_new(ROOT, 16);
	struct xdt_flow_owner o = kernel_owner(100, "old-daemon-with", ticks_ns(1000));
	const struct xdt_proc_info *i;

	cr_assert_not_null(c);
	/* The kernel saw the old image exec at 500 ticks: its full path names it. */
	xdt_owner_resolve(c, &o, "/usr/sbin/old-daemon-with-a-long-name", ticks_ns(500));
	cr_expect_eq(o.gone, 1);
	cr_expect_str_eq(o.name, "old-daemon-with-a-long-name");
	i = xdt_owner_info(c, &o);
	cr_assert_not_null(i);
	cr_expect_str_eq(i->name, "old-daemon-with-a-long-name");
	cr_expect_eq(i->gone, 1, "nothing is taken from /proc/100 (nginx now)");
	cr_expect_str_eq(i->cmdline, "");
	xdt_proc_cache_free(c);
}

Test(proc_owner, ignores_an_exec_record_of_a_later_image)
{
	struct xdt_proc_cache *c = xdt_proc_cache_new(ROOT, 16);
	struct xdt_flow_owner o = kernel_owner(100, "old-daemon-with", ticks_ns(1000));

	cr_assert_not_null(c);
	xdt_owner_resolve(c, &o, "/usr/sbin/nginx", ticks_ns(5000));
	cr_expect_eq(o.gone, 1);
	cr_expect_str_eq(o.name, "old-daemon-with", "the kernel's comm, not the later exec");
	xdt_proc_cache_free(c);
}

Test(proc_owner, falls_back_to_the_snapshot_for_flows_the_kernel_did_not_name)
{
	struct xdt_diag_sock sk = {
		.family = 4, .proto = 6, .state = 1, .lport = 80, .rport = 40000,
		.laddr = { 10, 213, 0, 2 }, .raddr = { 10, 213, 0, 1 }, .uid = 33, .inode = 70001,
	};
	struct xdt_flow_table *t = xdt_flow_table_new(16, 1, NULL, NULL);
	struct xdt_proc_cache *c = xdt_proc_cache_new(ROOT, 16);
	struct xdt_proc_snapshot *s;
	struct xdt_flow_pkt p = { .tcp_flags = 0x02, .bytes = 60, .ts_ns = 1 };
	struct xdt_flow *f;
	int err = 0;

	cr_assert_not_null(t);
	cr_assert_not_null(c);
	s = xdt_proc_snapshot_build(ROOT, &sk, 1, &err);
	cr_assert_not_null(s, "snapshot: %d", err);
	xdt_flow_key_make(&p.key, XDT_FAM_IPV4, 6, 0, sk.raddr, 40000, sk.laddr, 80, &p.from_a);
	f = xdt_flow_table_update(t, &p);
	cr_assert_not_null(f);
	cr_expect_eq(xdt_owner_fallback(t, s, c), 1);
	cr_expect_eq(f->owner.method, XDT_METHOD_SOCK_DIAG);
	cr_expect_eq(f->owner.pid, 100);
	cr_expect_str_eq(f->owner.name, "nginx");
	cr_expect_eq(xdt_owner_fallback(t, s, c), 0, "an attributed flow is left alone");
	xdt_proc_snapshot_free(s);
	xdt_proc_cache_free(c);
	xdt_flow_table_free(t);
}
