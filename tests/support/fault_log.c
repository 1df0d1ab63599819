#include "fault_log.h"

#include <stdio.h>
#include <string.h>

void fault_log_note(void *user, const char *message)
{
	fault_log *f = user;
	size_t len = strlen(f->text);
	snprintf(f->text + len, sizeof f->text - len, "%s\n", message);
	snprintf(f->last, sizeof f->last, "%s", message);
	f->n++;
}
