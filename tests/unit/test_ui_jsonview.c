// SPDX-License-Identifier: GPL-2.0-only
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "../../ui/jsonview.h"

TestSuite(ui_jsonview);

Test(ui_jsonview, prints_members_as_key_value_lines)
{
	char out[256];

	cr_assert_eq(xdt_jsonview_render("{\"proto\":\"tcp\",\"sport\":443,\"ok\":true}", 1, out,
					 sizeof(out)), 3);
	cr_assert_str_eq(out, "proto: tcp\nsport: 443\nok: true\n");
}

Test(ui_jsonview, indents_nested_objects)
{
	char out[256];

	cr_assert_eq(xdt_jsonview_render("{\"a\":1,\"process\":{\"pid\":7,\"name\":\"x\"},\"b\":{}}",
					 1, out, sizeof(out)), 5);
	cr_assert_str_eq(out, "a: 1\nprocess:\n  pid: 7\n  name: x\nb: {}\n");
}

Test(ui_jsonview, shows_array_items_as_dashes_aligned)
{
	char out[512];
	const char *j = "{\"app\":{\"answers\":[{\"name\":\"e.com\",\"type\":\"A\"},"
			"{\"name\":\"f.com\",\"ttl\":5}],\"list\":[1,\"two\"],\"none\":[]}}";

	cr_assert_gt(xdt_jsonview_render(j, 1, out, sizeof(out)), 0);
	cr_assert_str_eq(out, "app:\n"
			      "  answers:\n"
			      "    - name: e.com\n"
			      "      type: A\n"
			      "    - name: f.com\n"
			      "      ttl: 5\n"
			      "  list:\n"
			      "    - 1\n"
			      "    - two\n"
			      "  none: []\n");
}

Test(ui_jsonview, decodes_escapes_and_hides_control_characters)
{
	char out[128];

	cr_assert_eq(xdt_jsonview_render("{\"s\":\"a\\\"b\\\\c\\n\\u00e9\\ud83d\\ude00\"}", 1, out,
					 sizeof(out)), 1);
	cr_assert_str_eq(out, "s: a\"b\\c?\xc3\xa9\xf0\x9f\x98\x80\n");
	cr_assert_eq(xdt_jsonview_render("{\"s\":\"\\u00e9\xc3\xa9\"}", 0, out, sizeof(out)), 1);
	cr_assert_str_eq(out, "s: ???\n", "ASCII terminals get '?' for each byte they cannot show");
}

Test(ui_jsonview, rejects_what_is_not_json)
{
	char out[128];

	cr_assert_eq(xdt_jsonview_render("{\"a\":", 1, out, sizeof(out)), -EINVAL);
	cr_assert_eq(xdt_jsonview_render("{\"a\":1}x", 1, out, sizeof(out)), -EINVAL);
	cr_assert_eq(xdt_jsonview_render("{\"a\":\"\\x\"}", 1, out, sizeof(out)), -EINVAL);
	cr_assert_eq(xdt_jsonview_render("{a:1}", 1, out, sizeof(out)), -EINVAL);
	cr_assert_str_eq(out, "");
}

Test(ui_jsonview, refuses_deep_nesting)
{
	char j[200] = "", out[4096];

	for (int i = 0; i < 40; i++)
		strcat(j, "[");
	for (int i = 0; i < 40; i++)
		strcat(j, "]");
	cr_assert_eq(xdt_jsonview_render(j, 1, out, sizeof(out)), -EINVAL);
}

Test(ui_jsonview, stops_at_the_end_of_the_buffer)
{
	char out[16];

	cr_assert_eq(xdt_jsonview_render("{\"key\":\"a long value here\"}", 1, out, sizeof(out)),
		     -ENOSPC);
	cr_assert_str_eq(out, "");
}
