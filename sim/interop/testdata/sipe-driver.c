/*
 * sipe-driver: a headless libpurple UI that signs one prpl-sipe (pidgin-sipe) account in and
 * prints what the plugin ends up with (buddy list, notifications, errors). The ucssim interop
 * spec (sim/interop) compiles it at test time against Debian's libpurple-dev and drives it over
 * stdin; it is part of the test harness only.
 *
 * usage: sipe-driver USER PASSWORD SERVER[:PORT] [key=value ...]
 *   key=value are extra account settings (string or bool "true"/"false"),
 *   e.g. transport=tcp authentication=ntlm email=... dont-publish=true
 * stdin commands (one per line):
 *   dump                      print the buddy list
 *   add URI GROUP             add a buddy (prpl add_buddy)
 *   rm URI                    remove a buddy from all its groups
 *   mv URI GROUP              move a buddy to GROUP
 *   newgroup GROUP            (only local; a group is created on the server with its first buddy)
 *   rename OLD NEW            rename a group
 *   quit                      sign out and exit
 * The environment variable DRIVER_TIMEOUT (seconds, default 60) ends the run.
 */
#include <purple.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>

#define UI_ID "sipedriver"

static GMainLoop *loop;
static PurpleAccount *account;
static guint dump_timer;

/* ---- event loop (from libpurple's nullclient example) ---- */
#define PURPLE_GLIB_READ_COND  (G_IO_IN | G_IO_HUP | G_IO_ERR)
#define PURPLE_GLIB_WRITE_COND (G_IO_OUT | G_IO_HUP | G_IO_ERR | G_IO_NVAL)

typedef struct {
	PurpleInputFunction function;
	guint result;
	gpointer data;
} PurpleGLibIOClosure;

static void purple_glib_io_destroy(gpointer data) { g_free(data); }

static gboolean purple_glib_io_invoke(GIOChannel *source, GIOCondition condition, gpointer data)
{
	PurpleGLibIOClosure *closure = data;
	PurpleInputCondition purple_cond = 0;
	if (condition & PURPLE_GLIB_READ_COND)
		purple_cond |= PURPLE_INPUT_READ;
	if (condition & PURPLE_GLIB_WRITE_COND)
		purple_cond |= PURPLE_INPUT_WRITE;
	closure->function(closure->data, g_io_channel_unix_get_fd(source), purple_cond);
	return TRUE;
}

static guint glib_input_add(gint fd, PurpleInputCondition condition, PurpleInputFunction function, gpointer data)
{
	PurpleGLibIOClosure *closure = g_new0(PurpleGLibIOClosure, 1);
	GIOChannel *channel;
	GIOCondition cond = 0;
	closure->function = function;
	closure->data = data;
	if (condition & PURPLE_INPUT_READ)
		cond |= PURPLE_GLIB_READ_COND;
	if (condition & PURPLE_INPUT_WRITE)
		cond |= PURPLE_GLIB_WRITE_COND;
	channel = g_io_channel_unix_new(fd);
	closure->result = g_io_add_watch_full(channel, G_PRIORITY_DEFAULT, cond,
					      purple_glib_io_invoke, closure, purple_glib_io_destroy);
	g_io_channel_unref(channel);
	return closure->result;
}

static PurpleEventLoopUiOps glib_eventloops = {
	g_timeout_add, g_source_remove, glib_input_add, g_source_remove, NULL,
	g_timeout_add_seconds, NULL, NULL, NULL
};

/* ---- UI ops that would otherwise block: notify prints, request auto-answers ---- */
static void *notify_message(PurpleNotifyMsgType type, const char *title, const char *primary, const char *secondary)
{
	printf("DRIVER NOTIFY type=%d title=[%s] primary=[%s] secondary=[%s]\n", type,
	       title ? title : "", primary ? primary : "", secondary ? secondary : "");
	fflush(stdout);
	return NULL;
}

static void *notify_formatted(const char *title, const char *primary, const char *secondary, const char *text)
{
	printf("DRIVER NOTIFY-FORMATTED title=[%s] primary=[%s] secondary=[%s] text=[%s]\n",
	       title ? title : "", primary ? primary : "", secondary ? secondary : "", text ? text : "");
	fflush(stdout);
	return NULL;
}

static void *notify_userinfo(PurpleConnection *gc, const char *who, PurpleNotifyUserInfo *user_info)
{
	char *s = purple_notify_user_info_get_text_with_newline(user_info, " | ");
	printf("DRIVER USERINFO %s: %s\n", who, s ? s : "");
	g_free(s);
	fflush(stdout);
	return NULL;
}

static PurpleNotifyUiOps notify_ops = {
	notify_message, NULL, NULL, notify_formatted, NULL, NULL, notify_userinfo, NULL, NULL,
	NULL, NULL, NULL, NULL
};

static void *request_action(const char *title, const char *primary, const char *secondary,
			    int default_action, PurpleAccount *acct, const char *who,
			    PurpleConversation *conv, void *user_data, size_t action_count, va_list actions)
{
	size_t i;
	int pick = default_action;
	const char *env = g_getenv("DRIVER_ACCEPT");
	printf("DRIVER REQUEST-ACTION title=[%s] primary=[%s] secondary=[%s] default=%d:",
	       title ? title : "", primary ? primary : "", secondary ? secondary : "", default_action);
	for (i = 0; i < action_count; i++) {
		const char *text = va_arg(actions, const char *);
		GCallback cb = va_arg(actions, GCallback);
		printf(" [%zu:%s]", i, text);
		/* DRIVER_ACCEPT=1 picks an "Accept"/"Yes"/"OK"-like action (certificate prompts) */
		if (env && text && (g_str_has_prefix(text, "_Accept") || g_str_has_prefix(text, "Accept") ||
				    g_str_has_prefix(text, "_Yes") || g_str_has_prefix(text, "Yes")))
			pick = (int)i;
		(void)cb;
	}
	printf(" -> %d\n", pick);
	fflush(stdout);
	/* rescan to find the callback */
	return NULL;
}

/* request_action needs the callback: do a second pass with a va_copy */
static void *request_action_wrap(const char *title, const char *primary, const char *secondary,
				 int default_action, PurpleAccount *acct, const char *who,
				 PurpleConversation *conv, void *user_data, size_t action_count, va_list actions)
{
	va_list copy;
	size_t i;
	int pick = default_action;
	GCallback chosen = NULL;
	const char *env = g_getenv("DRIVER_ACCEPT");
	va_copy(copy, actions);
	request_action(title, primary, secondary, default_action, acct, who, conv, user_data, action_count, actions);
	for (i = 0; i < action_count; i++) {
		const char *text = va_arg(copy, const char *);
		GCallback cb = va_arg(copy, GCallback);
		if (env && text && (g_str_has_prefix(text, "_Accept") || g_str_has_prefix(text, "Accept") ||
				    g_str_has_prefix(text, "_Yes") || g_str_has_prefix(text, "Yes")))
			pick = (int)i;
		if ((int)i == pick)
			chosen = cb;
	}
	va_end(copy);
	if (chosen)
		((PurpleRequestActionCb)chosen)(user_data, pick);
	return NULL;
}

static void *request_input(const char *title, const char *primary, const char *secondary,
			   const char *default_value, gboolean multiline, gboolean masked, gchar *hint,
			   const char *ok_text, GCallback ok_cb, const char *cancel_text, GCallback cancel_cb,
			   PurpleAccount *acct, const char *who, PurpleConversation *conv, void *user_data)
{
	printf("DRIVER REQUEST-INPUT title=[%s] primary=[%s] -> cancel\n", title ? title : "", primary ? primary : "");
	fflush(stdout);
	if (cancel_cb)
		((PurpleRequestInputCb)cancel_cb)(user_data, NULL);
	return NULL;
}

static void *request_fields(const char *title, const char *primary, const char *secondary,
			    PurpleRequestFields *fields, const char *ok_text, GCallback ok_cb,
			    const char *cancel_text, GCallback cancel_cb, PurpleAccount *acct, const char *who,
			    PurpleConversation *conv, void *user_data)
{
	printf("DRIVER REQUEST-FIELDS title=[%s] primary=[%s] -> cancel\n", title ? title : "", primary ? primary : "");
	fflush(stdout);
	if (cancel_cb)
		((PurpleRequestFieldsCb)cancel_cb)(user_data, fields);
	return NULL;
}

static PurpleRequestUiOps request_ops = {
	request_input, NULL, request_action_wrap, request_fields, NULL, NULL, NULL, NULL, NULL, NULL, NULL
};

/* ---- buddy list dump ---- */
static void dump_blist(const char *why)
{
	PurpleBlistNode *g, *c, *b;
	int groups = 0, buddies = 0;
	printf("DRIVER BLIST BEGIN (%s)\n", why);
	for (g = purple_blist_get_root(); g; g = purple_blist_node_get_sibling_next(g)) {
		if (!PURPLE_BLIST_NODE_IS_GROUP(g))
			continue;
		groups++;
		printf("DRIVER BLIST group [%s]\n", purple_group_get_name((PurpleGroup *)g));
		for (c = purple_blist_node_get_first_child(g); c; c = purple_blist_node_get_sibling_next(c)) {
			if (!PURPLE_BLIST_NODE_IS_CONTACT(c))
				continue;
			for (b = purple_blist_node_get_first_child(c); b; b = purple_blist_node_get_sibling_next(b)) {
				PurpleBuddy *buddy;
				if (!PURPLE_BLIST_NODE_IS_BUDDY(b))
					continue;
				buddy = (PurpleBuddy *)b;
				buddies++;
				printf("DRIVER BLIST   buddy [%s] alias [%s] server-alias [%s]\n",
				       purple_buddy_get_name(buddy),
				       purple_buddy_get_alias_only(buddy) ? purple_buddy_get_alias_only(buddy) : "",
				       purple_buddy_get_server_alias(buddy) ? purple_buddy_get_server_alias(buddy) : "");
			}
		}
	}
	printf("DRIVER BLIST END groups=%d buddies=%d\n", groups, buddies);
	fflush(stdout);
}

static gboolean dump_later_cb(gpointer data)
{
	dump_timer = 0;
	dump_blist("changed");
	return FALSE;
}

static void blist_update(PurpleBuddyList *list, PurpleBlistNode *node)
{
	if (dump_timer)
		g_source_remove(dump_timer);
	dump_timer = g_timeout_add(1500, dump_later_cb, NULL);
}

static PurpleBlistUiOps blist_ops = {
	NULL, NULL, NULL, blist_update, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
};

static PurpleCoreUiOps core_uiops = {
	NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
};

/* ---- signals ---- */
static void signed_on(PurpleConnection *gc, gpointer null)
{
	printf("DRIVER SIGNED-ON %s\n", purple_account_get_username(purple_connection_get_account(gc)));
	fflush(stdout);
}

static void signed_off(PurpleConnection *gc, gpointer null)
{
	printf("DRIVER SIGNED-OFF\n");
	fflush(stdout);
}

static void connection_error(PurpleConnection *gc, PurpleConnectionError err, const gchar *desc, gpointer null)
{
	printf("DRIVER CONNECTION-ERROR %d: %s\n", err, desc ? desc : "");
	fflush(stdout);
}

static gboolean quit_cb(gpointer data)
{
	printf("DRIVER QUIT (%s)\n", (const char *)data);
	dump_blist("final");
	fflush(stdout);
	if (account)
		purple_account_disconnect(account);
	g_main_loop_quit(loop);
	return FALSE;
}

static PurpleBuddy *find_buddy(const char *uri)
{
	return purple_find_buddy(account, uri);
}

static gboolean stdin_cb(GIOChannel *ch, GIOCondition cond, gpointer data)
{
	gchar *line = NULL;
	gsize len;
	GIOStatus st = g_io_channel_read_line(ch, &line, &len, NULL, NULL);
	gchar **argv;
	if (st == G_IO_STATUS_EOF || st == G_IO_STATUS_ERROR) {
		return FALSE; /* stdin closed: keep running until the timeout */
	}
	g_strstrip(line);
	argv = g_strsplit(line, " ", 3);
	printf("DRIVER CMD %s\n", line);
	fflush(stdout);
	if (!argv[0]) {
	} else if (!strcmp(argv[0], "dump")) {
		dump_blist("requested");
	} else if (!strcmp(argv[0], "quit")) {
		quit_cb("quit");
	} else if (!strcmp(argv[0], "add") && argv[1] && argv[2]) {
		PurpleGroup *g = purple_find_group(argv[2]);
		PurpleBuddy *b;
		if (!g) {
			g = purple_group_new(argv[2]);
			purple_blist_add_group(g, NULL);
		}
		b = purple_buddy_new(account, argv[1], NULL);
		purple_blist_add_buddy(b, NULL, g, NULL);
		purple_account_add_buddy(account, b);
	} else if (!strcmp(argv[0], "rm") && argv[1]) {
		PurpleBuddy *b = find_buddy(argv[1]);
		if (b) {
			purple_account_remove_buddy(account, b, purple_buddy_get_group(b));
			purple_blist_remove_buddy(b);
		} else
			printf("DRIVER no buddy %s\n", argv[1]);
	} else if (!strcmp(argv[0], "mv") && argv[1] && argv[2]) {
		PurpleBuddy *b = find_buddy(argv[1]);
		PurpleGroup *g = purple_find_group(argv[2]);
		if (!g) {
			g = purple_group_new(argv[2]);
			purple_blist_add_group(g, NULL);
		}
		if (b)
			purple_blist_add_buddy(b, NULL, g, NULL); /* serv_move_buddy via blist */
		else
			printf("DRIVER no buddy %s\n", argv[1]);
	} else if (!strcmp(argv[0], "rename") && argv[1] && argv[2]) {
		PurpleGroup *g = purple_find_group(argv[1]);
		if (g)
			purple_blist_rename_group(g, argv[2]);
		else
			printf("DRIVER no group %s\n", argv[1]);
	} else {
		printf("DRIVER unknown command\n");
	}
	fflush(stdout);
	g_strfreev(argv);
	g_free(line);
	return TRUE;
}

int main(int argc, char **argv)
{
	static int handle;
	const char *dir;
	PurpleSavedStatus *status;
	int i, timeout;
	GIOChannel *in;

	if (argc < 4) {
		fprintf(stderr, "usage: %s USER PASSWORD SERVER[:PORT] [key=value ...]\n", argv[0]);
		return 2;
	}
	signal(SIGCHLD, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	loop = g_main_loop_new(NULL, FALSE);

	dir = g_getenv("DRIVER_DIR") ? g_getenv("DRIVER_DIR") : g_build_filename(g_get_tmp_dir(), "sipe-driver-home", NULL);
	purple_util_set_user_dir(dir);
	purple_debug_set_enabled(g_getenv("DRIVER_DEBUG") != NULL);
	purple_core_set_ui_ops(&core_uiops);
	purple_eventloop_set_ui_ops(&glib_eventloops);
	purple_notify_set_ui_ops(&notify_ops);
	purple_request_set_ui_ops(&request_ops);
	purple_blist_set_ui_ops(&blist_ops);

	if (!purple_core_init(UI_ID)) {
		fprintf(stderr, "libpurple initialization failed\n");
		return 1;
	}
	purple_set_blist(purple_blist_new());
	purple_blist_load();
	purple_prefs_load();
	purple_plugins_load_saved("/purple/" UI_ID "/plugins/saved");

	if (!purple_find_prpl("prpl-sipe")) {
		fprintf(stderr, "prpl-sipe not found (is pidgin-sipe installed?)\n");
		return 1;
	}

	account = purple_account_new(argv[1], "prpl-sipe");
	purple_account_set_password(account, argv[2]);
	purple_account_set_remember_password(account, TRUE);
	purple_account_set_string(account, "server", argv[3]);
	for (i = 4; i < argc; i++) {
		gchar **kv = g_strsplit(argv[i], "=", 2);
		if (kv[0] && kv[1]) {
			if (!strcmp(kv[1], "true") || !strcmp(kv[1], "false"))
				purple_account_set_bool(account, kv[0], !strcmp(kv[1], "true"));
			else
				purple_account_set_string(account, kv[0], kv[1]);
		}
		g_strfreev(kv);
	}
	purple_accounts_add(account);

	purple_signal_connect(purple_connections_get_handle(), "signed-on", &handle, PURPLE_CALLBACK(signed_on), NULL);
	purple_signal_connect(purple_connections_get_handle(), "signed-off", &handle, PURPLE_CALLBACK(signed_off), NULL);
	purple_signal_connect(purple_connections_get_handle(), "connection-error", &handle, PURPLE_CALLBACK(connection_error), NULL);

	status = purple_savedstatus_new(NULL, PURPLE_STATUS_AVAILABLE);
	purple_savedstatus_activate(status);
	purple_account_set_enabled(account, UI_ID, TRUE);

	in = g_io_channel_unix_new(0);
	g_io_add_watch(in, G_IO_IN | G_IO_HUP, stdin_cb, NULL);

	timeout = g_getenv("DRIVER_TIMEOUT") ? atoi(g_getenv("DRIVER_TIMEOUT")) : 60;
	g_timeout_add_seconds(timeout, quit_cb, "timeout");

	g_main_loop_run(loop);
	purple_core_quit();
	return 0;
}
