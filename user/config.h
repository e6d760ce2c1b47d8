/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The configuration file: YAML (libyaml), one mapping whose keys are xdptop's
 * long option names without the dashes, e.g.
 *
 *   interface: [eth0, eth1]     # a repeatable option: a list, or one value
 *   json: true                  # a flag: true/false (also yes/no, on/off)
 *   interval: 5                 # numbers go to the parser as written
 *   geoip-dir: /srv/geoip
 *
 * It is turned into the command-line words it stands for ("--interface eth0
 * --interface eth1 --json --interval 5 ...", in the file's order; a flag that is
 * false adds nothing) and parsed by the same parser as the command line, placed
 * before the real arguments so that the command line wins: an option with a value
 * is simply given again, the command line's -i/--interface list replaces the
 * file's, and its -r/--read drops the file's live-capture settings (see
 * xdt_cli_parse_ex). A flag set in the file cannot be unset there: use
 * --no-config, or --config with another file. help, version, probe, config and
 * no-config belong on the command line and are refused in the file.
 *
 * Found as the first of $XDG_CONFIG_HOME/xdptop/config.yml (default
 * ~/.config/xdptop/config.yml) and ./config.yml, or named with --config;
 * --no-config reads none. An empty file, or one of comments only, sets nothing.
 *
 * Every bad key is reported, with file and line (the key's), e.g.
 *   xdptop: /root/.config/xdptop/config.yml:3: unknown key 'intervall'
 *   xdptop: config.yml:4: --interval: 'soon' is not a positive number of seconds
 *   xdptop: config.yml:6: key 'json' given twice (first on line 2)
 *   xdptop: config.yml:2:7: mapping values are not allowed in this context
 * (the last, libyaml's, with the column), or the file that cannot be read:
 *   xdptop: --config: cannot read /etc/x.yml: No such file or directory
 */
#ifndef XDT_CONFIG_H
#define XDT_CONFIG_H

#include <stdio.h>

/*
 * argv with the configuration's words inserted after argv[0], into *@out_argv:
 * *@out_argc words, NULL-terminated, every one a copy (so struct xdt_opts may
 * point into them: free with xdt_config_free only once the options are no longer
 * used). The first *@out_argc - @argc words after argv[0] are the file's: pass
 * that as n_config to xdt_cli_parse_ex.
 *
 * The real arguments are only scanned for --config and --no-config (they are
 * parsed later); nothing is read with --no-config, --help or --version, or when
 * they do not parse (the later parse says why). *@used (if not NULL) is set to
 * the path read, or NULL; the caller frees it with xdt_config_free.
 *
 * 0, or -EINVAL (a bad file), -ENOENT/-errno (--config names a file that cannot
 * be read, or one found on the search path cannot be), -ENOMEM, after printing
 * the message to @err.
 */
int xdt_config_argv(int argc, char **argv, int *out_argc, char ***out_argv, char **used,
		    FILE *err);

/* Free what xdt_config_argv returned; NULLs are no-ops. */
void xdt_config_free(int argc, char **argv, char *used);

#endif
