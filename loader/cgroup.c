// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "cgroup.h"

int xdt_cgroup2_mount(const char *mounts, char *out, size_t len)
{
	char line[4096], dev[256], dir[PATH_MAX], type[64];
	FILE *f = fopen(mounts, "re");
	int rc = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%255s %4095s %63s", dev, dir, type) != 3)
			continue;
		if (!strcmp(type, "cgroup2") && strlen(dir) < len) {
			strcpy(out, dir);
			rc = 0;
			break;
		}
	}
	fclose(f);
	return rc;
}
