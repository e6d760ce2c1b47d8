// SPDX-License-Identifier: GPL-2.0-only
/*
 * Which process holds which socket: a task_file iterator that writes one
 * struct xdt_sock_rec per open file whose inode is a socket. Userspace attaches
 * it at start-up and runs it (BPF_ITER_CREATE + read()) whenever it wants a
 * picture, also after it has given up the privilege to load programs and, under
 * Landlock, the right to look into /proc/PID/fd of other processes.
 *
 * The kernel visits tasks in pid order and already skips threads whose file
 * table is the thread-group leader's, so each table is walked once. A thread that
 * unshared its table (CLONE_FILES) is visited on its own; its sockets are still
 * its process's, so records carry the tgid, not the thread id.
 */
#include <linux/bpf.h>
#include <linux/types.h>

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#include <xdptop/sock_iter.h>

#define XDT_S_IFMT 0170000
#define XDT_S_IFSOCK 0140000
/* MAX_PID_NS_LEVEL: deeper namespaces cannot exist. */
#define XDT_PID_NS_LEVEL_MAX 32

/* Only the fields read, relocated against the running kernel's BTF (CO-RE). */
struct seq_file;

struct bpf_iter_meta {
	struct seq_file *seq;
} __attribute__((preserve_access_index));

struct inode {
	__u16 i_mode;
	unsigned long i_ino;
} __attribute__((preserve_access_index));

struct file {
	struct inode *f_inode;
} __attribute__((preserve_access_index));

struct upid {
	int nr;
} __attribute__((preserve_access_index));

struct pid {
	unsigned int level;
	struct upid numbers[];
} __attribute__((preserve_access_index));

struct task_struct {
	struct task_struct *group_leader;
	struct pid *thread_pid;
} __attribute__((preserve_access_index));

struct bpf_iter__task_file {
	struct bpf_iter_meta *meta;
	struct task_struct *task;
	__u32 fd;
	struct file *file;
} __attribute__((preserve_access_index));

/*
 * The process id of @task as the reader sees it. The kernel lists only tasks
 * visible in the pid namespace of whoever created the iterator's file, and that
 * is the reader (current): its level indexes the pid's per-namespace numbers.
 * task->tgid would be the initial namespace's number, which a reader in a
 * container cannot match against its /proc. 0 if the task is going away.
 */
static __always_inline __s32 reader_tgid(struct task_struct *task)
{
	struct task_struct *cur = (struct task_struct *)bpf_get_current_task();
	unsigned int level = BPF_CORE_READ(cur, thread_pid, level);
	struct pid *pid = BPF_CORE_READ(task, group_leader, thread_pid);
	unsigned long at;
	int nr = 0;

	if (!pid || level > XDT_PID_NS_LEVEL_MAX || level > BPF_CORE_READ(pid, level))
		return 0;
	at = (unsigned long)pid + bpf_core_field_offset(struct pid, numbers) +
	     (unsigned long)level * bpf_core_type_size(struct upid) +
	     bpf_core_field_offset(struct upid, nr);
	if (bpf_probe_read_kernel(&nr, sizeof(nr), (const void *)at))
		return 0;
	return nr;
}

SEC("iter/task_file")
int xdt_sock_iter(struct bpf_iter__task_file *ctx)
{
	struct task_struct *task = ctx->task;
	struct file *file = ctx->file;
	struct xdt_sock_rec r;
	struct inode *inode;

	/* The last call, after every task, has neither. */
	if (!task || !file)
		return 0;
	inode = file->f_inode;
	if (!inode || (inode->i_mode & XDT_S_IFMT) != XDT_S_IFSOCK)
		return 0;
	r.inode = (__u32)inode->i_ino;
	r.tgid = reader_tgid(task);
	if (r.tgid <= 0)
		return 0;
	bpf_seq_write(ctx->meta->seq, &r, sizeof(r));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
